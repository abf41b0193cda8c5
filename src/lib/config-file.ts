import { readBounded, TooLarge } from './bounded-read.js';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { nearMatches } from './near-matches.js';
import { InputError } from './errors.js';
import { checkFleet } from './fleet-config.js';

export const MAX_CONFIG_BYTES = 1024 * 1024;

export type { ConfigFile, FleetAccount, LoadedConfig, Report } from './config-types.js';
import type { ConfigFile, Report } from './config-types.js';

type FieldKind = 'string' | 'string-or-list' | 'list' | { [key: string]: FieldKind } | { items: FieldKind | 'string' };

const SCHEMA: { [key: string]: FieldKind } = {
  okta: { orgUrl: 'string', appLabel: 'string', clientId: 'string', keyId: 'string', scopes: 'string-or-list', rateShare: 'string' },
  cloudflare: { accountId: 'string', apiBaseUrl: 'string' },
  assignGroups: 'list',
  // A plain name, or a name with the Cloudflare roles its user group gets.
  pushGroups: { items: { name: 'string', roles: 'list' } },
  assignUsers: 'list',
  wait: 'string',
  report: { expectedOutside: 'list' },
  accounts: {
    items: {
      name: 'string',
      accountId: 'string',
      appLabel: 'string',
      assignGroups: 'list',
      pushGroups: { items: { name: 'string', roles: 'list' } },
      assignUsers: 'list',
      scimTokenEnv: 'string',
      scimTokenFile: 'string',
      apiTokenEnv: 'string',
    },
  },
};

const SECRET_KEYS = /token|secret|password|privatekey|apikey/i;

/** Reads and validates a config file; every problem names the file, the key and the fix. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  let bytes: Buffer;
  try {
    // Bounded while reading: a device or a FIFO (--config /dev/zero) reports no size to check first.
    bytes = await readBounded(path, MAX_CONFIG_BYTES);
  } catch (error) {
    if (error instanceof TooLarge)
      throw new InputError(
        `Config file ${path} is over the 1 MB limit.`,
        'A scim-setup config is a few lines of JSON or YAML; check that --config names the right file.',
      );
    throw new InputError(`Config file ${path} cannot be read: it does not exist or is not accessible.`, 'Check the path given to --config.');
  }
  return parseConfigText(bytes, path);
}

/** Pure: bytes of a config file → validated config. */
export function parseConfigText(bytes: Uint8Array, path: string): ConfigFile {
  if (bytes.includes(0)) {
    throw new InputError(`Config file ${path} is binary, not JSON or YAML.`, 'Check that --config names the right file.');
  }
  const text = Buffer.from(bytes).toString('utf8');
  const lines = new LineCounter();
  // JSON is YAML 1.2, so one parser serves both; it also refuses duplicate keys.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    // The parser places its errors by offset; the line counter turns that into what an editor shows.
    const pos = first.linePos?.[0] ?? lines.linePos(first.pos[0]);
    const where = ` (line ${pos.line}, column ${pos.col})`;
    throw new InputError(
      `Config file ${path} is not valid JSON or YAML${where}: ${first.message.split('\n')[0]}`,
      'Fix the syntax; see the README for an example config.',
    );
  }
  if (doc.contents === null) return {};
  // Every problem of the file at once, each at its line and column: a file with two typos is fixed in one go.
  const problems: Problem[] = [];
  const place = (node: unknown) => {
    const offset = isNode(node) ? node.range?.[0] : undefined;
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const at = (node: unknown) => {
    const where = place(node);
    return where ? `${where}: ` : '';
  };
  const report: Report = (node, message, fix) => problems.push({ where: at(node), message, fix });
  const config = validateNode(doc.contents, SCHEMA, '', report) as ConfigFile;
  const accountsNode = isMap(doc.contents) ? doc.contents.get('accounts', true) : undefined;
  if (config.accounts && isSeq(accountsNode)) config.accounts = checkFleet(config, accountsNode.items, report, place);
  if (problems.length === 1) throw new InputError(`Config file ${path}, ${problems[0].where}${problems[0].message}`, problems[0].fix);
  if (problems.length > 1)
    throw new InputError(
      `Config file ${path} has ${problems.length} problems:\n${problems.map((p) => `  - ${p.where}${p.message} ${p.fix}`).join('\n')}`,
      'Fix each of them; see the README for an example config.',
    );
  return config;
}

interface Problem {
  where: string;
  message: string;
  fix: string;
}

/** Validates one node against its kind, reporting each problem; what is wrong is left out of the value. */
function validateNode(node: unknown, kind: FieldKind, key: string, report: Report): unknown {
  const where = key ? `key "${key}"` : 'the top level';
  // Aliases are refused outright: a config has no use for them, and they can expand hugely.
  if (isAlias(node)) return report(node, `${where} uses a YAML alias (*name); aliases are not allowed.`, 'Write the value out in full.');
  if (typeof kind === 'object' && 'items' in kind) {
    if (!isSeq(node))
      return report(
        node,
        `key "${key}" must be a list.`,
        `Write "${key}" as a list, e.g. ["Engineering"] or [{"name":"Engineering","roles":["Administrator Read Only"]}].`,
      );
    return node.items.flatMap((item, index): Array<string | { name?: string }> => {
      if (isScalar(item) && typeof item.value === 'string') return [item.value];
      const value = validateNode(item, kind.items, `${key}[${index}]`, report);
      if (!isNamed(value)) {
        if (value !== undefined)
          report(
            item,
            `item ${index + 1} of "${key}" needs a "name".`,
            'Give each entry a name, e.g. {"name":"Engineering","roles":["Administrator Read Only"]}.',
          );
        return [];
      }
      return [value];
    });
  }
  if (isFields(kind)) {
    if (!isMap(node)) return report(node, `${where} must be a mapping of keys to values.`, exampleFix());
    const out: Record<string, unknown> = Object.create(null);
    const fields = kind;
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const full = key ? `${key}.${name}` : name;
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
        report(pair.key, `key "${full}" is not allowed.`, 'Remove it.');
        continue;
      }
      if (!(name in fields)) {
        const secretHint = SECRET_KEYS.test(name) ? ' Secrets do not belong in a config file: use the env vars or the --*-token-file flags.' : '';
        const near = nearMatches(name, Object.keys(fields), 1);
        report(
          pair.key,
          `unknown key "${full}"${near.length ? `; did you mean "${near[0]}"?` : '.'}${secretHint}`,
          `Known keys${key ? ` under "${key}"` : ''}: ${Object.keys(fields).join(', ')}.`,
        );
        continue;
      }
      const value = validateNode(pair.value, fields[name], full, report);
      if (value !== undefined) out[name] = value;
    }
    return { ...out };
  }
  if (kind === 'string' || (kind === 'string-or-list' && isScalar(node))) {
    if (!isScalar(node) || typeof node.value !== 'string') return report(node, `key "${key}" must be a string.`, `Quote the value of "${key}".`);
    return node.value;
  }
  if (!isSeq(node)) return report(node, `key "${key}" must be a list of strings.`, `Write "${key}" as a list, e.g. ["Engineering"].`);
  return node.items.flatMap((item, index) => {
    if (!isScalar(item) || typeof item.value !== 'string') {
      report(item, `item ${index + 1} of "${key}" must be a string.`, 'Quote it.');
      return [];
    }
    return [item.value];
  });
}

/** A mapping's kind: its fields' kinds by name. */
function isFields(kind: FieldKind): kind is { [key: string]: FieldKind } {
  return typeof kind === 'object' && !('items' in kind);
}

/** A list entry given as a mapping with its name. */
function isNamed(value: unknown): value is { name: string } {
  return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string';
}

function exampleFix(): string {
  return 'Example: {"okta":{"orgUrl":"https://acme.okta.com"},"cloudflare":{"accountId":"<32 hex>"},"assignGroups":["Engineering"]}';
}

import { isMap, isScalar, type YAMLMap } from 'yaml';
import type { ConfigFile, FleetAccount, Report } from './config-types.js';
import { fleetAppLabel } from './app-label.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Variables a fleet entry may not name for a Cloudflare token: scim-setup's own Okta credentials
 * (every OKTA_ variable it reads), and the CI runner's own secrets. A config file is often a
 * repository file, so a change to it must not be able to send those to Cloudflare's host (or, as
 * the SCIM token, to Okta).
 */
const NOT_A_CLOUDFLARE_TOKEN = /^(OKTA_.*|GITHUB_TOKEN|ACTIONS_.*|RUNNER_.*)$/i;
/** The two keys that name a Cloudflare token's variable. */
const TOKEN_ENV_KEYS: Array<'scimTokenEnv' | 'apiTokenEnv'> = ['scimTokenEnv', 'apiTokenEnv'];

/** The default variable of each role: the other role may not name it. */
const DEFAULT_ENV = { scimTokenEnv: 'CLOUDFLARE_SCIM_TOKEN', apiTokenEnv: 'CLOUDFLARE_API_TOKEN' } as const;

/** Pure: why a variable may not hold this role's token, or undefined. */
function credentialRouting(key: 'scimTokenEnv' | 'apiTokenEnv', env: string, otherRole: ReadonlySet<string>): string | undefined {
  if (NOT_A_CLOUDFLARE_TOKEN.test(env))
    return `"${key}" names ${env}, which holds ${/^OKTA_/i.test(env) ? "scim-setup's Okta credentials" : "the CI runner's own secret"}, not a Cloudflare token: it would be sent to ${
      key === 'scimTokenEnv' ? 'Cloudflare and handed to Okta' : "Cloudflare's API host"
    }.`;
  const other = key === 'scimTokenEnv' ? 'apiTokenEnv' : 'scimTokenEnv';
  if (env.toUpperCase() === DEFAULT_ENV[other] || otherRole.has(env.toUpperCase()))
    return `"${key}" names ${env}, which ${env.toUpperCase() === DEFAULT_ENV[other] ? 'is the default variable' : `another entry names as "${other}"`} of the other Cloudflare token: one variable cannot hold both the SCIM token Okta gets and the API token that makes and reads.`;
  return undefined;
}

/**
 * The rules of a fleet beyond each field's type, each problem at its line: every entry a mapping
 * with a name and an account ID, names usable on the command line (--account NAME), no account,
 * name or app label twice (two entries would fight over one app), token sources that name an env
 * var rather than hold a token, and no top-level account ID beside the list.
 * Returns the accounts that are whole; what is wrong has been reported.
 */
export function checkFleet(
  config: ConfigFile,
  nodes: unknown[],
  report: Report,
  placeOf: (node: unknown) => string | undefined = () => undefined,
): FleetAccount[] {
  if (config.cloudflare?.accountId !== undefined)
    report(
      nodes[0] ?? null,
      'both "cloudflare.accountId" and "accounts" are set.',
      'A fleet config names its accounts in "accounts" only: remove "cloudflare.accountId".',
    );
  if (nodes.length === 0) report(null, '"accounts" is empty.', 'List at least one account, or remove "accounts" to configure one account.');
  const fleet: FleetCheck = {
    config,
    report,
    seen: { name: new Map(), accountId: new Map(), appLabel: new Map() },
    roleEnvs: roleEnvsOf(nodes),
  };
  return nodes.flatMap((node, index) => {
    if (isMap(node)) return checkAccount(node, index, fleet, placeOf);
    report(node, `item ${index + 1} of "accounts" must be a mapping with "name" and "accountId".`, 'Write e.g. {"name":"prod","accountId":"<32 hex>"}.');
    return [];
  });
}

/** What checking one account needs of the whole fleet: what the others have used so far, and the variables each role names. */
interface FleetCheck {
  config: ConfigFile;
  report: Report;
  /** Each unique field's values so far, with the item that first had it. */
  seen: Record<'name' | 'accountId' | 'appLabel', Map<string, number>>;
  roleEnvs: Record<(typeof TOKEN_ENV_KEYS)[number], Set<string>>;
}

/** Which variables each role names anywhere in the fleet: one variable serves one role only. */
function roleEnvsOf(nodes: unknown[]): FleetCheck['roleEnvs'] {
  const roleEnvs = { scimTokenEnv: new Set<string>(), apiTokenEnv: new Set<string>() };
  for (const node of nodes)
    if (isMap(node))
      for (const key of TOKEN_ENV_KEYS) {
        const value = node.get(key, true);
        if (isScalar(value) && typeof value.value === 'string') roleEnvs[key].add(value.value.toUpperCase());
      }
  return roleEnvs;
}

type AccountNode = YAMLMap<unknown, unknown>;
type Field = (key: string) => { value: string; node: unknown } | undefined;

/** One account of the list: its fields, its token variables, its uniqueness; the account as read, where whole. */
function checkAccount(node: AccountNode, index: number, fleet: FleetCheck, placeOf: (node: unknown) => string | undefined): FleetAccount[] {
  const { report } = fleet;
  const place = `item ${index + 1} of "accounts"`;
  const field: Field = (key) => {
    const value = node.get(key, true);
    return isScalar(value) && typeof value.value === 'string' ? { value: value.value, node: value } : undefined;
  };
  const name = field('name');
  const accountId = field('accountId');
  // A missing name is reported by the field check, as for pushGroups.
  if (!accountId && !node.has('accountId')) report(node, `${place} needs "accountId".`, 'Give each account its Cloudflare account ID (32 hex characters).');
  if (node.has('scimTokenEnv') && node.has('scimTokenFile'))
    report(node, `${place} has both "scimTokenEnv" and "scimTokenFile".`, 'Give its SCIM token one way, or neither to let scim-setup make it.');
  if (name && !NAME.test(name.value))
    report(name.node, `account name "${name.value.slice(0, 40)}" is not a short name.`, 'Use letters, digits, "-", "_" or "." (up to 32), e.g. "prod".');
  checkTokenEnvs(field, place, fleet);
  checkUnique(node, field, index, fleet);
  const account = fleet.config.accounts?.find((a) => typeof a === 'object' && a.name === name?.value && a.accountId === accountId?.value);
  if (!account || !name || !accountId) return [];
  const placed = Object.fromEntries(
    TOKEN_ENV_KEYS.flatMap((key) => {
      const where = placeOf(field(key)?.node);
      return where ? [[key, where]] : [];
    }),
  );
  return [Object.keys(placed).length ? { ...account, placed } : account];
}

/** An account's token variables: each a variable's name, and one that serves its role alone. */
function checkTokenEnvs(field: Field, place: string, { report, roleEnvs }: FleetCheck): void {
  for (const key of TOKEN_ENV_KEYS) {
    const env = field(key);
    if (!env) continue;
    // Never echoed: a value that is not a variable's name may be the token itself, pasted by mistake.
    if (!ENV_NAME.test(env.value)) {
      report(
        env.node,
        `"${key}" of ${place} is not the name of an environment variable.`,
        `Name the variable that holds the token (e.g. CF_SCIM_TOKEN_PROD); the token itself never goes in a config file.`,
      );
      continue;
    }
    const routing = credentialRouting(key, env.value, roleEnvs[key === 'scimTokenEnv' ? 'apiTokenEnv' : 'scimTokenEnv']);
    const role = key === 'scimTokenEnv' ? 'SCIM' : 'API';
    if (routing)
      report(env.node, `${place}: ${routing}`, `Name a variable that holds this account's Cloudflare ${role} token alone (e.g. CF_${role}_TOKEN_PROD).`);
  }
}

/** An account's name, ID and app label, each unlike every earlier account's. */
function checkUnique(node: AccountNode, field: Field, index: number, { config, report, seen }: FleetCheck): void {
  const name = field('name');
  const accountId = field('accountId');
  const place = `item ${index + 1} of "accounts"`;
  const duplicateName = name !== undefined && seen.name.has(name.value.toLowerCase());
  // Okta's labels differ by what a person sees: a trailing space is not another app.
  const label = (field('appLabel')?.value ?? (name ? fleetAppLabel(config.okta?.appLabel, { name: name.value }) : undefined))?.trim();
  for (const [key, value, at] of [
    ['name', name?.value.toLowerCase(), name?.node],
    ['accountId', accountId?.value.trim().toLowerCase(), accountId?.node],
    ['appLabel', label?.toLowerCase(), field('appLabel')?.node ?? name?.node],
  ] as const) {
    // A label made from a name already said twice is not a second problem.
    if (value === undefined || (key === 'appLabel' && !field('appLabel') && duplicateName)) continue;
    const first = seen[key].get(value);
    if (first === undefined) seen[key].set(value, index + 1);
    else
      report(
        at ?? node,
        `${place} has the same ${key === 'appLabel' ? 'app label' : key} as item ${first}${key === 'appLabel' ? ` ("${label}")` : ''}.`,
        key === 'appLabel' ? 'Each account needs its own Okta app: give one of them its own "appLabel".' : `Each account is listed once, under one ${key}.`,
      );
  }
}

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, ROOT, runInProcess } from '../helpers/cli.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';

/**
 * #23 item 2, #24 item 28: each command's --json document is the one docs/json.md describes. The
 * tables are read from the file itself, so that the description and the program cannot drift apart.
 */
interface Field {
  always: boolean;
  /** There in every document of a run that read both services, all together; absent, all together, only beside `error`. */
  onceRead: boolean;
}
function documented(): Record<string, Record<string, Field>> {
  const text = readFileSync(join(ROOT, 'docs', 'json.md'), 'utf8');
  const sections: Record<string, Record<string, Field>> = {};
  let current = '';
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) current = heading[1] === 'Every document' ? '*' : heading[1];
    const row = /^\| `(\w+)` \|.*\| (.+) \|$/.exec(line);
    if (!row || !current) continue;
    sections[current] = { ...sections[current], [row[1]]: { always: row[2].trim() === 'always', onceRead: row[2].trim() === 'once read' } };
  }
  return sections;
}

let s: Sandbox;
beforeAll(async () => {
  s = await sandbox({ admin: 'auto' });
});
afterAll(() => s?.close());

const run = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runInProcess([...args, '--json'], { env: cleanEnv({ ...s.env, ...env }), secrets: sandboxSecrets(s) });
  return { code: r.code, doc: JSON.parse(r.stdout) as Record<string, unknown> };
};

describe('the --json documents are the ones docs/json.md describes', () => {
  it('every field of every command is described, and every "always" field is there', async () => {
    const docs = documented();
    expect(Object.keys(docs).sort()).toEqual(['*', 'destroy', 'fleet', 'fleet account', 'migrate', 'okta', 'report', 'rotate-token', 'verify']);
    const runs = [
      await run(['okta', '--push-group', 'Engineering', '--dry-run']),
      await run(['okta', '--push-group', 'Engineering', '--yes', '--wait', '30s']),
      await run(['verify']),
      await run(['migrate', '--dry-run']),
      await run(['rotate-token', '--dry-run']),
      await run(['destroy', '--dry-run']),
      await run(['report']),
      await run(['report', '--since', 'ever']),
      await run(['okta', '--org-url', 'http://nope.example', '--dry-run']),
      // Errors of each kind: an unknown group (found by reading), a refused token (verify's own reads).
      await run(['okta', '--push-group', 'Enginering', '--dry-run']),
      await run(['verify'], { CLOUDFLARE_SCIM_TOKEN: 'cfat_refusedrefusedrefusedrefusedrefused0000' }),
    ];
    // A fleet of this sandbox's one account (#26): the document of all accounts, each entry its command's.
    const config = join(mkdtempSync(join(tmpdir(), 'json-fleet-')), 'fleet.yaml');
    writeFileSync(config, `accounts:\n  - { name: only, accountId: ${s.accountId}, appLabel: Cloudflare SCIM }\n`);
    const fleetRuns = [
      await run(['verify', '--config', config]),
      await run(['okta', '--config', config, '--dry-run']),
      await run(['report', '--config', config]),
    ];
    for (const { code, doc } of fleetRuns) {
      const command = String(doc.command);
      const top = { ...docs['*'], ...docs.fleet };
      expect(
        Object.keys(doc).filter((k) => !(k in top)),
        `${command} fleet: fields not in docs/json.md`,
      ).toEqual([]);
      expect(
        Object.keys(top).filter((k) => top[k].always && !(k in doc)),
        `${command} fleet: "always" fields missing`,
      ).toEqual([]);
      expect(doc.exitCode).toBe(code);
      const entry = (doc.accounts as Array<Record<string, unknown>>)[0];
      const own = { ...docs['*'], ...docs[command], ...docs['fleet account'] };
      expect(
        Object.keys(entry).filter((k) => !(k in own) || ['formatVersion', 'command', 'status'].includes(k)),
        `${command} fleet account: fields`,
      ).toEqual([]);
      expect(Object.keys(docs['fleet account']).filter((k) => docs['fleet account'][k].always && !(k in entry))).toEqual([]);
    }
    for (const { code, doc } of runs) {
      const command = String(doc.command);
      const fields = { ...docs['*'], ...docs[command] };
      const where = `${command} (exit ${code})`;
      expect(
        Object.keys(doc).filter((k) => !(k in fields)),
        `${where}: fields not in docs/json.md`,
      ).toEqual([]);
      const named = (kind: keyof Field) =>
        Object.entries(fields)
          .filter(([, f]) => f[kind])
          .map(([k]) => k);
      expect(
        named('always').filter((k) => !(k in doc)),
        `${where}: "always" fields missing`,
      ).toEqual([]);
      // "once read": all of them, or none of them beside an error (#34 item 15: no document is exempted unseen).
      const read = named('onceRead');
      const there = read.filter((k) => k in doc);
      if (there.length === 0) expect(doc.error, `${where}: no "once read" field, and no error`).toBeDefined();
      else
        expect(
          read.filter((k) => !(k in doc)),
          `${where}: "once read" fields missing`,
        ).toEqual([]);
      expect(doc.exitCode, where).toBe(code);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { oktaApi } from '../helpers/okta-api.js';
import { openTarget, uniqueName, type LiveTarget } from './target.js';

/**
 * The end-to-end flow a user runs on day one and after (okta, verify, rotate-token, destroy),
 * against real services with SCIM_SETUP_LIVE=1 (`npm run test:live`), else against a sandbox.
 * Everything it makes is uniquely named and removed in afterAll, even when a step fails.
 */
let target: LiveTarget;
const appLabel = uniqueName('scim-setup-live');
const groupName = uniqueName('scim-setup-live-group');
let groupId: string | undefined;

const secretsOf = (t: LiveTarget) => [t.env.OKTA_API_TOKEN, t.env.CLOUDFLARE_SCIM_TOKEN, t.env.CLOUDFLARE_API_TOKEN].filter(Boolean);
const cli = (args: string[]) => runCli([...args, '--app-label', appLabel], { env: cleanEnv(target.env), secrets: secretsOf(target), timeoutMs: 30 * 60_000 });

/** The Okta API as an admin, for the suite's own group; a failed call is an error. */
// biome-ignore lint/suspicious/noExplicitAny: a live Okta answer is read as the test knows it, with expect
async function okta(method: string, path: string, body?: unknown): Promise<any> {
  const r = await oktaApi(target.env.OKTA_ORG_URL, target.env.OKTA_API_TOKEN)(method, path, body);
  if (r.status >= 400) throw new Error(`${method} ${path}: HTTP ${r.status}`);
  return r.body;
}

beforeAll(async () => {
  target = await openTarget();
  console.log(`acceptance suite: target ${target.kind}; app "${appLabel}", group "${groupName}"`);
  // A group of one, made for this run: pushing it touches nobody else.
  groupId = (await okta('POST', '/api/v1/groups', { profile: { name: groupName, description: 'scim-setup acceptance suite; safe to delete' } })).id;
  const [user] = await okta('GET', `/api/v1/users?search=${encodeURIComponent(`profile.login eq "${target.userLogin}"`)}`);
  await okta('PUT', `/api/v1/groups/${groupId}/users/${user.id}`);
}, 120_000);

afterAll(async () => {
  // Cleanup runs whatever happened above: the app and its pushed group, then the Okta group.
  if (target) {
    const r = await cli(['destroy', '--yes', '--delete-cloudflare-groups', '--wait', target.wait]);
    if (r.code !== 0) console.log(`cleanup: destroy exited ${r.code}:\n${r.stderr}`);
    if (groupId) await okta('DELETE', `/api/v1/groups/${groupId}`).catch((error: Error) => console.log(`cleanup: ${error.message}`));
    await target.close();
  }
}, 30 * 60_000);

describe(`acceptance: okta → verify → rotate-token → destroy`, () => {
  it(
    'okta sets the app up, pushes the group and verifies it',
    async () => {
      const r = await cli(['okta', '--push-group', groupName, '--yes', '--json', '--wait', target.wait]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.verification.checks.filter((c: { status: string }) => c.status === 'fail' || c.status === 'pending')).toEqual([]);
    },
    30 * 60_000,
  );

  it(
    'verify proves it again, read-only',
    async () => {
      const r = await cli(['verify', '--json', '--wait', target.wait]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === `push-group:${groupName}`)).toMatchObject({ status: 'pass' });
    },
    30 * 60_000,
  );

  it(
    'rotate-token hands Okta the token and proves it in use',
    async () => {
      const r = await cli(['rotate-token', '--json', '--wait', target.wait]);
      expect(r.code, r.stderr).toBe(0);
    },
    30 * 60_000,
  );

  it(
    'destroy removes the app; a second destroy finds nothing to do',
    async () => {
      const r = await cli(['destroy', '--yes', '--delete-cloudflare-groups', '--json', '--wait', target.wait]);
      expect(r.code, r.stderr).toBe(0);
      const again = await cli(['destroy', '--yes', '--dry-run', '--json']);
      expect([0, 2]).toContain(again.code);
      expect(again.stdout + again.stderr).toMatch(/no app|nothing to (do|destroy)|not found/i);
    },
    30 * 60_000,
  );
});

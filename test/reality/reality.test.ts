import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange as WireExchange } from '../../src/sandbox/http/server.js';
import { compareShapes, foldAnswer, formatDifference, isAllowed, operationOf, type Allowance, type OperationShape } from '../../src/sandbox/reality/shape.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { oktaApi } from '../helpers/okta-api.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';

/**
 * The Okta emulator held to recordings of the real Okta API: every operation the product sends,
 * and every one the emulator serves that the recordings show, answered in the same shape.
 */
interface Fixture {
  source: { repository: string; version: string; licence: string; files: string[] };
  operations: Record<string, OperationShape & { from: string[] }>;
  allowances: Allowance[];
  unrecorded: Array<{ operation: string; reason: string }>;
}

const fixture = JSON.parse(readFileSync(new URL('./okta-recorded-shapes.json', import.meta.url), 'utf8')) as Fixture;

const emulated = new Map<string, OperationShape>();
const productOperations = new Set<string>();
let s: Sandbox;

function tap(into: Set<string> | undefined) {
  return (x: WireExchange) => {
    const own = operationOf(x.method, x.url);
    into?.add(own);
    foldAnswer(emulated, own, { status: x.status, responseHeaders: x.headers, responseBody: x.payload });
  };
}

/** Plain HTTP with the org's token, for the operations the product itself does not send. */
const okta = (method: string, path: string, body?: unknown) => oktaApi(s.okta.url, s.okta.apiToken)(method, path, body);

beforeAll(async () => {
  s = await sandbox({ admin: 'auto', connectionApi: 'supported' });
  const env = cleanEnv(s.env);
  const secrets = sandboxSecrets(s);
  // 1. The product, as a user runs it: every Okta operation it sends is collected here.
  s.okta.server.taps.push(tap(productOperations));
  const user = [...s.okta.state.users.values()][50].profile.login;
  const run = async (...args: string[]) => {
    const r = await runInProcess(args, { env, secrets });
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  };
  await run('okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--assign-user', user, '--yes', '--wait', '20s');
  await run('verify', '--wait', '20s');
  await run('rotate-token', '--wait', '20s');
  await run('migrate', '--yes', '--wait', '20s');
  await run('destroy', '--yes', '--delete-cloudflare-groups', '--deprovision-users', '--wait', '20s');
  s.okta.server.taps.length = 0;

  // 2. The rest of the org's API families, in the state the recordings were made in.
  s.okta.server.taps.push(tap(undefined));
  const group = (await okta('POST', '/api/v1/groups', { profile: { name: 'Reality Push Group', description: '' } })).body;
  await okta('GET', `/api/v1/groups/${group.id}`);
  await okta('PUT', `/api/v1/groups/${group.id}`, { profile: { name: 'Reality Push Group', description: 'updated' } });
  await okta('GET', '/api/v1/groups?q=Reality&limit=200');
  await okta('GET', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}&limit=200`);
  const created = (
    await okta('POST', '/api/v1/users?activate=true', {
      profile: { firstName: 'Reality', lastName: 'Check', email: 'reality.check@example.com', login: 'reality.check@example.com' },
    })
  ).body;
  await okta('GET', `/api/v1/users/${created.id}`);
  await okta('GET', `/api/v1/users?search=${encodeURIComponent('profile.email sw "reality"')}&limit=200`);
  await okta('PUT', `/api/v1/users/${created.id}`, { profile: { ...created.profile, lastName: 'Checked' } });
  await okta('PUT', `/api/v1/groups/${group.id}/users/${created.id}`);
  await okta('GET', `/api/v1/groups/${group.id}/users`);
  const app = (
    await okta('POST', '/api/v1/apps?activate=true', {
      name: 'scim2testapp',
      label: 'Reality App',
      signOnMode: 'AUTO_LOGIN',
      visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: true } },
    })
  ).body;
  await okta('GET', `/api/v1/apps/${app.id}`);
  await okta('GET', `/api/v1/apps?filter=${encodeURIComponent('name eq "scim2testapp"')}&limit=200`);
  await okta('PUT', `/api/v1/apps/${app.id}`, (await okta('GET', `/api/v1/apps/${app.id}`)).body);
  // Recorded too: a PUT Okta refuses (400), the error body every operation shares.
  await okta('PUT', `/api/v1/apps/${app.id}`, { name: 'scim2testapp', signOnMode: 'AUTO_LOGIN' });
  // Recorded: a push mapping made on an app whose features are still [].
  const mapping = (
    await okta('POST', `/api/v1/apps/${app.id}/group-push/mappings`, { sourceGroupId: group.id, status: 'ACTIVE', targetGroupName: 'Reality Push Group' })
  ).body;
  await okta('GET', `/api/v1/apps/${app.id}/group-push/mappings/${mapping.id}`);
  await okta('GET', `/api/v1/apps/${app.id}/group-push/mappings`);
  await okta('PATCH', `/api/v1/apps/${app.id}/group-push/mappings/${mapping.id}`, { status: 'INACTIVE' });
  await okta('DELETE', `/api/v1/apps/${app.id}/group-push/mappings/${mapping.id}?deleteTargetGroup=true`);
  // Assigned and read before provisioning is on, as in the recordings (made on apps that never push): a read after it
  // would race Okta's engine, which may or may not have pushed the user by then.
  await okta('POST', `/api/v1/apps/${app.id}/users`, { id: created.id, scope: 'USER', credentials: { userName: created.profile.login } });
  await okta('GET', `/api/v1/apps/${app.id}/users/${created.id}`);
  await okta('POST', `/api/v1/apps/${app.id}/connections/default`, {
    baseUrl: s.scimBaseUrl,
    profile: { authScheme: 'TOKEN', token: s.env.CLOUDFLARE_SCIM_TOKEN },
  });
  await okta('POST', `/api/v1/apps/${app.id}/connections/default/lifecycle/activate`);
  await okta('GET', `/api/v1/apps/${app.id}/connections/default`);
  await okta('PUT', `/api/v1/apps/${app.id}/features/USER_PROVISIONING`, {
    create: { lifecycleCreate: { status: 'ENABLED' } },
    update: { lifecycleDeactivate: { status: 'ENABLED' }, profile: { status: 'DISABLED' } },
  });
  await okta('GET', `/api/v1/apps/${app.id}/features/USER_PROVISIONING`);
  await okta('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`, {});
  await okta('GET', `/api/v1/apps/${app.id}/groups/${group.id}`);
  await okta('GET', `/api/v1/apps/${app.id}/groups`);
  await okta('GET', `/api/v1/apps/${app.id}/users`);
  await s.okta.engine.idle();
  await okta('DELETE', `/api/v1/apps/${app.id}/users/${created.id}`);
  await okta('DELETE', `/api/v1/apps/${app.id}/groups/${group.id}`);
  await okta('DELETE', `/api/v1/groups/${group.id}/users/${created.id}`);
  await okta('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`);
  await okta('DELETE', `/api/v1/apps/${app.id}`);
  await okta('POST', `/api/v1/users/${created.id}/lifecycle/deactivate`);
  await okta('POST', `/api/v1/users/${created.id}/lifecycle/activate`);
  await okta('POST', `/api/v1/users/${created.id}/lifecycle/deactivate`);
  await okta('DELETE', `/api/v1/users/${created.id}`);
  await okta('DELETE', `/api/v1/groups/${group.id}`);
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe('the Okta emulator against recordings of real Okta', () => {
  it('the fixture names its source, version and licence, and keeps no values', () => {
    expect(fixture.source.repository).toBe('okta/terraform-provider-okta');
    expect(fixture.source.licence).toMatch(/MPL-2\.0/);
    expect(fixture.source.files.length).toBeGreaterThan(10);
    const text = JSON.stringify(fixture.operations);
    // Shapes only: no ids, URLs, e-mail addresses or dates of the recorded orgs.
    expect(text).not.toMatch(/https?:\/\/|@[a-z]+\.(com|org)|\b00[gu][A-Za-z0-9]{17}\b|\b0oa[A-Za-z0-9]{17}\b|\d{4}-\d{2}-\d{2}T/);
  });

  it('covers every Okta operation the product sends: recorded, or listed as unrecorded with a reason', () => {
    const uncovered = [...productOperations].filter((op) => !fixture.operations[op] && !fixture.unrecorded.some((u) => u.operation === op));
    expect(uncovered).toEqual([]);
    expect(productOperations.size).toBeGreaterThan(20);
    for (const u of fixture.unrecorded) expect(u.reason.length, u.operation).toBeGreaterThan(20);
  });

  it('answers every recorded operation it serves in the recorded shape: zero unexplained differences', () => {
    const unexplained: string[] = [];
    const compared: string[] = [];
    for (const [op, shape] of emulated) {
      const recorded = fixture.operations[op];
      if (!recorded) continue;
      compared.push(op);
      for (const d of compareShapes(op, recorded, shape)) if (!isAllowed(d, fixture.allowances)) unexplained.push(formatDifference(d));
    }
    console.log(
      `reality: ${compared.length} recorded operations compared, ` +
        `${productOperations.size} operations sent by the ` +
        `product, ${fixture.allowances.length} differences allowed ` +
        `with reasons, ${fixture.unrecorded.length} unrecorded`,
    );
    expect(unexplained).toEqual([]);
    // Every recorded operation of the families the emulator serves was driven.
    expect(Object.keys(fixture.operations).filter((op) => !emulated.has(op))).toEqual([]);
    expect(compared.length).toBe(Object.keys(fixture.operations).length);
  });

  it('every allowance still matches a difference: none is stale', () => {
    const all = [...emulated].flatMap(([op, shape]) => (fixture.operations[op] ? compareShapes(op, fixture.operations[op], shape) : []));
    const stale = fixture.allowances.filter((a) => !all.some((d) => d.operation === a.operation && d.kind === a.kind && d.subject === a.subject));
    expect(stale).toEqual([]);
  });
});

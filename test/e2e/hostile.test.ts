import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/lib/redact.js';
import { RequestPolicy } from '../../src/lib/request-policy.js';
import { OktaClient } from '../../src/okta/client.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, secretPieces, runInProcess } from '../helpers/cli.js';
import { startCapture, startHostileFront, type HostileMode, type Listening } from '../helpers/hostile-front.js';
import { control, pushNamedGroups, sandbox, sandboxSecrets } from '../helpers/sandbox.js';

/**
 * A hostile world: a server in front of either emulator that redirects, points paging links at
 * another host, reflects credentials, answers HTML, hangs or drips; and names in Okta that try to
 * drive the terminal. Each case asserts the exit code, output free of control bytes and secrets,
 * and what the other host received (nothing).
 */
let s: Sandbox | undefined;
const open: Listening[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
  await s?.close();
  s = undefined;
});

/** Nothing but text, line breaks and tabs: no escape sequence, no carriage return, no direction override. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function expectClean(text: string, secrets: string[]): void {
  expect(RAW_CONTROL.test(text), `control bytes in: ${JSON.stringify(text.match(RAW_CONTROL))}`).toBe(false);
  for (const secret of secrets) {
    for (const piece of secretPieces(secret)) {
      expect(text.includes(piece), 'a secret leaked').toBe(false);
      if (!piece.includes('\n') && piece.length > 20) expect(text.includes(piece.slice(0, 20)), "a secret's first 20 characters leaked").toBe(false);
    }
  }
}

async function setUp(): Promise<Sandbox> {
  s = await sandbox({ admin: 'auto' });
  const r = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { env: cleanEnv(s.env) });
  expect(r.code, r.stderr).toBe(0);
  await s.okta.engine.idle();
  return s;
}

async function front(service: 'okta' | 'cloudflare', match: RegExp, mode: HostileMode) {
  const evil = await startCapture();
  const target = service === 'okta' ? s!.okta.url : s!.cloudflare.url;
  const f = await startHostileFront(target, match, mode, evil.url);
  open.push(evil, f);
  const env = service === 'okta' ? { OKTA_ORG_URL: f.url } : { CLOUDFLARE_API_BASE_URL: `${f.url}/client/v4` };
  return { evil, front: f, env };
}

const run = (args: string[], env: Record<string, string | undefined>, timeoutMs = 45_000) =>
  runInProcess(args, { env: cleanEnv({ ...s!.env, ...env }), timeoutMs });

describe('credentials never leave their service', () => {
  it('a 307 on POST connections/default is refused, naming both origins; the other host receives nothing (no token, no body)', async () => {
    s = await sandbox({ admin: 'auto', connectionApi: 'supported' });
    const { evil, env } = await front('okta', /^POST \/api\/v1\/apps\/[^/]+\/connections\/default/, { kind: 'redirect' });
    const r = await run(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered POST \/api\/v1\/apps\/\w+\/connections\/default with a redirect \(307\) to http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain('does not follow redirects from an admin API');
    expect(evil.received).toEqual([]);
    expectClean(r.stdout + r.stderr, sandboxSecrets(s));
  });

  it('a redirect on a read is an error too, not "no app exists"', async () => {
    await setUp();
    const { evil, env } = await front('okta', /^GET \/api\/v1\/apps\?/, { kind: 'redirect', status: 302 });
    const r = await run(['verify'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('with a redirect (302)');
    expect(r.stderr).not.toContain('No Okta app');
    expect(evil.received).toEqual([]);
  });

  it('a Link: rel="next" naming another host is not followed: the token does not go there', async () => {
    await setUp();
    const { evil, env } = await front('okta', /^GET \/api\/v1\/groups\?/, { kind: 'offsite-next-link' });
    const r = await run(['okta', '--push-group', 'Engineering', '--dry-run'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Refused to send GET \/api\/v1\/groups to http:\/\/127\.0\.0\.1:\d+: a paging link or a redirect pointed away from Okta/);
    expect(evil.received).toEqual([]);
  });

  it('a Cloudflare redirect is refused the same way', async () => {
    await setUp();
    const { evil, env } = await front('cloudflare', /\/scim\/v2\/ServiceProviderConfig/, { kind: 'redirect' });
    const r = await run(['verify'], env);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('with a redirect (307)');
    expect(evil.received).toEqual([]);
  });

  it.each(['okta', 'cloudflare'] as const)('a %s server that echoes the credential, whole and cut short, has it redacted', async (service) => {
    await setUp();
    const match = service === 'okta' ? /^GET \/api\/v1\/apps\?/ : /\/scim\/v2\/ServiceProviderConfig/;
    const { env } = await front(service, match, { kind: 'reflect', status: 401, shape: service });
    const r = await run(['verify'], env);
    expect(r.code).toBe(4);
    expectClean(r.stdout + r.stderr, sandboxSecrets(s!));
  });

  it("the service-app mode's access token, which the run obtains, is registered for redaction the moment it arrives", async () => {
    s = await sandbox();
    const redactor = new Redactor();
    const policy = new RequestPolicy({ timeoutMs: 5000, maxRetries: 0, maxWaitMs: 1000, onSecret: (secret) => redactor.register(secret) });
    const client = new OktaClient(
      s.okta.url,
      { kind: 'privateKey', clientId: s.serviceApp.clientId, privateKey: s.serviceApp.privateKeyPem, scopes: ['okta.groups.read'] },
      policy,
      {},
    );
    await client.list('/api/v1/groups', { limit: 1 });
    const [issued] = [...(s.okta.auth as unknown as { accessTokens: Map<string, unknown> }).accessTokens.keys()];
    expect(issued).toBeTruthy();
    // Whole, or its first 20 characters as a server might echo them.
    expect(redactor.redact(`token ${issued} starts ${issued.slice(0, 20)}`)).toBe('token [redacted] starts [redacted]');
  });
});

describe('truth under a broken network', () => {
  it("a captive portal's 200 HTML does not pass the token check: it says what answered, exit 1 (not 4)", async () => {
    await setUp();
    const { env } = await front('cloudflare', /\/scim\/v2\/ServiceProviderConfig/, { kind: 'html', status: 200 });
    const r = await run(['verify', '--json'], env);
    expect(r.code).toBe(1);
    const token = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'scim-token');
    expect(token.status).toBe('fail');
    expect(token.summary).toBe("the SCIM token could not be checked: Cloudflare's SCIM endpoint did not answer as Cloudflare");
    expect(token.evidence.join(' ')).toContain("an HTML page (a proxy, a captive portal or a gateway answered, not Cloudflare's API)");
  });

  it('HTML 502 on every Cloudflare call: a clear error about a gateway, exit 1, no crash', async () => {
    await setUp();
    const { env } = await front('cloudflare', /./, { kind: 'html', status: 502 });
    const r = await run(['okta', '--push-group', 'Engineering', '--dry-run', '--max-wait', '1s'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('answered 502 with an HTML page');
    expect(r.stderr).not.toContain('unexpected failure');
    expectClean(r.stdout + r.stderr, sandboxSecrets(s!));
  });

  it('an answer that floods without end is cut at 32 MB and said as such, from either service, and not asked again', async () => {
    await setUp();
    for (const [service, match] of [
      ['okta', /^GET \/api\/v1\/apps\?/],
      ['cloudflare', /^GET \/client\/v4\/accounts\/[^/]+\/scim\/v2\/ServiceProviderConfig/],
    ] as const) {
      const { front: f, env } = await front(service, match, { kind: 'flood' });
      const r = await run(['verify', '--request-timeout', '20s'], env);
      expect(r.code, r.stderr).toBe(1);
      // Okta's is the run's error; Cloudflare's, the SCIM token check's failure.
      const said = r.stdout + r.stderr;
      const name = service === 'okta' ? 'Okta' : 'Cloudflare';
      expect(said).toMatch(new RegExp(`${name}'s answer to GET /\\S+ is larger than 32 MB`));
      expect(said).toContain(service === 'okta' ? 'OKTA_ORG_URL' : 'CLOUDFLARE_API_BASE_URL');
      expect(said).not.toContain('unexpected failure');
      // Sent again, it would flood again: one request, no retry.
      expect(f.hits).toBe(1);
      // With the read token given, the audit log's skip says what to mend: the SCIM check, not a token already set.
      if (service === 'cloudflare') {
        expect(said).toContain('Mend what the scim-token check says');
        expect(said).not.toContain('Set CLOUDFLARE_API_TOKEN');
      }
    }
  });

  it('a body cut short is an error that says so, not a crash', async () => {
    await setUp();
    const { env } = await front('okta', /^GET \/api\/v1\/apps\?/, { kind: 'truncate' });
    const r = await run(['verify', '--request-timeout', '2s'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('unexpected failure');
  });
});

describe('names from Okta do not drive the terminal', () => {
  const HOSTILE = ['Ops\u001b]52;c;c2VjcmV0\u0007', 'Evil\r\n✓ verified: everything is fine', 'Admins\u202etxt.exe', 'Clear\u001b[2J\u001b[H'];

  it('hostile group names pushed through Okta are shown as visible escapes, on one line, in every face; --json stays exact', async () => {
    s = await sandbox({ admin: 'auto' });
    expect((await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { env: cleanEnv(s.env) })).code).toBe(0);
    await pushNamedGroups(s, HOSTILE);
    const human = await runInProcess(['verify'], { env: cleanEnv({ ...s.env, FORCE_COLOR: '1' }) });
    const text = human.stdout + human.stderr;
    // Colour (SGR) is the program's own; nothing else escapes.
    expect(text.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW_CONTROL);
    expect(text).toContain('Ops\\x1b]52;c;c2VjcmV0\\x07');
    expect(text).toContain('Evil\\x0d\\n✓ verified');
    expect(text).toContain('Admins\\u202etxt.exe');
    expect(text.split('\n').some((line) => line.startsWith('✓ verified: everything is fine'))).toBe(false);
    const json = await runInProcess(['verify', '--json'], { env: cleanEnv(s.env) });
    const names = JSON.parse(json.stdout).checks.map((c: { id: string }) => c.id);
    for (const name of HOSTILE) expect(names).toContain(`push-group:${name}`);
  });
});

describe('the sandbox answers as the services do', () => {
  it('a group name with a quote pushes (the SCIM filter is escaped); control characters are a 400 from Cloudflare, not a 500', async () => {
    s = await sandbox({ admin: 'auto' });
    const g = s.okta.state.addGroup('R&D "Core"', null, 'OKTA_GROUP');
    s.okta.state.members.get(g.id)!.add([...s.okta.state.users.values()][3].id);
    const r = await runInProcess(['okta', '--push-group', 'R&D "Core"', '--yes', '--wait', '20s', '--json'], { env: cleanEnv(s.env) });
    expect(r.code, r.stderr).toBe(0);
    expect([...[...s.okta.state.apps.values()][0].mappings.values()][0].status).toBe('ACTIVE');
    expect([...s.cloudflare.state.userGroups.values()].map((u) => u.name)).toContain('R&D "Core"');
    const bad = await fetch(`${s.cloudflare.apiBaseUrl}/accounts/${s.accountId}/scim/v2/Groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bad\u0000\u001bName' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toMatch(/at \w+ \(/);
    void control;
  });
});

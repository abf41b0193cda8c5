import { request } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { control, sandbox } from '../helpers/sandbox.js';

// The sandbox's control API and console pages obey only their own callers: a web page the machine's browser opens (a
// DNS-rebound name, a cross-site form) cannot install faults, mint tokens or point the emulated Okta elsewhere; and the
// emulated Okta provisions only to the sandbox's own Cloudflare, or where a test names.

let s: Sandbox | undefined;
let listener: Server | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  listener = undefined;
});

/** A raw request, with the Host and headers a browser would send: fetch() will not let a caller set Host. */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the control API answers only its own callers', () => {
  it.each([
    ['a DNS-rebound name in Host', { host: 'attacker.example:80', 'content-type': 'application/json' }, 421],
    ["a cross-site form's text/plain write", { 'content-type': 'text/plain' }, 415],
    ['a form-encoded write', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['a JSON write from another origin', { 'content-type': 'application/json', origin: 'https://attacker.example' }, 403],
  ])('%s is refused (%s), and nothing is minted', async (_name, headers, status) => {
    s = await sandbox();
    const before = s.cloudflare.state.tokens.size;
    const port = new URL(s.cloudflare.url).port;
    const r = await raw(
      s.cloudflare.url,
      'POST',
      '/__sandbox/tokens',
      { host: `127.0.0.1:${port}`, ...headers },
      JSON.stringify({ name: 'x', permissions: ['scim'] }),
    );
    expect(r.status).toBe(status);
    expect(s.cloudflare.state.tokens.size).toBe(before);
  });

  it('a DNS-rebound page cannot read the state either, nor the console pages; its own address, by either loopback name, can', async () => {
    s = await sandbox();
    const port = new URL(s.okta.url).port;
    expect((await raw(s.okta.url, 'GET', '/__sandbox/state', { host: `evil.example:${port}` })).status).toBe(421);
    expect((await raw(s.okta.url, 'GET', '/admin/tasks', { host: `evil.example:${port}` })).status).toBe(421);
    expect((await raw(s.okta.url, 'GET', '/__sandbox/state', { host: `localhost:${port}` })).status).toBe(200);
    expect((await raw(s.okta.url, 'GET', '/admin/tasks', { host: `127.0.0.1:${port}` })).status).toBe(200);
    // A same-origin page (the console's own forms) may write.
    const own = await raw(
      s.cloudflare.url,
      'POST',
      '/__sandbox/faults',
      {
        host: `127.0.0.1:${new URL(s.cloudflare.url).port}`,
        origin: s.cloudflare.url,
        'content-type': 'application/json',
      },
      '{"rules":[]}',
    );
    expect(own.status).toBe(200);
  });

  it("the service's own API is not the control API's: a request to Okta's API still needs its token, whatever its Host", async () => {
    s = await sandbox();
    const port = new URL(s.okta.url).port;
    const r = await raw(s.okta.url, 'GET', '/api/v1/apps', { host: `127.0.0.1:${port}`, authorization: `SSWS ${s.env.OKTA_API_TOKEN}` });
    expect(r.status).toBe(200);
  });
});

describe("the emulated Okta's provisioning", () => {
  /** A listener that records what reaches it: where a Base URL pointed elsewhere would send Okta's SCIM requests. */
  async function elsewhere(): Promise<{ url: string; hits: string[] }> {
    const hits: string[] = [];
    listener = createServer((req, res) => {
      hits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => listener?.listen(0, '127.0.0.1', () => resolve()));
    return { url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/scim/v2`, hits };
  }

  /** An app whose provisioning goes to `baseUrl` (set as an admin would, through the control API), then a user assigned: Okta pushes them. */
  async function provisionTo(box: Sandbox, baseUrl: string, token: string) {
    const app = box.okta.state.createApp({ name: 'scim2testapp', label: 'Cloudflare SCIM', status: 'ACTIVE', signOnMode: 'BOOKMARK', settings: {} } as never);
    await control(box.okta.url, 'POST', `/__sandbox/apps/${app.id}/provisioning`, { baseUrl, token });
    box.okta.state.assignUser(app, [...box.okta.state.users.values()][0]);
    await box.okta.engine.idle();
    return app;
  }

  it("goes nowhere but the sandbox's Cloudflare: a Base URL set to another address sends nothing there, and Okta logs the failure", async () => {
    s = await sandbox();
    const target = await elsewhere();
    await provisionTo(s, target.url, 'attacker-chosen-token');
    expect(target.hits).toEqual([]);
    expect(s.okta.state.logs.some((e) => e.outcome.result === 'FAILURE')).toBe(true);
  });

  it("goes to an address a test names explicitly (provisioningTargets), and to the sandbox's own", async () => {
    const target = await elsewhere();
    s = await sandbox({ provisioningTargets: [target.url] });
    await provisionTo(s, target.url, 'named-target-token');
    expect(target.hits.length).toBeGreaterThan(0);
    expect(target.hits[0]).toContain('Bearer named-target-token');
    const before = s.cloudflare.state.scimUsers.size;
    await provisionTo(s, s.scimBaseUrl, s.env.CLOUDFLARE_SCIM_TOKEN);
    expect(s.cloudflare.state.scimUsers.size).toBeGreaterThan(before);
  });
});

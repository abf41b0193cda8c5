import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.js';

describe('scim-setup sandbox', () => {
  it('a sandbox that cannot start prints one JSON document with --json, and says a missing file in words (#24 items 28, 34)', async () => {
    const r = await runCli(['sandbox', '--json', '--seed', join(ROOT, 'no-such-seed.json')], { env: cleanEnv() });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ formatVersion: 1, command: 'sandbox', status: 'usage', exitCode: 2 });
    expect(doc.error.message).toContain('it cannot be read: no such file or folder (ENOENT)');
  });

  it('--accounts takes 1 to 50: anything else is exit 2 before anything starts', async () => {
    const r = await runCli(['sandbox', '--accounts', '0'], { env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--accounts: "0" is not a number of accounts from 1 to 50.');
  });

  it("prints the env vars as one JSON line when ready (each account's too), serves them, and exits 0 on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'scim-setup.js'), 'sandbox', '--json', '--admin', 'auto', '--rate-limit-scale', '10', '--accounts', '2'],
      {
        env: cleanEnv(),
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const doc = JSON.parse(line);
    expect(Object.keys(doc.env).sort()).toEqual([
      'CLOUDFLARE_ACCOUNT_ID',
      'CLOUDFLARE_API_BASE_URL',
      'CLOUDFLARE_API_TOKEN',
      'CLOUDFLARE_SCIM_TOKEN',
      'OKTA_API_TOKEN',
      'OKTA_ORG_URL',
    ]);
    const r = await fetch(`${doc.env.OKTA_ORG_URL}/api/v1/groups?limit=1`, { headers: { authorization: `SSWS ${doc.env.OKTA_API_TOKEN}` } });
    expect(r.status).toBe(200);
    // The first account is the one `env` names; the second has its own ID and tokens on the same host.
    expect(doc.accounts).toHaveLength(2);
    expect(doc.accounts[0].env.CLOUDFLARE_ACCOUNT_ID).toBe(doc.env.CLOUDFLARE_ACCOUNT_ID);
    const second = doc.accounts[1].env;
    expect(second.CLOUDFLARE_ACCOUNT_ID).not.toBe(doc.env.CLOUDFLARE_ACCOUNT_ID);
    const own = await fetch(`${doc.env.CLOUDFLARE_API_BASE_URL}/accounts/${second.CLOUDFLARE_ACCOUNT_ID}/scim/v2/Users?count=1`, {
      headers: { authorization: `Bearer ${second.CLOUDFLARE_SCIM_TOKEN}` },
    });
    expect(own.status).toBe(200);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    // It says it stopped (#24 item 37), on stderr: stdout keeps its one JSON line.
    expect(stderr).toContain('scim-setup sandbox stopped (SIGTERM); its state is gone.');
  });

  it.each(['--okta-port', '--cloudflare-port'])('%s on a port in use: exit 2 naming the port and the flag, and the process is gone', async (flag) => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await runCli(['sandbox', flag, String(port)], { timeoutMs: 10_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag} ${port}: port ${port} is in use by another program`);
      expect(r.stderr).toContain(`${flag} 0 for any free port`);
      expect(r.stderr).not.toContain('unexpected failure');
    } finally {
      blocker.close();
    }
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../helpers/cli.js';

describe('scim-setup sandbox', () => {
  it('prints the env vars as one JSON line when ready, serves them, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'sandbox', '--json', '--admin', 'auto', '--rate-limit-scale', '10'], { env: cleanEnv() });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const doc = JSON.parse(line);
    expect(Object.keys(doc.env).sort()).toEqual(['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_BASE_URL', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_SCIM_TOKEN', 'OKTA_API_TOKEN', 'OKTA_ORG_URL']);
    const r = await fetch(`${doc.env.OKTA_ORG_URL}/api/v1/groups?limit=1`, { headers: { authorization: `SSWS ${doc.env.OKTA_API_TOKEN}` } });
    expect(r.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});

// What the benchmarks share: running the CLI as a user would, and reading the sandbox's request counts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'scim-setup.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs the CLI (CI=true); returns exit code, wall time and, where /usr/bin/time is, peak memory (maxRSS). */
export function cli(args, env) {
  return new Promise((resolve) => {
    const cmd = TIME ? [TIME, ['-f', '%M', process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
    const started = performance.now();
    const child = spawn(cmd[0], cmd[1], { env: { ...process.env, ...env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const kb = TIME ? Number(stderr.trim().split('\n').pop()) : NaN;
      resolve({ code, ms: performance.now() - started, rssMb: kb / 1024, stdout, stderr });
    });
  });
}

export const counts = async (url) => (await fetch(`${url}/__sandbox/requests`)).json();
export const resetCounts = (url) => fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
/** Requests made to Okta's apps bucket (`/api/v1/apps*`), the scarce one. */
export const appsBucket = (c) =>
  Object.entries(c.byRoute)
    .filter(([k]) => k.includes(' /api/v1/apps'))
    .reduce((n, [, v]) => n + v, 0);
export const fmt = (ms) => `${(ms / 1000).toFixed(1)}s`;

import { readFile } from 'node:fs/promises';
import type { Context } from '../context.js';
import { InputError } from '../lib/errors.js';
import { makeReporter } from './session.js';
import { parseSeed, type OktaSeed } from '../sandbox/okta/seed.js';
import { startSandbox } from '../sandbox/sandbox.js';

function port(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InputError(`${flag}: "${value}" is not a port number.`, 'Use 0 to 65535 (0 = any free port).');
  return n;
}

function nonNegative(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`${flag}: "${value}" is not a non-negative number.`, `Pass e.g. ${flag} 10.`);
  return n;
}

async function loadSeed(path: string | undefined): Promise<OktaSeed | undefined> {
  if (!path) return undefined;
  try {
    return parseSeed(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new InputError(`--seed ${path}: ${(error as Error).message}`, 'See docs/sandbox.md for the seed format.');
  }
}

/** `scim-setup sandbox`: both emulators until SIGINT or SIGTERM. Its tokens are sandbox-only. */
export async function run(options: Record<string, unknown>, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  const scale = nonNegative(options.rateLimitScale, '--rate-limit-scale');
  if (scale === 0) throw new InputError('--rate-limit-scale must be above 0.', 'Pass e.g. --rate-limit-scale 10.');
  const sandbox = await startSandbox({
    oktaPort: port(options.oktaPort, '--okta-port'),
    cloudflarePort: port(options.cloudflarePort, '--cloudflare-port'),
    seed: await loadSeed(options.seed as string | undefined),
    connectionApi: options.connectionApi as 'supported' | 'unsupported',
    admin: options.admin as 'auto' | 'manual',
    latencyMs: nonNegative(options.latency, '--latency'),
    rateLimitScale: scale,
  });
  if (reporter.json) {
    ctx.stdout.write(JSON.stringify({ formatVersion: 1, okta: sandbox.okta.url, cloudflare: sandbox.cloudflare.url, env: sandbox.env }) + '\n');
  } else {
    const s = reporter.style;
    ctx.stdout.write(`${s.bold('scim-setup sandbox')} is running (Okta ${sandbox.okta.url}, Cloudflare ${sandbox.cloudflare.url}).\n`);
    ctx.stdout.write(`These are sandbox-only credentials; paste them into another shell:\n\n`);
    for (const [name, value] of Object.entries(sandbox.env)) ctx.stdout.write(`export ${name}=${value}\n`);
    ctx.stdout.write(`\nThen: scim-setup okta --push-group Engineering${options.admin === 'auto' ? '' : '   (provisioning is left to you: POST /__sandbox/apps/<appId>/provisioning, or start with --admin auto)'}\nStop with Ctrl-C.\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    ctx.signal.addEventListener('abort', stop, { once: true });
  });
  await sandbox.close();
  return 0;
}

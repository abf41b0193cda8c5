import { readFile, stat } from 'node:fs/promises';
import type { Context } from '../../context.js';
import type { SandboxCommandOptions } from './declaration.js';
import { ExitCode, InputError } from '../../lib/errors.js';
import { exchangesOfHar, type RecordedExchange } from '../../lib/har.js';
import { makeReporter, withJsonErrors } from '../session.js';
import { inWords } from '../../lib/errno.js';
import type { Reporter } from '../../lib/reporter.js';
import {
  compareRecording,
  formatDifference,
  generatedSeed,
  parseSeed,
  parseVariants,
  type SandboxVariants,
  SandboxPortError,
  sandboxFleetConfig,
  startSandbox,
  type OktaSeed,
  type Sandbox,
  type SandboxTiming,
} from '../../sandbox/index.js';
import { checkOutputPath, writeFileAtomic } from '../../lib/output-file.js';

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

/** The most a generated org may hold: a large enterprise, still quick to make. */
const GENERATED_MAX = { users: 100_000, groups: 10_000 };

async function loadSeed(path: string | undefined): Promise<OktaSeed | undefined> {
  if (!path) return undefined;
  // A large org made on the spot (benchmarks), with nothing outside the package to run.
  const generated = /^generated:(\d{1,6}),(\d{1,5})$/.exec(path);
  if (generated) {
    const [users, groups] = [Number(generated[1]), Number(generated[2])];
    if (users > GENERATED_MAX.users || groups < 1 || groups > GENERATED_MAX.groups)
      throw new InputError(
        `--seed ${path}: a generated org has up to ${GENERATED_MAX.users} users and 1 to ${GENERATED_MAX.groups} groups.`,
        'Pass e.g. --seed generated:10000,1000.',
      );
    return generatedSeed(users, groups);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Said in words, as every file the CLI reads.
    throw new InputError(`--seed ${path}: it cannot be read: ${inWords((error as NodeJS.ErrnoException).code)}.`, 'Check the path given to --seed.');
  }
  try {
    return parseSeed(JSON.parse(text));
  } catch (error) {
    throw new InputError(`--seed ${path}: ${(error as Error).message.split('\n')[0]}`, 'See docs/sandbox.md for the seed format.');
  }
}

/** The most a HAR file may weigh: a day of a large org's runs, far below what would exhaust memory. */
const MAX_HAR_BYTES = 256 * 1024 * 1024;

async function loadRecording(path: string): Promise<RecordedExchange[]> {
  const size = (await stat(path).catch(() => undefined))?.size;
  if (size === undefined) throw new InputError(`--compare ${path}: no such file.`, 'Pass a HAR file written by `npx scim-setup <command> --record <file>`.');
  if (size > MAX_HAR_BYTES)
    throw new InputError(`--compare ${path}: ${size} bytes is more than a recording can be (${MAX_HAR_BYTES}).`, 'Record one run per file.');
  try {
    return exchangesOfHar(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new InputError(
      `--compare ${path}: ${(error as Error).message.split('\n')[0]}.`,
      'Pass a HAR file written by `npx scim-setup <command> --record <file>`.',
    );
  }
}

/** The connection API's behaviour the recording shows: where Okta took it, the sandbox must too. */
function connectionApiOf(exchanges: RecordedExchange[]): 'supported' | 'unsupported' {
  const took = exchanges.some(
    (x) => x.method === 'POST' && x.url.includes('/connections/default') && /"status"\s*:\s*"(ENABLED|DISABLED)"/.test(x.responseBody),
  );
  return took ? 'supported' : 'unsupported';
}

/** `npx scim-setup sandbox --compare FILE.har`: replays a recording against a fresh sandbox; exit 1 on any shape difference. */
async function compare(path: string, options: SandboxCommandOptions, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  const exchanges = await loadRecording(path);
  // The replayed world must not lag the recorded one: the admin pastes as soon as the run has shown its
  // guided step (a recording's next look may come 0.5 s later), and provisioning acts within 50 ms.
  // The replay sends at the recorded moments, unpaced, so that Okta's per-minute windows fall elsewhere
  // than in the recording: its limits are ten times Okta's (the headers stay; a 429 would be the
  // replay's own, not a difference of shape).
  // A recording has no screen: the replayed admin acts on the connection request the recorded run made.
  const sandbox = await startSandbox({
    connectionApi: connectionApiOf(exchanges),
    admin: options.admin === 'manual' ? 'manual' : 'api-shortcut',
    adminDelayMs: 0,
    provisioningDelayMs: 50,
    oktaRateLimitFactor: 10,
  });
  try {
    const report = await compareRecording(exchanges, sandbox, ctx.signal);
    if (reporter.json) ctx.stdout.write(`${JSON.stringify({ formatVersion: 1, command: 'sandbox --compare', file: path, ...report })}\n`);
    const s = reporter.style;
    reporter.info(`Replayed ${report.replayed} of ${report.exchanges} exchanges (${report.operations.length} operations) from ${path} against the sandbox.`);
    for (const skip of report.skipped) reporter.info(`  skipped ${skip.request}: ${skip.reason}`);
    if (report.differences.length === 0) {
      reporter.info(s.green('No shape differences: the sandbox answers as the recording shows.'));
      return ExitCode.ok;
    }
    reporter.info(s.red(`${report.differences.length} shape difference${report.differences.length === 1 ? '' : 's'} between the recording and the sandbox:`));
    for (const d of report.differences) reporter.info(`  - ${formatDifference(d)}`);
    reporter.info('If the recording is of a real org, please file it (see docs/evidence.md): these are where the sandbox is wrong.');
    return ExitCode.failed;
  } finally {
    await sandbox.close();
  }
}

/** Milliseconds that may be negative (a stamp before its request, a clock behind). */
function signedMs(value: unknown, flag: string): number {
  const n = Number(value ?? 0);
  if (!Number.isFinite(n)) throw new InputError(`${flag}: "${value}" is not a number of milliseconds.`, `Pass e.g. ${flag} -2000.`);
  return n;
}

/** The readings the sandbox plays (--variant name=value, repeatable): an unknown one is an input error naming what exists. */
function variantsOf(pairs: string[] | undefined): SandboxVariants {
  try {
    return parseVariants(pairs ?? []);
  } catch (error) {
    throw new InputError(`--variant: ${(error as Error).message}.`, 'See `npx scim-setup sandbox --help` for the variants and their values.');
  }
}

/** Real services' timing, from the sandbox's flags (docs/sandbox.md, "Timing"). */
function timingOf(options: SandboxCommandOptions): SandboxTiming {
  return {
    cloudflareListingLagMs: nonNegative(options.listingLag ?? 0, '--listing-lag'),
    oktaStampOffsetMs: signedMs(options.stampOffset, '--stamp-offset'),
    oktaClockSkewMs: signedMs(options.oktaSkew, '--okta-skew'),
    cloudflareClockSkewMs: signedMs(options.cloudflareSkew, '--cloudflare-skew'),
    jitterMs: nonNegative(options.jitter ?? 0, '--jitter'),
  };
}

/** `npx scim-setup sandbox`: both emulators until SIGINT or SIGTERM. Its tokens are sandbox-only. */
export async function run(options: SandboxCommandOptions, ctx: Context): Promise<number> {
  if (options.compare !== undefined) return compare(options.compare, options, ctx);
  const reporter = makeReporter(options, ctx);
  // A sandbox that cannot start still prints one document with --json, as every command does.
  return withJsonErrors(reporter, 'sandbox', ctx.signal, () => serve(options, ctx, reporter));
}

async function serve(options: SandboxCommandOptions, ctx: Context, reporter: Reporter): Promise<number> {
  // Defaults said once, in the help's own words ("(default: 1)"), not as commander's quoted strings.
  const scale = nonNegative(options.rateLimitScale ?? '1', '--rate-limit-scale');
  if (scale === 0) throw new InputError('--rate-limit-scale must be above 0.', 'Pass e.g. --rate-limit-scale 10.');
  const accounts = Number(options.accounts ?? '1');
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 50)
    throw new InputError(`--accounts: "${options.accounts}" is not a number of accounts from 1 to 50.`, 'Pass e.g. --accounts 3.');
  if (options.fleetConfig !== undefined) await checkOutputPath(options.fleetConfig, '--fleet-config');
  const sandbox = await startSandbox({
    accounts,
    oktaPort: port(options.oktaPort ?? '0', '--okta-port'),
    cloudflarePort: port(options.cloudflarePort ?? '0', '--cloudflare-port'),
    seed: await loadSeed(options.seed),
    connectionApi: options.connectionApi ?? 'unsupported',
    admin: options.admin ?? 'manual',
    latencyMs: nonNegative(options.latency ?? '0', '--latency'),
    timing: timingOf(options),
    variants: variantsOf(options.variant),
    rateLimitScale: scale,
  }).catch((error: unknown) => {
    if (!(error instanceof SandboxPortError)) throw error;
    const flag = error.emulator === 'okta' ? '--okta-port' : '--cloudflare-port';
    const why = error.code === 'EADDRINUSE' ? 'is in use by another program' : 'needs privileges this user does not have';
    throw new InputError(`${flag} ${error.port}: port ${error.port} ${why}; ${error.message}.`, `Pass another ${flag}, or ${flag} 0 for any free port.`);
  });
  const fleet = options.fleetConfig === undefined ? undefined : await writeFleetConfig(options.fleetConfig, sandbox);
  if (reporter.json) {
    const accountsOut = sandbox.accounts.map((a) => ({ accountId: a.accountId, env: a.env }));
    ctx.stdout.write(
      `${JSON.stringify({ formatVersion: 1, okta: sandbox.okta.url, cloudflare: sandbox.cloudflare.url, oktaEgressAddress: sandbox.okta.engine.egressAddress ?? null, variants: sandbox.okta.state.variants, env: { ...sandbox.env, ...fleet?.env }, accounts: accountsOut, ...(fleet ? { fleetConfig: options.fleetConfig } : {}) })}\n`,
    );
  } else {
    const s = reporter.style;
    ctx.stdout.write(`${s.bold('scim-setup sandbox')} is running (Okta ${sandbox.okta.url}, Cloudflare ${sandbox.cloudflare.url}).\n`);
    ctx.stdout.write(`These are sandbox-only credentials; paste them into another shell:\n\n`);
    for (const [name, value] of Object.entries({ ...sandbox.env, ...fleet?.env })) ctx.stdout.write(`export ${name}=${value}\n`);
    // Further accounts: the same API host, their own ID and tokens (a token reaches its own account only).
    for (const [i, a] of sandbox.accounts.slice(1).entries())
      ctx.stdout.write(
        `# account ${i + 2}: ${Object.entries(a.env)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}\n`,
      );
    if (fleet) ctx.stdout.write(`\nWrote a fleet config for its ${sandbox.accounts.length} accounts to ${options.fleetConfig}.\n`);
    // One next step: the fleet's where a fleet config was written.
    const next = fleet ? `npx scim-setup okta --config ${options.fleetConfig}` : 'npx scim-setup okta --push-group Engineering';
    const who =
      options.admin === 'auto'
        ? `the emulated admin acts on the guided step you show it: POST {"text": <what the run printed>} to ${sandbox.okta.url}/__sandbox/admin/screen`
        : 'the guided step is yours: open its link, or POST /__sandbox/apps/<appId>/provisioning';
    ctx.stdout.write(`\nThen: ${next}   (${who})\n`);
    const egress = sandbox.okta.engine.egressAddress;
    if (egress)
      ctx.stdout.write(
        `Okta's SCIM requests come from ${egress}, as a real org's come from Okta's IP ranges: --scim-token-allow-cidr ${egress}/32 makes a token only Okta may use.\n`,
      );
    ctx.stdout.write('Stop with Ctrl-C.\n');
  }
  // main turns SIGINT and SIGTERM into this signal.
  await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
  await sandbox.close();
  // Said on stderr, so that --json's one line stays alone on stdout.
  ctx.stderr.write(`scim-setup sandbox stopped (${String(ctx.signal.reason ?? 'signal')}); its state is gone. A new one starts empty.\n`);
  return 0;
}

/** --fleet-config FILE: a config naming every account, written before the env lines it needs are printed. */
async function writeFleetConfig(path: string, sandbox: Sandbox): Promise<{ env: Record<string, string> }> {
  const { text, env } = sandboxFleetConfig({ oktaUrl: sandbox.okta.url, apiBaseUrl: sandbox.cloudflare.apiBaseUrl, accounts: sandbox.accounts });
  await writeFileAtomic(path, text);
  return { env };
}

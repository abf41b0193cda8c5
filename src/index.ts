import { setMaxListeners } from 'node:events';
import type { Context } from './context.js';
import { CliError, ExitCode, exitCodeFor, exitStatus, InterruptedError, PendingError } from './lib/errors.js';
import { hideFlagValues, Redactor } from './lib/redact.js';
import { systemClock } from './lib/clock.js';
import { jsonForTerminal, neutralise } from './lib/terminal-text.js';
import { registerEnvSecrets } from './lib/secret-files.js';
import { guardStream } from './lib/workflow-commands.js';
import { spinnerFor } from './lib/spinner.js';
import { buildProgram } from './cli.js';

/**
 * The process entry (bin): runs, then exits once output is flushed, whatever sockets a server left
 * open (a response dripping its body must not keep a finished run, or a CI job, alive).
 */
export async function runProcess(argv: string[]): Promise<void> {
  const code = await main(argv);
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(code);
}

/** Parses, runs, and maps whatever is thrown to an exit code and a short message, here alone. */
export async function main(argv: string[], overrides: Partial<Context> = {}): Promise<number> {
  const abort = new AbortController();
  const ctx: Context = {
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    redactor: new Redactor(),
    clock: systemClock,
    signal: abort.signal,
    finalizers: [],
    ...overrides,
  };
  // Under GitHub Actions, every line either stream carries is read for workflow commands: names
  // from Okta must not be able to issue one, so both streams pass the guard for the whole run.
  if (ctx.env.GITHUB_ACTIONS === 'true') {
    ctx.stdout = guardStream(ctx.stdout);
    ctx.stderr = guardStream(ctx.stderr);
  }
  registerEnvSecrets(ctx.env, ctx.redactor);
  // Every request in flight listens on the run's signal (so that Ctrl-C ends it): a dozen push
  // mappings read at once are a dozen listeners, not a leak. A real leak still shows past this.
  setMaxListeners(256, ctx.signal);
  // `npx scim-setup --help | head` closes the pipe early: that is the reader's choice, not a crash.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') === 0)
      stream.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(process.exitCode ?? 0) : undefined));
  }
  // Kept for the whole run (not `once`): with no listener left, a library's signal hook would re-raise
  // the signal and end the process silently. The first signal stops the run cleanly; a second ends it now.
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (abort.signal.aborted) {
      ctx.stderr.write(`\n${name} again: stopping now. Re-run the same command; it converges from where it stopped.\n`);
      process.exit(name === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
    }
    abort.abort(name);
  };
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  if (!overrides.signal) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  let exitCode = 0;
  try {
    // ora is loaded only for a terminal (lib/spinner.ts).
    const spinner = await (ctx.spinner ?? spinnerFor([ctx.stdout, ctx.stderr]));
    ctx.spinner = spinner;
    const program = buildProgram(ctx, (code) => (exitCode = code));
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // SIGTERM gets the same report as Ctrl-C, and the exit code a terminated process has (128 + 15).
    // A planning command's errors take --detailed-exitcode's meaning in commands/lifecycle.ts; a usage error commander finds comes before any command.
    exitCode = reportError(error, ctx, argv);
    if (ctx.env.GITHUB_ACTIONS === 'true') await reportOutcomeToCi(error, exitCode, ctx, argv);
    return exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    for (const finalize of ctx.finalizers) {
      await finalize().catch((error: unknown) => {
        ctx.stderr.write(ctx.redactor.redact(`error: ${error instanceof Error ? error.message : String(error)}\n`));
      });
    }
  }
}

function reportError(error: unknown, ctx: Context, argv: string[]): number {
  const debug = argv.includes('--debug');
  const code = commanderCode(error);
  if (isHelpOrVersion(error)) return ExitCode.ok;
  // Commander has already printed its own usage message; the fix is added where one is known.
  if (code?.startsWith('commander.')) {
    const message = error instanceof Error ? error.message.replace(/^error: /, '') : String(error);
    const fix = usageFix(code, argv);
    if (fix) ctx.stderr.write(`  fix: ${fix}\n`);
    // Before any command runs, only the arguments can say that 2 would read as okta's "changes pending": then it is 1, as any error.
    const usage = argv.includes('--detailed-exitcode') && argv.includes('--dry-run') ? ExitCode.failed : ExitCode.usage;
    // --json promises one document on stdout, a usage error included.
    if (argv.includes('--json'))
      ctx.stdout.write(
        `${jsonForTerminal({
          formatVersion: 1,
          command: commandOf(argv),
          error: { message: hideFlagValues(ctx.redactor.redact(message)), fix, exitCode: usage },
          status: exitStatus(usage),
          exitCode: usage,
        })}\n`,
      );
    return usage;
  }
  const say = (text: string) => ctx.stderr.write(`${neutralise(ctx.redactor.redact(text))}\n`);
  if (error instanceof InterruptedError) {
    say(`\ninterrupted: ${error.message}`);
    if (error.fix) say(`  ${error.fix}`);
  } else if (error instanceof PendingError) {
    // Waiting on a person or on provisioning is not a failure: it is said as what it is.
    say(`waiting: ${error.message}`);
    if (error.fix) say(`  next: ${error.fix}`);
  } else if (error instanceof CliError) {
    say(`error: ${error.message}`);
    if (error.fix) say(`  fix: ${error.fix}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    say(`error: unexpected failure: ${message}`);
    if (!debug) say('  (run again with --debug for details)');
  }
  if (debug && error instanceof Error && error.stack) say(error.stack);
  return exitCodeFor(error, ctx.signal);
}

/** A run that ends in an error still leaves its annotation and a job summary: the place a CI user looks first. */
async function reportOutcomeToCi(error: unknown, exitCode: number, ctx: Context, argv: string[]): Promise<void> {
  const command = commandOf(argv);
  if (!command || isHelpOrVersion(error)) return;
  const kind = error instanceof PendingError ? 'waiting' : error instanceof InterruptedError ? 'interrupted' : 'failed';
  const message = error instanceof Error ? error.message.replace(/^error: /, '') : String(error);
  const fix = error instanceof CliError ? error.fix : undefined;
  const { publishCiOutputs } = await import('./verify/ci-outputs.js');
  await publishCiOutputs(
    { command, outcome: { kind, message, fix, exitCode } },
    { env: ctx.env, stderr: ctx.stderr, redactor: ctx.redactor, redactPii: argv.includes('--redact-pii') },
  ).catch((e: unknown) => ctx.stderr.write(`${neutralise(ctx.redactor.redact(`warning: the job summary could not be written: ${String(e)}`))}\n`));
}

function isHelpOrVersion(error: unknown): boolean {
  const code = commanderCode(error);
  return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help';
}

/** Secrets are not taken on the command line (ps and shell history see it); say where they go. */
/** Flags a user may try for a secret, matched against the arguments as given (`--flag` or `--flag=value`). */
const SECRET_FLAGS: Array<[RegExp, string]> = [
  [/^--okta-(api-)?token(=|$)/, '--okta-token-file <path> (or - for stdin), or env OKTA_API_TOKEN'],
  [/^--scim-token(=|$)/, '--scim-token-file <path> (or - for stdin), or env CLOUDFLARE_SCIM_TOKEN'],
  [/^--(cloudflare|api)-token(=|$)/, '--cloudflare-token-file <path>, or env CLOUDFLARE_API_TOKEN'],
  [/^--(okta-)?private-key(=|$)/, '--okta-private-key-file <path>, or env OKTA_PRIVATE_KEY'],
];

/** The fix for a usage error commander reports: a secret flag gets where secrets go, a conflict how to do both. */
/** The fix for a usage error, chosen by commander's error code; the message is read only for the flag it names. */
function usageFix(code: string, argv: string[]): string | undefined {
  switch (code) {
    case 'commander.unknownOption': {
      // Read from the arguments, not commander's words: none of these flags exists, so any given is the unknown one.
      const secret = SECRET_FLAGS.find(([flag]) => argv.slice(2).some((arg) => flag.test(arg)));
      if (secret) return `secrets are never taken on the command line, where ps and shell history see them. Use ${secret[1]}.`;
      // -v is the version in many tools; here it is -V.
      if (argv.slice(2).includes('-v')) return 'For the version, use -V (or --version).';
      return undefined;
    }
    case 'commander.conflictingOption':
      return argv.includes('--plan') && argv.includes('--dry-run') ? 'Use --dry-run --out <file> to save a plan, then --plan <file> to apply it.' : undefined;
    default:
      return undefined;
  }
}

/** The command a usage error belongs to: the first word that is not an option. */
function commandOf(argv: string[]): string | null {
  return argv.slice(2).find((a) => !a.startsWith('-')) ?? null;
}

function commanderCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

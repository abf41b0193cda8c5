import type { Context } from './context.js';
import { CliError, ExitCode, exitCodeFor, InterruptedError, PendingError } from './lib/errors.js';
import { Redactor } from './lib/redact.js';
import { neutralise } from './lib/terminal-text.js';
import { registerEnvSecrets } from './lib/secret-files.js';

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
    signal: abort.signal,
    finalizers: [],
    ...overrides,
  };
  registerEnvSecrets(ctx.env, ctx.redactor);
  // `scim-setup --help | head` closes the pipe early: that is the reader's choice, not a crash.
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
    const { buildProgram } = await import('./cli.js');
    const program = buildProgram(ctx, (code) => (exitCode = code));
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    exitCode = reportError(error, ctx, argv);
    // With --detailed-exitcode, 2 means "changes pending" alone (as terraform's): any error is 1.
    if (argv.includes('--detailed-exitcode') && argv.includes('--dry-run') && exitCode !== ExitCode.interrupted) exitCode = ExitCode.failed;
    // SIGTERM gets the same report as Ctrl-C, and the exit code a terminated process has (128 + 15).
    if (exitCode === ExitCode.interrupted && ctx.signal.reason === 'SIGTERM') exitCode = ExitCode.terminated;
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
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return ExitCode.ok;
  // Commander has already printed its own usage message; the fix is added where one is known.
  if (code?.startsWith('commander.')) {
    const message = error instanceof Error ? error.message.replace(/^error: /, '') : String(error);
    const fix = usageFix(message);
    if (fix) ctx.stderr.write(`  fix: ${fix}\n`);
    // --json promises one document on stdout, a usage error included.
    if (argv.includes('--json'))
      ctx.stdout.write(
        `${JSON.stringify({ formatVersion: 1, command: commandOf(argv), error: { message: ctx.redactor.redact(message), fix, exitCode: ExitCode.usage } })}\n`,
      );
    return ExitCode.usage;
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
  return exitCodeFor(error);
}

/** Secrets are not taken on the command line (ps and shell history see it); say where they go. */
const SECRET_FLAGS: Array<[RegExp, string]> = [
  [/--okta-(api-)?token\b/, '--okta-token-file <path> (or - for stdin), or env OKTA_API_TOKEN'],
  [/--scim-token\b/, '--scim-token-file <path> (or - for stdin), or env CLOUDFLARE_SCIM_TOKEN'],
  [/--(cloudflare|api)-token\b/, '--cloudflare-token-file <path>, or env CLOUDFLARE_API_TOKEN'],
  [/--(okta-)?private-key\b/, '--okta-private-key-file <path>, or env OKTA_PRIVATE_KEY'],
];

/** The fix for a usage error commander reports: a secret flag gets where secrets go, a conflict how to do both. */
function usageFix(message: string): string | undefined {
  const secret = SECRET_FLAGS.find(([flag]) => /unknown option/.test(message) && flag.test(message));
  if (secret) return `secrets are never taken on the command line, where ps and shell history see them. Use ${secret[1]}.`;
  if (/'--plan <file>' cannot be used with option '--dry-run'/.test(message))
    return 'Use --dry-run --out <file> to save a plan, then --plan <file> to apply it.';
  return undefined;
}

/** The command a usage error belongs to: the first word that is not an option. */
function commandOf(argv: string[]): string | null {
  return argv.slice(2).find((a) => !a.startsWith('-')) ?? null;
}

function commanderCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

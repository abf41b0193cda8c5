import type { Context } from './context.js';
import { CliError, ExitCode, exitCodeFor } from './lib/errors.js';
import { Redactor } from './lib/redact.js';
import { registerEnvSecrets } from './lib/secret-files.js';

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
    if (stream.listenerCount('error') === 0) stream.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(process.exitCode ?? 0) : undefined));
  }
  const onSigint = () => abort.abort();
  if (!overrides.signal) process.once('SIGINT', onSigint);
  let exitCode = 0;
  try {
    const { buildProgram } = await import('./cli.js');
    const program = buildProgram(ctx, (code) => (exitCode = code));
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    exitCode = reportError(error, ctx, argv.includes('--debug'));
    return exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    for (const finalize of ctx.finalizers) {
      await finalize().catch((error: unknown) => {
        ctx.stderr.write(ctx.redactor.redact(`error: ${error instanceof Error ? error.message : String(error)}\n`));
      });
    }
  }
}

function reportError(error: unknown, ctx: Context, debug: boolean): number {
  const code = commanderCode(error);
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return ExitCode.ok;
  // Commander has already printed its own usage message.
  if (code?.startsWith('commander.')) return ExitCode.usage;
  const say = (text: string) => ctx.stderr.write(ctx.redactor.redact(text) + '\n');
  if (error instanceof CliError) {
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

function commanderCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

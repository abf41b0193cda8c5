import type { Clock } from './lib/clock.js';
import type { Redactor } from './lib/redact.js';
import type { SpinnerMaker } from './lib/reporter.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface Context {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** `columns`: a terminal's width, where the stream is one that reports it. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  redactor: Redactor;
  /** Time as the run sees it: every wait, poll, settle and deadline asks it (lib/clock.ts); tests pass their own. */
  clock: Clock;
  /** Resolves when the user asks to stop (SIGINT); commands stop after the request in flight. */
  signal: AbortSignal;
  /** Work that must run however the command ends (the --record file), run by main in order. */
  finalizers: Array<() => Promise<void>>;
  /** ora, loaded by main only where a stream is a terminal (lib/spinner.ts): elsewhere no spinner is shown, and loading it costs a run ~40 ms. */
  spinner?: SpinnerMaker;
}

/** Runs one command line (argv after the program's name) through the one registration (src/cli.ts), as a person would type it. */
export type CommandLine = (args: string[], ctx: Context) => Promise<number>;

import { Chalk, type ChalkInstance } from 'chalk';
import type { JsonDocument } from './json-document.js';
import type { Options as OraOptions, Ora } from 'ora';
import { Redactor } from './redact.js';
import { exitStatus } from './errors.js';
import { foldLines, jsonForTerminal, neutralise, untrusted } from './terminal-text.js';
import { colorLevel } from './tty.js';

export interface ReporterOptions {
  json: boolean;
  noColor: boolean;
  debug: boolean;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  redactor?: Redactor;
  /** In a fleet run, the account each line is about ("[prod] "): accounts run at once, so their lines interleave. */
  prefix?: string;
  /** ora, where the run has loaded it for a terminal (lib/spinner.ts); without it, steps are lines. */
  spinner?: SpinnerMaker;
}

/** Makes a spinner: ora's default export. */
export type SpinnerMaker = (options: OraOptions) => Ora;

/** One step of work shown to the user: a spinner on a TTY, one plain line elsewhere. */
export interface Task {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text?: string): void;
  /** Leaves the line without a verdict (a step that is now waiting on someone). */
  stop(text?: string): void;
  /** Takes the step off the screen: what ended it is said by the error that follows (an input the reads found wrong). */
  clear(): void;
}

/**
 * The one way text leaves the process. Three faces: TTY (colour, spinners), plain (CI logs)
 * and JSON (one document on stdout, everything human on stderr). All of it is redacted.
 */
export class Reporter {
  readonly redactor: Redactor;
  readonly style: ChalkInstance;
  readonly json: boolean;
  readonly debugEnabled: boolean;
  private readonly human: NodeJS.WritableStream & { isTTY?: boolean };
  /** ora, where a spinner fits this reporter's stream; otherwise steps are lines. */
  private readonly spinner: SpinnerMaker | undefined;
  private jsonWritten = false;
  private document: JsonDocument | undefined;

  constructor(private readonly options: ReporterOptions) {
    this.redactor = options.redactor ?? new Redactor();
    this.json = options.json;
    this.debugEnabled = options.debug;
    this.human = options.json ? options.stderr : options.stdout;
    const isTTY = Boolean(this.human.isTTY);
    this.style = new Chalk({ level: colorLevel(options.env, isTTY, options.noColor) });
    // A terminal that reports no width (some CI runners, `script`) has no room for a spinner: ora would redraw without end.
    const columns = widthOf(this.human);
    // Several accounts' spinners on one terminal would overwrite each other: an account's reporter writes lines.
    const fits = isTTY && columns > 0 && options.env.TERM !== 'dumb' && !options.env.CI && options.prefix === undefined;
    this.spinner = fits ? options.spinner : undefined;
  }

  /** A reporter for one account of a fleet: the same streams and redactor, every line headed by the account's name. */
  forAccount(name: string): Reporter {
    return new Reporter({ ...this.options, redactor: this.redactor, prefix: `${this.style.bold(`[${name}]`)} ` });
  }

  /** The width of the terminal human text goes to; 0 when it is not a terminal (a pipe, a file): lines stay whole. */
  get columns(): number {
    return widthOf(this.human);
  }

  /** Human text for the main flow of the command; folded to the terminal's width on a terminal. */
  info(text: string): void {
    const columns = this.columns;
    this.write(this.human, columns ? foldLines(text, columns) : text);
  }

  /**
   * Whether a secret may be shown here at a person's request: only on a terminal outside CI. A
   * pipe, a file or a CI runner keeps what it is given in a log.
   */
  get canReveal(): boolean {
    return Boolean(this.human.isTTY) && !this.options.env.CI && !this.options.env.GITHUB_ACTIONS;
  }

  /** Human text with one secret shown, at a person's request (--reveal-token), on a terminal only; everything else in it is redacted as ever. */
  reveal(text: string, secret: string): void {
    if (!this.canReveal) throw new Error('internal: a secret revealed where no terminal is');
    const columns = this.columns;
    const prefix = this.options.prefix;
    const parts = text.split(secret).map((part) => neutralise(this.redactor.redact(prefix === undefined ? part : part.replace(/^(?=.)/gm, prefix))));
    const joined = parts.join(secret);
    this.human.write(`${columns ? foldLines(joined, columns) : joined}\n`);
  }

  /** Warnings and errors, folded like the rest, at spaces: a message cut mid-word is hard to read. */
  warn(text: string): void {
    this.write(this.options.stderr, foldLines(`${this.style.yellow('warning:')} ${text}`, widthOf(this.options.stderr)));
  }

  error(text: string): void {
    this.write(this.options.stderr, foldLines(`${this.style.red('error:')} ${text}`, widthOf(this.options.stderr)));
  }

  debug(text: string): void {
    if (this.debugEnabled) this.write(this.options.stderr, this.style.dim(`debug: ${text}`));
  }

  task(label: string): Task {
    if (this.spinner) return this.spinnerTask(label, this.spinner);
    return this.lineTask(label);
  }

  get resultWritten(): boolean {
    return this.jsonWritten || this.document !== undefined;
  }

  /** The single `--json` document, held until the run's exit code is known (`finish`). */
  result(document: JsonDocument): void {
    if (!this.json) return;
    if (this.resultWritten) throw new Error('Reporter.result called twice: --json prints one document');
    this.document = document;
  }

  /**
   * Writes the document with the run's `exitCode` and its `status` in a word, the same in every
   * command: a reader branches on one field whatever the command.
   */
  finish(exitCode: number): void {
    if (!this.json || this.jsonWritten || this.document === undefined) return;
    this.jsonWritten = true;
    // A command may name its status where the code has two meanings (--detailed-exitcode's 2 is "changes").
    const document = { ...this.document, status: this.document.status ?? exitStatus(exitCode), exitCode };
    this.options.stdout.write(`${this.redactor.redact(jsonForTerminal(document))}\n`);
  }

  /** The one exit point of human text: redacted, then neutralised (only its own colours and line breaks pass). */
  private write(stream: NodeJS.WritableStream, text: string): void {
    const prefix = this.options.prefix;
    const lines = prefix === undefined ? text : text.replace(/^(?=.)/gm, prefix);
    stream.write(`${neutralise(this.redactor.redact(lines))}\n`);
  }

  private lineTask(label: string): Task {
    const s = this.style;
    const done = (mark: string) => (text?: string) => this.write(this.human, `${mark} ${text ?? label}`);
    return {
      update: () => {},
      succeed: done(s.green('✓')),
      fail: done(s.red('✗')),
      warn: done(s.yellow('!')),
      stop: done(s.cyan('…')),
      clear: () => {},
    };
  }

  private spinnerTask(label: string, ora: SpinnerMaker): Task {
    const r = (t: string | undefined) => (t === undefined ? undefined : untrusted(this.redactor.redact(t)));
    // discardStdin off: ora's raw-mode stdin swallowed Ctrl-C; a cooked terminal turns it into SIGINT, which main handles.
    // isEnabled: this reporter has decided a spinner fits; ora's own guess reads process.env (CI) instead of ours.
    const spinner: Ora = ora({
      text: r(label),
      stream: this.human,
      color: this.style.level > 0 ? 'cyan' : false,
      discardStdin: false,
      isEnabled: true,
    }).start();
    return {
      update: (text) => {
        spinner.text = r(text) ?? '';
      },
      // Our own symbols in our own style: ora's follow its own colour detection, not --no-color.
      succeed: (text) => void spinner.stopAndPersist({ symbol: this.style.green('✔'), text: r(text) }),
      fail: (text) => void spinner.stopAndPersist({ symbol: this.style.red('✖'), text: r(text) }),
      warn: (text) => void spinner.stopAndPersist({ symbol: this.style.yellow('⚠'), text: r(text) }),
      stop: (text) => void spinner.stopAndPersist({ symbol: this.style.cyan('…'), text: r(text) }),
      clear: () => void spinner.stop(),
    };
  }
}

/** A terminal's width; 0 for a stream that is not one, or a terminal that reports none. */
function widthOf(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY ? (stream.columns ?? 0) : 0;
}

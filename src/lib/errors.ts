/** Exit codes of DESIGN §3. One table, so that `--help` and the code cannot disagree. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** The same number as usage, by terraform's convention: a dry run under --detailed-exitcode with changes pending. */
  changes: 2,
  pending: 3,
  auth: 4,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An exit code in a word, for the `status` of every JSON document. */
export function exitStatus(code: number): 'ok' | 'failed' | 'usage' | 'pending' | 'auth' | 'interrupted' | 'terminated' {
  const statuses = ['ok', 'failed', 'usage', 'pending', 'auth', 'interrupted', 'terminated'] as const;
  return statuses.find((status) => ExitCode[status] === code) ?? 'failed';
}

/** From the worst down: a stop by signal, a refused credential, an input error, a failure, a wait, success. */
const SEVERITY: number[] = [ExitCode.terminated, ExitCode.interrupted, ExitCode.auth, ExitCode.usage, ExitCode.failed, ExitCode.pending, ExitCode.ok];

/** Pure: the exit code of a run of several accounts: the most severe of theirs (0 for none). */
export function mostSevere(codes: number[]): number {
  const rank = (code: number) => (SEVERITY.includes(code) ? SEVERITY.indexOf(code) : SEVERITY.indexOf(ExitCode.failed));
  return codes.reduce<number>((worst, code) => (rank(code) < rank(worst) ? code : worst), ExitCode.ok);
}

/**
 * The exit codes a command's --help lists: each command only the ones it can return.
 * `detailedExitcode`: the command takes --detailed-exitcode (okta); `root`: the overview.
 */
export function exitCodeHelp(options: { detailedExitcode?: boolean; root?: boolean } = {}): string {
  const detailed = options.root
    ? ['     with okta --dry-run --detailed-exitcode: 0 no changes, 2 changes pending, 1 any error']
    : options.detailedExitcode
      ? ['     with --dry-run --detailed-exitcode: 0 no changes, 2 changes pending, 1 any error']
      : [];
  return [
    'Exit codes:',
    '  0  done, or nothing to do',
    '  1  failed',
    '  2  usage or input error (nothing was written)',
    ...detailed,
    '  3  waiting on a manual step or on provisioning to show up (re-run later)',
    '  4  authentication or permission refused',
    '  130 interrupted (Ctrl-C); 143 on SIGTERM: what was done is reported; re-run to converge',
  ].join('\n');
}

/** The sandbox's own: it runs until stopped, and compares recordings. */
export const SANDBOX_EXIT_CODE_HELP = `Exit codes:
  0  stopped (Ctrl-C or SIGTERM), or --compare found no difference
  1  --compare found differences, or the sandbox failed
  2  usage or input error (a port in use, a bad seed or recording)`;

/** Base for every error the CLI expects; deep code throws these and never exits. */
export class CliError extends Error {
  /** What was done before the error (an apply stopped half-way), for the report and the JSON document. */
  partial?: unknown;

  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly fix?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The same error, carrying what was done before it. */
  withPartial(partial: unknown): this {
    this.partial = partial;
    return this;
  }

  /** The exit code its command decided for it, where that is not its kind's (okta --dry-run --detailed-exitcode: any error is 1). */
  decidedExitCode?: ExitCodeValue;

  /** The same error, ending the run with the exit code its command decided. */
  withExitCode(code: ExitCodeValue): this {
    this.decidedExitCode = code;
    return this;
  }
}

/** Bad or missing input: nothing was written. */
/** One input that is wrong: which, from where, and what to do; a list of them in --json. */
export interface InputProblem {
  input: string;
  source?: string;
  message: string;
}

export class InputError extends CliError {
  constructor(
    message: string,
    fix?: string,
    readonly problems?: InputProblem[],
  ) {
    super(message, ExitCode.usage, fix);
  }
}

/** A token was refused (401) or lacks a permission (403): the status rides on the error, so nothing reads it from the message. */
/** Why a credential was refused, where the service's codes tell: what a caller branches on. */
export type AuthRefusal = 'unreadable' | 'unknown-token' | 'other-account' | 'outside-ip-ranges' | 'no-permission';

export class AuthError extends CliError {
  constructor(
    message: string,
    fix?: string,
    readonly status: 401 | 403 = 401,
    readonly refusal?: AuthRefusal,
    /** The caller's address, where Cloudflare refused it for being outside the token's client IP ranges. */
    readonly location?: string,
  ) {
    super(message, ExitCode.auth, fix);
  }
}

/** A step waits on a person or on asynchronous provisioning; a re-run picks up from here. */
export class PendingError extends CliError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.pending, fix);
  }
}

/** A remote call failed in a way the run cannot recover from. */
export class RemoteError extends CliError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.failed, fix);
  }
}

export class InterruptedError extends CliError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.interrupted, fix);
  }
}

/** The one mapping from anything thrown to an exit code; a stop by SIGTERM is 143, as a terminated process's. */
export function exitCodeFor(error: unknown, signal?: AbortSignal): ExitCodeValue {
  if (error instanceof CliError)
    return error.decidedExitCode ?? (error.exitCode === ExitCode.interrupted && signal?.reason === 'SIGTERM' ? ExitCode.terminated : error.exitCode);
  if (isCommanderUsageError(error)) return ExitCode.usage;
  return ExitCode.failed;
}

function isCommanderUsageError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && String(error.code).startsWith('commander.');
}

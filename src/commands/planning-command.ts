import type { RunResult } from '../apply/executor.js';
import type { PlanFields } from './documents.js';
import type { Context } from '../context.js';
import type { CliError, ExitCodeValue } from '../lib/errors.js';
import type { ScimTokenNeed } from '../lib/inputs.js';
import type { PlanCommand, PlanOptions, SavedPlan } from '../plan/saved-plan.js';
import type { JsonDocument } from '../lib/json-document.js';
import type { PlanFile } from './plan-file.js';
import type { Reporter } from '../lib/reporter.js';
import type { OperationBase, Plan } from '../plan/types.js';
import type { Question } from './confirmation.js';
import type { PlanFileOptions, SessionOptions } from './flags.js';
import type { Session } from './session.js';

/** What a planning command is, for the one lifecycle that runs it over one account or a fleet's (lifecycle.ts). */

/** One moment's reading, and the plan made from it, as the lifecycle needs them. */
export interface Planned<O extends OperationBase = OperationBase> {
  /** The plan, its actions typed by the command's own operations. */
  plan: Plan<O>;
  /** The plan's heading. */
  title: string;
  /** The command's own fields of its JSON document (commands/<name>/document.ts): at least the plan's actions and summary. */
  document: PlanFields;
  /** The Okta app the plan is for, where there is one: a saved plan names it. */
  appId?: string;
  /** Nothing to do, in words: said instead of a plan, and a success (a re-run after a teardown). */
  nothing?: string;
}

/** How a run ended: the document's further fields (the command's own type, `D`), and the exit code. */
export interface Outcome<D extends object = object> {
  document?: D;
  exitCode: ExitCodeValue;
}

/**
 * A planning command, declared by what it reads and plans and how it carries the plan out. The
 * rest is the lifecycle's, the same for every command: the saved plan (admitted, refused when
 * stale, saved), the plan shown, the dry run, the one confirmation, the document of a run that
 * stops on an error, and the exit code.
 */
export interface PlanningCommand<F extends PlanOptions, P extends Planned, D extends object = object> {
  name: PlanCommand;
  /** Whether the command needs a SCIM token given (lib/inputs.ts). */
  scimTokenNeed: ScimTokenNeed;
  /** Whether a person at a terminal who names nothing to provision is asked what to (okta). */
  asksWhatToProvision?: boolean;
  /** This command's own inputs, checked before anything is read (exit 2). */
  preflight?(ctx: Context): void | Promise<void>;
  /** This command's flags that a saved plan carries, as given (undefined: not given), with their defaults. */
  flags?: { given: { [K in keyof F]?: F[K] }; defaults: F };
  plan(session: Session, flags: F): Promise<P>;
  /** The one confirmation, in this command's words (destroy asks for the app's label as planned). */
  question(planned: P): Question;
  /** What a dry run adds (okta: CI outputs, --detailed-exitcode); by default nothing, exit 0. */
  dryRun?(planned: P, session: Session): Promise<Outcome<Partial<D>>>;
  /**
   * Carries the plan out, filling `result` as it goes, so that a run stopped half-way reports what
   * it did. Called when the plan changes nothing too (okta then verifies).
   */
  execute(planned: P, session: Session, flags: F, result: RunResult, changes: boolean): Promise<Outcome<D>>;
  /** What the document of a run stopped by an error says beyond `applied` and `manualSteps`. */
  stopped?(planned: P, result: RunResult, error: CliError): Promise<Partial<D>>;
}

export type PlanningOptions = SessionOptions & PlanFileOptions & { yes?: boolean; junit?: string; detailedExitcode?: boolean };

/** One account's way through the lifecycle, filled in as it goes: a run stopped half-way still reports it. */
export interface Seat<P extends Planned> {
  session: Session;
  /** What the account's run did. */
  result: RunResult;
  planned?: P;
  /** The plan as a saved plan holds it (--out writes it; --plan compares it). */
  saved?: SavedPlan;
  /** How the dry run or the apply ended. */
  outcome?: Outcome;
  /** What the command's document says of a run stopped by an error. */
  stoppedFields?: object;
  exitCode?: number;
  /** The error that ended this account's run (a fleet's others go on). */
  error?: unknown;
}

/** The accounts whose reading and plan succeeded and that have something to do. */
export function readyRuns<P extends Planned, S extends Seat<P>>(runs: S[]): Array<S & { planned: P }> {
  return runs.filter((r): r is S & { planned: P } => r.planned !== undefined && r.error === undefined && r.planned.nothing === undefined);
}

/** What a scope is opened with: the command, the run's options and output, and its saved-plan file. */
export interface ScopeIo<F extends PlanOptions, P extends Planned> {
  cmd: PlanningCommand<F, P>;
  options: PlanningOptions;
  ctx: Context;
  reporter: Reporter;
  planFile: PlanFile;
}

/**
 * Where the lifecycle acts: one account, or a fleet's. Each says how a stage meets its accounts
 * and how what they did is told; the stages themselves are the lifecycle's alone.
 */
export interface Scope<P extends Planned, S extends Seat<P> = Seat<P>> {
  runs: S[];
  /** Runs a stage for these accounts: one account's error ends a one-account run; a fleet account's is its own. */
  each<T extends S>(runs: T[], stage: (run: T) => Promise<void>): Promise<void>;
  showPlans(): void;
  /** What to do next after a dry run, where the scope has more to say than the command. */
  adviseAfterDryRun(): void;
  /** The one confirmation, in the command's words, for the accounts that change. */
  question(one: Question, accounts: number): Question;
  /** The document of a run the person declined. */
  declinedDocument(): JsonDocument;
  /** An account's run stopped by an error: what is said of it at once. */
  stopped(run: S, error: unknown): void;
  /** The run's document and exit code, once every account is done. */
  finish(dryRun: boolean): Promise<number>;
}

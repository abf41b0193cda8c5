import type { RunResult } from '../apply/executor.js';
import type { PlanFields } from './documents.js';
import type { Context } from '../context.js';
import type { CliError, ExitCodeValue } from '../lib/errors.js';
import type { ScimTokenNeed } from '../lib/inputs.js';
import type { PlanCommand, PlanOptions } from '../plan/saved-plan.js';
import type { OperationBase, Plan } from '../plan/types.js';
import type { Question } from './confirmation.js';
import type { PlanFileOptions, SessionOptions } from './flags.js';
import type { Session } from './session.js';

/** What a planning command is, for the one lifecycle that runs it over one account or a fleet (lifecycle.ts, fleet-planning.ts). */

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

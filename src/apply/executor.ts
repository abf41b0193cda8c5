import { untrusted } from '../lib/terminal-text.js';
import { InterruptedError, PendingError } from '../lib/errors.js';
import type { Reporter, Task } from '../lib/reporter.js';
import type { ManualStep } from '../plan/guided-step.js';
import type { Action, ActionResource, OperationBase } from '../plan/types.js';

/** What became of one action; the JSON document's `applied`. */
export interface AppliedAction {
  id: string;
  kind: Action['kind'];
  result: 'done' | 'manual' | 'pending';
  /** The action in words, as the plan showed it: what an interruption says was done. */
  summary: string;
  detail?: string;
  /** As in the plan: done by API where the service takes it, else by a person. */
  guided?: boolean;
}

function applied(action: Action, result: AppliedAction['result'], detail?: string): AppliedAction {
  return {
    id: action.id,
    kind: action.kind,
    result,
    summary: action.summary,
    ...(detail === undefined ? {} : { detail }),
    ...(action.guided ? { guided: true } : {}),
  };
}

/** What a run has done so far: it rides on any error (`CliError.partial`), so a report survives a failure. */
export interface RunResult {
  applied: AppliedAction[];
  manualSteps: ManualStep[];
  /** The Okta app the run made or found, where it works on one: named in the document of a run stopped half-way. */
  appId?: string;
}

/** A step that found the work is a person's after all: it has added its manual step to the result. */
export const LEFT_MANUAL = Symbol('left as a manual step');

/** Does one action. A string it returns ends its task line (how it went, a proof); LEFT_MANUAL makes it a manual step; anything else is done. */
export type Step<O extends OperationBase> = (action: Action<O>, progress: (text: string) => void) => Promise<unknown>;

export interface ExecutorOptions {
  reporter: Pick<Reporter, 'task'>;
  signal: AbortSignal;
  /** Resources whose consecutive actions are independent, with the label their phase runs under, a few at a time. */
  concurrent?: Partial<Record<ActionResource, string>>;
}

const POOL = 4;

/**
 * The one executor: every command's plan runs here, so that output, pacing, concurrency, manual
 * steps and Ctrl-C are the same everywhere. Actions run in order, one task line each; a phase of
 * consecutive independent actions (`concurrent`) runs a few at a time under one line. Ctrl-C
 * stops before the next request and says what was done; a re-run converges from there.
 */
export async function runActions<O extends OperationBase, R extends RunResult>(
  actions: readonly Action<O>[],
  options: ExecutorOptions,
  result: R,
  step: Step<O>,
): Promise<R> {
  for (const phase of phases(actions.filter((a) => a.kind !== 'noop'))) {
    if (options.signal.aborted) throw interrupted(result);
    const label = options.concurrent?.[phase[0].resource];
    if (phase.length > 1 && label) await runConcurrently(phase, label, options, result, step);
    else for (const action of phase) await runOne(action, options, result, step);
  }
  return result;
}

/** Consecutive actions of one resource form a phase; a manual action stands alone. */
function phases<O extends OperationBase>(actions: Action<O>[]): Action<O>[][] {
  const out: Action<O>[][] = [];
  for (const a of actions) {
    const last = out[out.length - 1];
    if (last && last[0].resource === a.resource && a.kind !== 'manual' && last[0].kind !== 'manual') last.push(a);
    else out.push([a]);
  }
  return out;
}

/**
 * What a step reports is printed as one neutralised line: outcomes and subjects quote ids, names and
 * messages from Okta and Cloudflare (a made token's id, a group a repair names), whatever the step.
 */
const line = untrusted;

async function runOne<O extends OperationBase>(action: Action<O>, options: ExecutorOptions, result: RunResult, step: Step<O>): Promise<void> {
  if (action.kind === 'manual') {
    result.manualSteps.push({ id: action.id, title: action.summary, steps: action.detail ? [action.detail] : [] });
    result.applied.push(applied(action, 'manual', action.detail));
    options.reporter.task(line(action.summary)).warn(line(`${action.summary} (manual step)`));
    return;
  }
  if (options.signal.aborted) throw interrupted(result);
  const task = options.reporter.task(line(action.summary));
  try {
    const outcome = await step(action, (text) => task.update(line(text)));
    if (outcome === LEFT_MANUAL) task.warn(line(`${action.summary}: left as a manual step`));
    else task.succeed(line(typeof outcome === 'string' && outcome ? `${action.summary}: ${outcome}` : action.summary));
    result.applied.push(applied(action, outcome === LEFT_MANUAL ? 'manual' : 'done'));
  } catch (error) {
    settleFailedTask(task, action.summary, error, 'waiting (a manual step)');
    throw settled(error, action, result);
  }
}

async function runConcurrently<O extends OperationBase>(
  phase: Action<O>[],
  label: string,
  options: ExecutorOptions,
  result: RunResult,
  step: Step<O>,
): Promise<void> {
  const task = options.reporter.task(`${label} (0/${phase.length})`);
  let done = 0;
  const errors: unknown[] = [];
  const queue = [...phase];
  const worker = async () => {
    for (let action = queue.shift(); action && errors.length === 0 && !options.signal.aborted; action = queue.shift()) {
      try {
        await step(action, () => {});
        result.applied.push(applied(action, 'done'));
        task.update(`${label} (${++done}/${phase.length})`);
      } catch (error) {
        if (error instanceof PendingError) result.applied.push(applied(action, 'pending'));
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POOL, phase.length) }, worker));
  // Said once every worker has stopped, so that "done before that" counts them all.
  const interruption = errors.find((e): e is InterruptedError => e instanceof InterruptedError);
  if (interruption || (options.signal.aborted && errors.length === 0)) {
    task.stop(`${label}: ${done} of ${phase.length} done, then interrupted`);
    throw interrupted(result, interruption?.message);
  }
  if (errors.length > 0) {
    task.fail(`${label}: ${done} of ${phase.length} done, then failed`);
    throw errors[0] instanceof PendingError ? errors[0].withPartial(result) : errors[0];
  }
  task.succeed(line(`${label}: ${phase.length <= 5 ? phase.map((a) => a.subject ?? a.summary).join(', ') : `${phase.length} done`}`));
}

/** An action's error, with what the run had done riding on it: a wait is recorded as pending, Ctrl-C says what was done. */
function settled(error: unknown, action: Action, result: RunResult): unknown {
  if (error instanceof PendingError) {
    result.applied.push(applied(action, 'pending'));
    return error.withPartial(result);
  }
  if (error instanceof InterruptedError) return interrupted(result, error.message);
  return error;
}

function interrupted(result: RunResult, what?: string): InterruptedError {
  // Named as the plan named them: "create Okta app …", not the internal id "app".
  const done = result.applied.filter((a) => a.result === 'done').map((a) => a.summary);
  return interruptedAfter(done, what).withPartial(result);
}

/**
 * Closes a task line on an error the way every command does: waiting on someone or stopped by
 * the user is not a failure, and the line says which.
 */
export function settleFailedTask(task: Task, summary: string, error: unknown, waiting = 'waiting'): void {
  if (error instanceof PendingError) task.stop(`${summary}: ${waiting}`);
  else if (error instanceof InterruptedError) task.stop(`${summary}: interrupted`);
  else task.fail(`${summary}: failed`);
}

/** What the user is told on Ctrl-C: what was done, and that a re-run carries on. */
export function interruptedAfter(done: string[], what = 'Interrupted after the request in flight.'): InterruptedError {
  return new InterruptedError(
    `${what} Done before that: ${done.length ? done.join('; ') : 'nothing'}.`,
    'Re-run the same command: it reads the state again and carries on from here.',
  );
}

import { InterruptedError, PendingError } from '../lib/errors.js';
import type { Reporter, Task } from '../lib/reporter.js';
import type { Action } from '../plan/types.js';

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
export function interruptedAfter(doneIds: string[], what = 'Interrupted after the request in flight.'): InterruptedError {
  return new InterruptedError(
    `${what} Done before that: ${doneIds.join(', ') || 'nothing'}.`,
    'Re-run the same command: it reads the state again and carries on from here.',
  );
}

export interface StepContext {
  reporter: Pick<Reporter, 'task'>;
  signal: AbortSignal;
}

/**
 * Runs a sequential plan one action at a time, each as one task line, for the commands whose
 * steps depend on the one before (destroy, migrate). Ctrl-C between steps stops before the next
 * request; `applied` (the caller's, so it survives an error) says what was done.
 */
export async function runSteps(
  actions: readonly Action[],
  context: StepContext,
  applied: string[],
  /** Does the action; what it returns, if anything, ends its task line (a proof, how it was done). */
  step: (action: Action, progress: (text: string) => void) => Promise<string | undefined | void>,
): Promise<void> {
  for (const action of actions) {
    if (action.kind === 'noop') continue;
    if (context.signal.aborted) throw interruptedAfter(applied, 'Interrupted.').withPartial({ applied: [...applied] });
    const task = context.reporter.task(action.summary);
    let outcome: string | undefined | void;
    try {
      outcome = await step(action, task.update);
    } catch (error) {
      settleFailedTask(task, action.summary, error);
      if (error instanceof InterruptedError) throw interruptedAfter(applied, error.message).withPartial({ applied: [...applied] });
      throw error;
    }
    task.succeed(outcome ? `${action.summary}: ${outcome}` : undefined);
    applied.push(action.id);
  }
}

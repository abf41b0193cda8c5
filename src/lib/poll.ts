import { InterruptedError } from './errors.js';
import type { Clock } from './clock.js';

export interface PollOptions {
  /** The run's clock: the wait is on it, not on the wall's. */
  clock: Clock;
  /** Bound on the wait; Infinity waits until the signal aborts. */
  waitMs: number;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to update a spinner. */
  onWait?: () => void;
  /** Wait before the first attempt (when the caller has just looked itself). */
  delayFirst?: boolean;
  maxDelayMs?: number;
  /** What is waited for, for the message when the user stops the wait (Ctrl-C, SIGTERM). */
  waitingFor?: string;
  /** The moment before which another try cannot change the answer (on the clock): the next try waits for it, where it is later than the backoff. */
  notBefore?: () => number | undefined;
}

/**
 * Every asynchronous wait of a run: tries `attempt` with capped exponential backoff until it
 * returns a value (returned), or `waitMs` runs out (undefined: the caller says what to do). When
 * the user stops the run (Ctrl-C, SIGTERM), every wait ends the same way: an interruption that
 * says what was waited for.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const { clock } = options;
  const deadline = clock.now() + options.waitMs;
  let delay = 500;
  const stopIfAsked = () => {
    if (options.signal?.aborted) {
      throw new InterruptedError(
        `Stopped waiting for ${options.waitingFor ?? 'the step to finish'}.`,
        'Re-run the same command: it reads the state again and carries on from here.',
      );
    }
  };
  const pause = async () => {
    options.onWait?.();
    const until = options.notBefore?.();
    const wait = Math.max(delay, until === undefined ? 0 : until - clock.now());
    await clock.sleep(Math.min(wait, Math.max(0, deadline - clock.now())), options.signal);
    delay = Math.min(delay * 1.5, options.maxDelayMs ?? 5000);
    stopIfAsked();
  };
  if (options.delayFirst) await pause();
  for (;;) {
    stopIfAsked();
    const value = await attempt();
    if (value !== undefined) return value;
    if (clock.now() >= deadline) return undefined;
    await pause();
  }
}

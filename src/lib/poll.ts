import { sleep } from './request-policy.js';

export interface PollOptions {
  /** Bound on the wait; Infinity waits until the signal aborts. */
  waitMs: number;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to update a spinner. */
  onWait?: () => void;
  /** Wait before the first attempt (when the caller has just looked itself). */
  delayFirst?: boolean;
  maxDelayMs?: number;
}

/**
 * Every asynchronous wait of a run: tries `attempt` with capped exponential backoff until it
 * returns a value, `waitMs` runs out or the signal aborts; then undefined, and the caller says
 * which of the two it was and what to do.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + options.waitMs;
  let delay = 500;
  const pause = async () => {
    options.onWait?.();
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), options.signal);
    delay = Math.min(delay * 1.5, options.maxDelayMs ?? 5000);
  };
  if (options.delayFirst) await pause();
  for (;;) {
    if (options.signal?.aborted && options.delayFirst) return undefined;
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() >= deadline || options.signal?.aborted) return undefined;
    await pause();
    if (options.signal?.aborted) return undefined;
  }
}

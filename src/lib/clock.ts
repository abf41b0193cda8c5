/**
 * Time as a run sees it. Every wait, poll, settle and deadline of the product, and of the in-process
 * sandbox, asks its clock, never `Date.now` or a timer directly: so a test can hand both the same
 * clock and move time on instead of sleeping through it. One bound stays on the wall: a request's
 * own timeout (--request-timeout), which limits real I/O on a real socket, whatever time a test says it is.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Resolves once `ms` of this clock's time have passed, or at once when the signal aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: what a real run uses. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      // The listener goes with the wait, so that long waits leak none.
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * Runs `fn` once `ms` of the clock's time have passed, unless the returned cancel is called first: a
 * timer on the clock. Like a timer, it never runs within the work that sets it, even at 0 ms: what is
 * under way finishes first.
 */
export function later(clock: Clock, ms: number, fn: () => void): () => void {
  const cancel = new AbortController();
  void clock.sleep(ms, cancel.signal).then(() =>
    setImmediate(() => {
      if (!cancel.signal.aborted) fn();
    }),
  );
  return () => cancel.abort();
}

/**
 * How far past our now a bounded read of a service's log reaches (Okta's System Log, Cloudflare's
 * audit log): the service stamps on its own clock, which may run ahead of ours, and an event of the
 * last moment must not fall out of the read.
 */
export const LOG_READ_AHEAD_MS = 10 * 60_000;

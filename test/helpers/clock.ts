import { systemClock, type Clock } from '../../src/lib/clock.js';

/**
 * A clock the test moves: `now` stands still until `advance` (or `runUntil`) moves it, and a sleep
 * ends when the clock reaches its moment, not when the wall does. Handed to a run's Context (and to
 * the in-process sandbox), it lets a test skip a wait instead of sleeping through it.
 */
export class ManualClock implements Clock {
  /** Each wait on the clock: when it ends, and whether it is a run's (see `forRun`). */
  private sleepers: Array<{ at: number; wake: () => void; run: boolean }> = [];

  /** It starts at the wall's time, and from there moves only when told. */
  constructor(private t = Date.now()) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.wait(ms, signal, false);
  }

  /**
   * The same clock as a run sees it: its waits are known as the run's. Time moves on for a run only
   * while it waits on the clock; in between, it is working (reading, computing) and no moment passes.
   */
  forRun(): Clock {
    return { now: () => this.now(), sleep: (ms, signal) => this.wait(ms, signal, true) };
  }

  private wait(ms: number, signal: AbortSignal | undefined, run: boolean): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        run,
        at: this.t + ms,
        wake: () => {
          signal?.removeEventListener('abort', sleeper.wake);
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /**
   * Moves time on from one sleeper to the next until `work` ends: its waits, taken at once. Time
   * stands still while `busy` says real work is under way (a request being answered), and, for a
   * run's work (`forRun`), while the run is not itself waiting on the clock: no moment passes in the
   * middle of what takes real time. Returns the work's value.
   */
  async runUntil<T>(work: Promise<T>, busy: () => boolean = () => false, run = false): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    while (!done) {
      await settle();
      const next = this.earliest();
      if (done) break;
      if (next && !busy() && (!run || this.sleepers.some((s) => s.run))) await this.advanceOne(next);
      else await pause();
    }
    return watched;
  }

  /**
   * Lets `ms` pass, as a pause of a test script does: each sleeper due on the way wakes in its turn
   * (never while `busy`), time then stands at the end, and what the last wake-ups started has finished.
   */
  async pass(ms: number, busy: () => boolean = () => false): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      const next = this.earliest();
      if (busy()) await pause();
      else if (next && next.at <= target) await this.advanceOne(next);
      else break;
    }
    this.t = Math.max(this.t, target);
  }

  /** Moves time on from one sleeper to the next until `reached` holds (checked at each step), never while `busy`. */
  async until(reached: () => boolean, busy: () => boolean = () => false): Promise<void> {
    for (await settle(); !reached(); await settle()) {
      const next = this.earliest();
      if (next && !busy()) await this.advanceOne(next);
      else await pause();
    }
  }

  private async advanceOne(next: { at: number; wake: () => void }): Promise<void> {
    this.t = Math.max(this.t, next.at);
    next.wake();
    await settle();
  }

  private earliest() {
    return this.sleepers.reduce<(typeof this.sleepers)[number] | undefined>((a, s) => (!a || s.at < a.at ? s : a), undefined);
  }
}

/** A clock that reads as `now` says and sleeps as the wall does: for code whose subject is reading the time. */
export function readingClock(now: () => number): Clock {
  return { now, sleep: systemClock.sleep };
}

/**
 * Lets what a wake-up starts get under way before time moves again: two turns of the event loop, so
 * that a timer on the clock (lib/clock.ts `later`, which runs in the turn after its wake-up) has begun.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Nothing to move on yet (real work under way): a moment of the wall's, so that the wait costs no CPU. */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
const settle = async () => {
  await turn();
  await turn();
};

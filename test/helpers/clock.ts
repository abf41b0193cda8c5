import { systemClock, type Clock } from '../../src/lib/clock.js';

/**
 * A clock the test moves: `now` stands still until `advance` (or `runUntil`) moves it, and a sleep
 * ends when the clock reaches its moment, not when the wall does. Handed to a run's Context (and to
 * the in-process sandbox), it lets a test skip a wait instead of sleeping through it.
 */
export class ManualClock implements Clock {
  private sleepers: Array<{ at: number; wake: () => void }> = [];

  /** It starts at the wall's time, and from there moves only when told. */
  constructor(private t = Date.now()) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
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

  /** How many waits are on this clock now. */
  get waiting(): number {
    return this.sleepers.length;
  }

  /** Moves time on by `ms`, waking each sleeper in its turn (and letting what it starts run) on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (let next = this.earliest(); next && next.at <= target; next = this.earliest()) {
      this.t = Math.max(this.t, next.at);
      next.wake();
      await settle();
    }
    this.t = target;
  }

  /**
   * Moves time on from one sleeper to the next until `work` ends: a run's waits, taken at once.
   * `busy` says when real work is under way (a request being answered): time stands still then, so
   * that no wait ends in the middle of work that takes real time. Returns the work's value.
   */
  async runUntil<T>(work: Promise<T>, busy: () => boolean = () => false): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    while (!done) {
      await settle();
      const next = this.earliest();
      if (!done && next && !busy()) await this.advanceOne(next);
    }
    return watched;
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
const settle = async () => {
  await turn();
  await turn();
};

import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/lib/errors.js';
import { pollUntil } from '../../src/lib/poll.js';
import { ManualClock } from '../helpers/clock.js';
import { settledChecks, waitingLine, windowStart } from '../../src/verify/run.js';
import type { Check } from '../../src/verify/types.js';

describe('pollUntil: the one wait of every asynchronous step', () => {
  it("returns the first value, after as many tries as it takes, its waits on the run's clock", async () => {
    const clock = new ManualClock();
    const start = clock.now();
    let tries = 0;
    expect(await clock.runUntil(pollUntil(async () => (++tries === 3 ? 'done' : undefined), { clock, waitMs: 5000 }))).toBe('done');
    expect(tries).toBe(3);
    // Backoff from half a second, by half again: 500 ms, then 750 ms, and not a moment of the wall's.
    expect(clock.now() - start).toBe(1250);
  });

  it('tries once with no time to wait, and gives undefined when time runs out (no sooner)', async () => {
    const clock = new ManualClock();
    let tries = 0;
    expect(await pollUntil(async () => void tries++, { clock, waitMs: 0 })).toBeUndefined();
    expect(tries).toBe(1);
    const start = clock.now();
    tries = 0;
    expect(await clock.runUntil(pollUntil(async () => void tries++, { clock, waitMs: 60_000, maxDelayMs: 10_000 }))).toBeUndefined();
    expect(clock.now() - start).toBe(60_000);
    expect(tries).toBeGreaterThan(5);
  });

  it('waits for notBefore where it is later than the backoff: a try before it cannot change the answer', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const tries: number[] = [];
    const wait = pollUntil(async () => (tries.push(clock.now() - start) === 3 ? 'told' : undefined), {
      clock,
      waitMs: 60_000,
      notBefore: () => start + 10_000,
    });
    expect(await clock.runUntil(wait)).toBe('told');
    // Once at once; then not before 10 s, whatever the backoff; then the backoff again, past it.
    expect(tries).toEqual([0, 10_000, 10_750]);
  });

  it('ends on Ctrl-C as an interruption that says what was waited for, and with delayFirst does not try at all once aborted', async () => {
    const abort = new AbortController();
    let tries = 0;
    const waiting = pollUntil(async () => void tries++, {
      clock: new ManualClock(),
      waitMs: Infinity,
      signal: abort.signal,
      onWait: () => abort.abort(),
      waitingFor: 'the admin',
    });
    await expect(waiting).rejects.toMatchObject({ name: 'InterruptedError', message: 'Stopped waiting for the admin.', exitCode: 130 });
    expect(tries).toBe(1);
    tries = 0;
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      pollUntil(async () => void tries++, { clock: new ManualClock(), waitMs: Infinity, signal: aborted.signal, delayFirst: true }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(tries).toBe(0);
  });
});

describe('a verification wait (#24 items 1, 24)', () => {
  const check = (id: string, status: Check['status'], authRefused?: boolean): Check => ({
    id,
    status,
    summary: '',
    evidence: [],
    ...(authRefused ? { authRefused } : {}),
  });
  it('keeps polling what is pending beside a failure; stops on a refused token, or when nothing is pending', () => {
    expect(settledChecks([check('okta-log', 'fail'), check('members', 'pending')])).toBe(false);
    expect(settledChecks([check('scim-token', 'fail', true), check('members', 'pending')])).toBe(true);
    expect(settledChecks([check('okta-log', 'fail'), check('members', 'pass')])).toBe(true);
  });
  it('says which checks it waits on and the time elapsed of the time allowed', () => {
    const checks = [check('members', 'pending'), check('okta-log', 'pass'), check('push-group:Eng', 'pending')];
    expect(waitingLine(checks, 12_400, 60_000)).toBe('verifying: waiting on 2 checks (members, push-group:Eng); 12s of 1m');
    expect(waitingLine(checks.slice(0, 1), 75_000, Number.POSITIVE_INFINITY)).toBe('verifying: waiting on 1 check (members); 1m15s, until Ctrl-C');
  });
});

describe('one window for okta and verify (#24 item 7)', () => {
  it("starts at the lookback, or at the run's start if that is earlier", () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(windowStart(3600_000, now).toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(windowStart(3600_000, now, new Date('2026-11-30T11:30:00Z')).toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(windowStart(3600_000, now, new Date('2026-11-30T10:00:00Z')).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });
});

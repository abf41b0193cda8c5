import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/lib/errors.js';
import { pollUntil } from '../../src/lib/poll.js';

describe('pollUntil: the one wait of every asynchronous step', () => {
  it('returns the first value, after as many tries as it takes', async () => {
    let tries = 0;
    expect(await pollUntil(async () => (++tries === 2 ? 'done' : undefined), { waitMs: 5000 })).toBe('done');
    expect(tries).toBe(2);
  });

  it('tries once with no time to wait, and gives undefined when time runs out', async () => {
    let tries = 0;
    expect(await pollUntil(async () => void tries++, { waitMs: 0 })).toBeUndefined();
    expect(tries).toBe(1);
  });

  it('ends on Ctrl-C as an interruption that says what was waited for, and with delayFirst does not try at all once aborted', async () => {
    const abort = new AbortController();
    let tries = 0;
    const waiting = pollUntil(async () => void tries++, { waitMs: Infinity, signal: abort.signal, onWait: () => abort.abort(), waitingFor: 'the admin' });
    await expect(waiting).rejects.toMatchObject({ name: 'InterruptedError', message: 'Stopped waiting for the admin.', exitCode: 130 });
    expect(tries).toBe(1);
    tries = 0;
    const aborted = new AbortController();
    aborted.abort();
    await expect(pollUntil(async () => void tries++, { waitMs: Infinity, signal: aborted.signal, delayFirst: true })).rejects.toBeInstanceOf(InterruptedError);
    expect(tries).toBe(0);
  });
});

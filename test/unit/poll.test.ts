import { describe, expect, it } from 'vitest';
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

  it('stops when the signal aborts, and with delayFirst does not try at all once aborted', async () => {
    const abort = new AbortController();
    let tries = 0;
    const waiting = pollUntil(async () => void tries++, { waitMs: Infinity, signal: abort.signal, onWait: () => abort.abort() });
    expect(await waiting).toBeUndefined();
    expect(tries).toBe(1);
    tries = 0;
    const aborted = new AbortController();
    aborted.abort();
    expect(await pollUntil(async () => void tries++, { waitMs: Infinity, signal: aborted.signal, delayFirst: true })).toBeUndefined();
    expect(tries).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { readBudget, RequestPolicy, retryAfterMs } from '../../src/lib/request-policy.js';
import { readingClock } from '../helpers/clock.js';
import { NetworkError, retryLine } from '../../src/lib/request-policy.js';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

describe('the request policy (pure parts)', () => {
  it('reads Okta and Cloudflare budgets', () => {
    expect(readBudget(headers({ 'x-rate-limit-remaining': '7', 'x-rate-limit-reset': '1000', date: new Date(999_000).toUTCString() }), 999_000)).toEqual({
      remaining: 7,
      resetAt: 1_000_000,
    });
    expect(readBudget(headers({ ratelimit: '"default";r=50;t=30' }), 0)).toEqual({ remaining: 50, resetAt: 30_000 });
    expect(readBudget(headers({ 'x-rate-limit-remaining': '7', 'x-rate-limit-reset': '1,2' }), 0)).toBeUndefined();
  });

  it('waits out Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '3' }), 0)).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after': new Date(5000).toUTCString() }), 1000)).toBe(4000);
  });

  it('retries idempotent requests on 5xx and network errors, never a POST; 429s for all, up to maxWait', () => {
    const p = new RequestPolicy({ timeoutMs: 1000, maxRetries: 2, maxWaitMs: 10_000, random: () => 0.5, clock: readingClock(() => 0) });
    expect(p.retryDelay('GET', 0, { status: 503, headers: headers({}) })).toBe(250);
    expect(p.retryDelay('PUT', 1, { error: new Error('reset') })).toBe(500);
    expect(p.retryDelay('POST', 0, { status: 503, headers: headers({}) })).toBeUndefined();
    expect(p.retryDelay('POST', 0, { error: new Error('reset') })).toBeUndefined();
    expect(p.retryDelay('POST', 0, { status: 429, headers: headers({ 'retry-after': '2' }) })).toBe(2050);
    expect(p.retryDelay('GET', 0, { status: 429, headers: headers({ 'retry-after': '60' }) })).toBeUndefined();
    expect(p.retryDelay('GET', 2, { status: 503, headers: headers({}) })).toBeUndefined();
    expect(p.retryDelay('GET', 0, { status: 404, headers: headers({}) })).toBeUndefined();
  });

  it('paces a bucket whose budget, less the requests in flight, is spent, until the window resets', async () => {
    let now = 0;
    const p = new RequestPolicy({ timeoutMs: 1000, maxRetries: 2, maxWaitMs: 10_000, clock: readingClock(() => now) });
    p.observe('apps', headers({ ratelimit: '"default";r=2;t=5' }));
    expect(p.paceDelay('apps')).toBe(0);
    await p.acquire('apps');
    await p.acquire('apps');
    expect(p.paceDelay('apps')).toBe(5050);
    p.release('apps');
    expect(p.paceDelay('apps')).toBe(0);
    now = 6000;
    p.observe('apps', headers({ ratelimit: '"default";r=0;t=5' }));
    expect(p.paceDelay('apps')).toBe(5050);
    // An older answer of the same window does not raise the budget again.
    p.observe('apps', headers({ ratelimit: '"default";r=9;t=5' }));
    expect(p.paceDelay('apps')).toBe(5050);
  });
});

describe("pacing to a share of each bucket (Okta warns the org's admins past 60 %)", () => {
  const okta = (remaining: number, resetSeconds: number) =>
    headers({ 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(resetSeconds) });

  it('leaves the rest of the window to others: at 50 %, it sends while more than half is left, everyone counted', async () => {
    let now = 0;
    const p = new RequestPolicy({ timeoutMs: 1000, maxRetries: 0, maxWaitMs: 120_000, clock: readingClock(() => now), shareOf: () => 0.5 });
    p.observe('apps', okta(51, 60));
    expect(p.paceDelay('apps')).toBe(0);
    await p.acquire('apps');
    // 51 left, 1 in flight: one more would take from the half that is the others'.
    expect(p.paceDelay('apps')).toBe(60_050);
    // Others spent the window down: the run waits for the next rather than take the rest.
    p.release('apps');
    p.observe('apps', okta(40, 60));
    expect(p.paceDelay('apps')).toBe(60_050);
    // At 100 % it takes what is left.
    const all = new RequestPolicy({ timeoutMs: 1000, maxRetries: 0, maxWaitMs: 120_000, clock: readingClock(() => now), shareOf: () => 1 });
    all.observe('apps', okta(40, 60));
    expect(all.paceDelay('apps')).toBe(0);
    now = 0;
  });

  it('holds a window no answer has described yet to the share: many accounts at once do not burst into it', async () => {
    let now = 0;
    const p = new RequestPolicy({ timeoutMs: 1000, maxRetries: 0, maxWaitMs: 120_000, clock: readingClock(() => now), shareOf: () => 0.5 });
    p.observe('apps', okta(0, 60));
    now = 61_000;
    for (let i = 0; i < 49; i++) await p.acquire('apps');
    expect(p.paceDelay('apps')).toBe(0);
    await p.acquire('apps');
    // 50 in flight into the fresh window: the next waits a moment for their answers, not a whole window.
    expect(p.paceDelay('apps')).toBe(50);
  });
});

describe("a service's clock, from its Date headers (#22)", () => {
  it('keeps the least bound of (arrival − Date), assumes a minute before any, and moves `since` onto the service clock by it', () => {
    const p = new RequestPolicy({ timeoutMs: 1000, maxRetries: 0, maxWaitMs: 0 });
    const since = new Date('2026-11-30T12:00:00.000Z');
    expect(p.clockOffsetMs('Okta')).toBe(60_000);
    expect(p.onServiceClock('Okta', since).toISOString()).toBe('2026-11-30T11:59:00.000Z');
    // Okta's clock 30 s behind ours: its Date says 11:59:30 when ours reads 12:00:00.4, then 12:00:00.9.
    p.observeClock('Okta', 'Sun, 30 Nov 2026 11:59:30 GMT', Date.parse('2026-11-30T12:00:00.900Z'));
    p.observeClock('Okta', 'Sun, 30 Nov 2026 11:59:30 GMT', Date.parse('2026-11-30T12:00:00.400Z'));
    p.observeClock('Okta', null, Date.parse('2026-11-30T12:00:00.000Z'));
    expect(p.clockOffsetMs('Okta')).toBe(30_400);
    expect(p.onServiceClock('Okta', since).toISOString()).toBe('2026-11-30T11:59:29.600Z');
    // One service's clock says nothing of the other's.
    expect(p.clockOffsetMs('Cloudflare')).toBe(60_000);
  });
});

describe('retries said where a person sees them (#24 item 16)', () => {
  it('one line per retry: the service, the request, why, when, which attempt', () => {
    expect(retryLine({ service: 'Okta', method: 'GET', path: '/api/v1/apps', reason: 'no answer within 30s', attempt: 2, of: 5, delayMs: 500 })).toBe(
      'Okta: GET /api/v1/apps: no answer within 30s; trying again in 1s (attempt 2 of 5)',
    );
  });
  it('the final error counts the attempts and the time they took', () => {
    expect(new NetworkError('GET', 'https://x/api', 'timeout', true, 5, 151_000).tally).toBe(' (5 attempts, 2m31s in all)');
    expect(new NetworkError('GET', 'https://x/api', 'timeout', true).tally).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { oktaRetryWaitMs } from '../../src/lib/okta-retry-rule.js';

/** #21 fact 9: Okta's waits after a SCIM server's 429 (shared/reference/okta-scim-protocol/scim-rate-limiting-429.md). */
describe("Okta's wait before each retry of a rate-limited task", () => {
  it.each([
    ['an integer Retry-After, first retry', '120', 1, 120_000],
    ['an integer Retry-After, doubled for each later retry', '120', 3, 480_000],
    ['no Retry-After: five minutes', null, 1, 300_000],
    ['an HTTP-date: five minutes', 'Wed, 11 Mar 2026 23:29:00 GMT', 1, 300_000],
    ['a non-integer: five minutes', '1.5', 1, 300_000],
    ['the tenth retry with the default', null, 10, 300_000 * 512],
  ] as const)('%s', (_name, retryAfter, n, ms) => {
    expect(oktaRetryWaitMs(retryAfter, n)).toBe(ms);
  });
});

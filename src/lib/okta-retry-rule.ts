/**
 * Okta's rule for a SCIM server's 429 (its SCIM docs, "Handle SCIM server rate limiting";
 * shared/reference/okta-scim-protocol/scim-rate-limiting-429.md): the task pauses; the first retry
 * waits an integer `Retry-After` in seconds, else five minutes (an HTTP-date or a fraction too);
 * each further retry waits twice the last; when the tenth retry is rate-limited too, the task fails
 * for good. One statement of it serves the sandbox, which emulates it, and verify, which predicts it.
 */
export const OKTA_RATE_LIMIT_RETRIES = 10;
const DEFAULT_WAIT_MS = 5 * 60_000;

/** Pure: Okta's wait before retry `n` (1-based), from the first 429's `Retry-After` (null: none). */
export function oktaRetryWaitMs(retryAfter: string | null, n: number): number {
  const first = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1000 : DEFAULT_WAIT_MS;
  return first * 2 ** (n - 1);
}

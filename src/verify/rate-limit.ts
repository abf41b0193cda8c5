import { OKTA_RATE_LIMIT_RETRIES, oktaRetryWaitMs } from '../lib/okta-retry-rule.js';

/**
 * Okta's rule for a SCIM server's 429 (its SCIM docs, "Handle SCIM server rate limiting"): the task
 * pauses; the first retry waits Cloudflare's integer Retry-After, else five minutes; each further
 * retry waits twice the last; after ten, the task fails for good and needs an admin. Okta logs each
 * pause as `application.integration.rate_limit_exceeded` (its event catalogue).
 */
export const RATE_LIMIT_EVENT = 'application.integration.rate_limit_exceeded';

export interface RetryOutlook {
  /** Pauses logged since the task last succeeded (within the window read). */
  pauses: number;
  last: string;
  /** The latest the next retry is due, if Cloudflare sent no Retry-After (with one, it is sooner or as Cloudflare said). */
  dueBy: string;
}

/** Pure: when Okta retries next, at the latest under its default waits, from the pauses it logged (Okta's clock). */
export function retryOutlook(pausedAt: string[]): RetryOutlook | undefined {
  const sorted = pausedAt.filter((t) => Number.isFinite(Date.parse(t))).sort();
  const last = sorted.at(-1);
  if (!last) return undefined;
  const n = Math.min(sorted.length, OKTA_RATE_LIMIT_RETRIES);
  return { pauses: sorted.length, last, dueBy: new Date(Date.parse(last) + oktaRetryWaitMs(null, n)).toISOString() };
}

import { findDrift, type Drift } from '../plan/drift.js';
import { CHECKS } from './checks/registry.js';
import type { Check, Evidence } from './types.js';

/**
 * Pure: evidence → checks. A check that has not converged is `pending`, never `fail`: provisioning
 * is asynchronous, and only evidence of a failure (an ERROR, a refused token, a log entry) fails.
 * `drift` is what the caller holds proven (by default, what this one reading proves). Each check
 * sees only the evidence it declares (checks/registry.ts).
 */
export function evaluate(e: Evidence, drift: Drift[] = findDrift(e)): Check[] {
  return CHECKS.flatMap((check) => check.run(e, drift)).map((check) => unread(check, e));
}

/** The checks that read Cloudflare's side through SCIM (its members, each pushed group): with the reader refused, what they would say is unknown. */
const readThroughScim = (id: string) => id === 'members' || id.startsWith('push-group:');

/**
 * Pure: a check of Cloudflare's side when SCIM could not be read: "could not read", never "not there
 * yet". A refused reader says nothing of what Cloudflare holds; the scim-token check
 * says why it was refused.
 */
function unread(check: Check, e: Evidence): Check {
  if (e.scimToken.ok || !readThroughScim(check.id)) return check;
  return {
    id: check.id,
    status: 'skipped',
    summary: `could not read Cloudflare's ${check.id === 'members' ? 'members' : 'side of this pushed group'}: SCIM was not readable (see the scim-token check)`,
    evidence: [e.scimToken.message],
  };
}

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
  return CHECKS.flatMap((check) => check.run(e, drift));
}

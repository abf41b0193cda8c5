import type { Drift } from '../../plan/drift.js';
import type { Check, Evidence } from '../types.js';

/**
 * One verification check: its id (or the prefix of the ids it makes, one per group), the evidence it
 * reads, and the pure rule. `run` is typed to see only the fields it declares, and is handed only
 * those, so that what a check depends on is written where it is defined.
 */
export interface CheckDefinition<K extends keyof Evidence = keyof Evidence> {
  id: string;
  reads: readonly K[];
  run(e: Pick<Evidence, K>, drift: Drift[]): Check | Check[];
}

export function defineCheck<K extends keyof Evidence>(definition: CheckDefinition<K>): CheckDefinition {
  return definition as unknown as CheckDefinition;
}

/** The evidence a check declares, and nothing else. */
export function evidenceFor(e: Evidence, reads: readonly (keyof Evidence)[]): Evidence {
  return Object.fromEntries(reads.map((key) => [key, e[key]])) as unknown as Evidence;
}

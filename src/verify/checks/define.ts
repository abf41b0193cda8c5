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

/** A check in the registry: given the whole evidence, its rule sees only what the check declared. */
export interface RegisteredCheck {
  id: string;
  reads: readonly (keyof Evidence)[];
  run(e: Evidence, drift: Drift[]): Check | Check[];
}

export function defineCheck<K extends keyof Evidence>(definition: CheckDefinition<K>): RegisteredCheck {
  return { id: definition.id, reads: definition.reads, run: (e, drift) => definition.run(evidenceFor(e, definition.reads), drift) };
}

/** The evidence a check declares, and nothing else. */
export function evidenceFor<K extends keyof Evidence>(e: Evidence, reads: readonly K[]): Pick<Evidence, K> {
  return Object.fromEntries(reads.map((key) => [key, e[key]])) as Pick<Evidence, K>;
}

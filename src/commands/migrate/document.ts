import type { AppRef, PlanFields } from '../documents.js';
import type { VerificationReport } from '../../verify/run.js';

/** `migrate --json`: its own fields (docs/json.md, section "migrate"), beside what every document holds (lib/json-document.ts). */
export interface MigrateFields extends PlanFields {
  app: AppRef;
  legacyGroups: string[];
}

export interface MigrateOutcomeFields {
  verification: VerificationReport;
}

import type { AppRef, PlanFields } from '../documents.js';
import type { VerificationReport } from '../../verify/run.js';

/** `okta --json`: its own fields (docs/json.md, section "okta"), beside what every document holds (lib/json-document.ts). */
export interface OktaFields extends PlanFields {
  orgUrl: string;
  accountId: string;
  app: AppRef | null;
  changes: boolean;
  warnings: string[];
}

/** What `okta` adds once it applied (and verified), or stopped. */
export interface OktaOutcomeFields {
  app: AppRef | null;
  verification?: VerificationReport;
}

import type { ActionKind, Action } from '../plan/types.js';
import type { Check } from '../verify/types.js';
import type { VerificationReport } from '../verify/run.js';
import type { AccessReport } from './report/document.js';

/**
 * Each command's own fields of its `--json` document (docs/json.md, one table a command), beside
 * what every document holds (lib/json-document.ts). A field added here and not there, or there and
 * not here, fails the contract test (test/e2e/json-contract.test.ts).
 */
export type AppRef = { id: string; label: string };
type Summary = Record<ActionKind, number>;

/** What every planning command's plan says. */
interface PlanFields {
  actions: Action[];
  summary: Summary;
}

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

export interface VerifyFields {
  orgUrl: string;
  accountId: string;
  app: AppRef;
  counts: Record<'pass' | 'fail' | 'pending' | 'warn' | 'skipped', number>;
  checks: Check[];
  rounds: number;
}

export interface MigrateFields extends PlanFields {
  app: AppRef;
  legacyGroups: string[];
}

export interface MigrateOutcomeFields {
  verification: VerificationReport;
}

export interface RotateFields extends PlanFields {
  app: AppRef;
  warnings: string[];
  steps: Array<{ step: string; result: string }>;
}

export interface RotateOutcomeFields {
  byApi: boolean;
  alreadyRotated?: true;
}

export interface DestroyFields extends PlanFields {
  app: (AppRef & { status?: string }) | null;
  warnings: string[];
}

/** A planning command's fields, as its plan gives them. */
export type PlannedFields = OktaFields | MigrateFields | RotateFields | DestroyFields;

/** What a planning command's run adds once it acted, or stopped. */
export type OutcomeFields = Partial<OktaOutcomeFields> | MigrateOutcomeFields | RotateOutcomeFields | Record<never, never>;

/** One account's own fields in a fleet's document: its command's. */
export type AccountFields = Partial<PlannedFields> | VerifyFields | AccessReport | Record<never, never>;

/** A fleet's document: the accounts, each its command's fields with its name, account and exit code. */
export interface FleetFields {
  config: string;
  accounts: Array<AccountFields & { name: string; accountId: string; exitCode: number; error?: unknown }>;
}

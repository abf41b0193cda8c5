import type { ActionKind, Action } from '../plan/types.js';

/**
 * What the commands' `--json` documents share: each command's own fields are in its home
 * (commands/<name>/document.ts, one table of docs/json.md each), beside what every document holds
 * (lib/json-document.ts). A field added there and not in docs/json.md, or there and not typed,
 * fails test/unit/json-document-types.test.ts.
 */
export type AppRef = { id: string; label: string };
type Summary = Record<ActionKind, number>;

/** What every planning command's plan says. */
export interface PlanFields {
  actions: Action[];
  summary: Summary;
}

/**
 * One account's own fields in a fleet's document: its command's, as that command typed them where
 * it built them (commands/<name>/document.ts); the fleet only carries them.
 */
export type AccountFields = object;

/** A fleet's document: the accounts, each its command's fields with its name, account and exit code. */
export interface FleetFields {
  config: string;
  accounts: Array<AccountFields & { name: string; accountId: string; exitCode: number; error?: unknown }>;
}

import type { AppRef } from '../documents.js';
import type { Check } from '../../verify/types.js';

/** `verify --json`: its own fields (docs/json.md, section "verify"), beside what every document holds (lib/json-document.ts). */
export interface VerifyFields {
  orgUrl: string;
  accountId: string;
  app: AppRef;
  counts: Record<'pass' | 'fail' | 'pending' | 'warn' | 'skipped', number>;
  checks: Check[];
  rounds: number;
}

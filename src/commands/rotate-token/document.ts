import type { AppRef, PlanFields } from '../documents.js';

/** `rotate-token --json`: its own fields (docs/json.md, section "rotate-token"), beside what every document holds (lib/json-document.ts). */
export interface RotateFields extends PlanFields {
  app: AppRef;
  warnings: string[];
  steps: Array<{ step: string; result: string }>;
}

export interface RotateOutcomeFields {
  byApi: boolean;
  alreadyRotated?: true;
}

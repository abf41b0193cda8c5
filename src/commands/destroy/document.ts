import type { AppRef, PlanFields } from '../documents.js';

/** `destroy --json`: its own fields (docs/json.md, section "destroy"), beside what every document holds (lib/json-document.ts). */
export interface DestroyFields extends PlanFields {
  app: (AppRef & { status?: string }) | null;
  warnings: string[];
}

import type { InputProblem } from './errors.js';

/**
 * What every `--json` document holds (docs/json.md, "Every document"), typed once: the reporter
 * writes nothing else. Each command's own fields are typed where the command builds them
 * (commands/documents.ts); test/e2e/json-contract.test.ts holds both to docs/json.md.
 */
export type DocumentStatus = 'ok' | 'failed' | 'usage' | 'pending' | 'auth' | 'interrupted' | 'terminated' | 'changes';

/** The `error` of a document that ends on one: the words, the fix, the exit code, and each invalid input. */
export interface ErrorDocument {
  message: string;
  fix?: string;
  exitCode: number;
  problems?: InputProblem[];
}

export interface JsonDocument {
  formatVersion: 1;
  /** Null for a usage error that names no command. */
  command: string | null;
  /** Set by the reporter from the exit code, unless the command names it (`changes`). */
  status?: DocumentStatus;
  exitCode?: number;
  error?: ErrorDocument;
  /** What a planning command did, and the steps it left to a person. */
  applied?: unknown[];
  manualSteps?: unknown[];
  cancelled?: true;
  dryRun?: boolean;
}

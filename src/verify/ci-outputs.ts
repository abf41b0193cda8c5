import { appendFile } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/output-file.js';
import type { Redactor } from '../lib/redact.js';
import { issueWorkflowCommand, workflowCommand } from '../lib/workflow-commands.js';
import { annotations, junitXml, stepSummary, type CiReport } from './ci-report.js';

export interface CiOutputOptions {
  junit?: string;
  env: NodeJS.ProcessEnv;
  stderr: NodeJS.WritableStream;
  redactor: Redactor;
  /** --redact-pii: logins and e-mail addresses hashed in annotations, summary and JUnit. */
  redactPii?: boolean;
}

/**
 * The edge where a run reports to CI: the job summary and annotations under GitHub Actions, and
 * JUnit XML where --junit asks for it. Annotations go to stderr, so that --json keeps stdout to
 * its one document (the runner reads workflow commands from both), through the one door that
 * writes a real workflow command.
 */
export async function publishCiOutputs(report: CiReport, options: CiOutputOptions): Promise<void> {
  const clean = (text: string) => options.redactor.redact(text);
  const text = { pii: Boolean(options.redactPii) };
  if (options.junit) await writeFileAtomic(options.junit, clean(junitXml(report, text)));
  if (options.env.GITHUB_ACTIONS !== 'true') return;
  for (const a of annotations(report, text)) issueWorkflowCommand(options.stderr, workflowCommand(a.level, { title: clean(a.title) }, clean(a.message)));
  if (options.env.GITHUB_STEP_SUMMARY) await appendFile(options.env.GITHUB_STEP_SUMMARY, `${clean(stepSummary(report, text))}\n`);
}

import { appendFile } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/output-file.js';
import type { Redactor } from '../lib/redact.js';
import { issueWorkflowCommand, workflowCommand } from '../lib/workflow-commands.js';
import { annotations, fleetJunitXml, junitXml, stepSummary, SUMMARY_BUDGET, type CiReport } from './ci-report.js';

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

/**
 * A fleet's CI outputs: one JUnit file with a test suite per account, and per account its section
 * of the job summary and its annotations, each titled with the account's name.
 */
export async function publishFleetCiOutputs(command: string, reports: Array<{ account: string; report: CiReport }>, options: CiOutputOptions): Promise<void> {
  const clean = (text: string) => options.redactor.redact(text);
  const text = { pii: Boolean(options.redactPii) };
  if (options.junit) await writeFileAtomic(options.junit, clean(fleetJunitXml(command, reports, text)));
  if (options.env.GITHUB_ACTIONS !== 'true') return;
  for (const { account, report } of reports) {
    for (const a of annotations(report, text))
      issueWorkflowCommand(options.stderr, workflowCommand(a.level, { title: clean(`[${account}] ${a.title}`) }, clean(a.message)));
    if (options.env.GITHUB_STEP_SUMMARY)
      // The accounts share the one budget GitHub gives a summary.
      await appendFile(
        options.env.GITHUB_STEP_SUMMARY,
        `${clean(stepSummary({ ...report, command: `${report.command}: ${account}` }, text, Math.floor(SUMMARY_BUDGET / reports.length)))}\n`,
      );
  }
}

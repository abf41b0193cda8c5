import { appendFile } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/output-file.js';
import type { Redactor } from '../lib/redact.js';
import { annotations, junitXml, stepSummary, type CiReport } from './ci-report.js';

/**
 * The edge where a run reports to CI: the job summary and annotations under GitHub Actions, and
 * JUnit XML where --junit asks for it. Annotations go to stderr, so that --json keeps stdout to
 * its one document (the runner reads workflow commands from both).
 */
export async function publishCiOutputs(
  report: CiReport,
  options: { junit?: string; env: NodeJS.ProcessEnv; stderr: NodeJS.WritableStream; redactor: Redactor },
): Promise<void> {
  const clean = (text: string) => options.redactor.redact(text);
  if (options.junit) await writeFileAtomic(options.junit, clean(junitXml(report)));
  if (options.env.GITHUB_ACTIONS !== 'true') return;
  for (const line of annotations(report)) options.stderr.write(`${clean(line)}\n`);
  if (options.env.GITHUB_STEP_SUMMARY) await appendFile(options.env.GITHUB_STEP_SUMMARY, `${clean(stepSummary(report))}\n`);
}

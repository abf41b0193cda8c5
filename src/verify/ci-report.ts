import type { ManualStep } from '../plan/guided-step.js';
import type { Action } from '../plan/types.js';
import type { Check } from './types.js';

/** What a run has to report to a CI system: its plan, the steps left to a person, its checks. */
export interface CiReport {
  command: string;
  actions?: Action[];
  manualSteps?: ManualStep[];
  checks?: Check[];
}

const xml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
/** A workflow command's data: its line breaks and percent signs escaped, as GitHub reads them. */
const workflowData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Pure: JUnit XML, one test case per check (GitLab, Jenkins and Azure read it). */
export function junitXml(report: CiReport): string {
  const checks = report.checks ?? [];
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const cases = checks.map((c) => {
    const detail = xml([c.summary, ...c.evidence, ...(c.fix ? [`fix: ${c.fix}`] : [])].join('\n'));
    const body =
      c.status === 'fail'
        ? `<failure type="fail" message="${xml(c.summary)}">${detail}</failure>`
        : c.status === 'pending'
          ? `<failure type="pending" message="${xml(`pending: ${c.summary}`)}">${detail}</failure>`
          : c.status === 'skipped'
            ? `<skipped message="${xml(c.summary)}"/>`
            : `<system-out>${detail}</system-out>`;
    return `    <testcase classname="scim-setup.${xml(report.command)}" name="${xml(c.id)}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="scim-setup ${xml(report.command)}" tests="${checks.length}" failures="${count('fail') + count('pending')}" skipped="${count('skipped')}">`,
    `  <testsuite name="scim-setup ${xml(report.command)}" tests="${checks.length}" failures="${count('fail') + count('pending')}" skipped="${count('skipped')}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Pure: the Markdown a GitHub Actions job summary shows: the plan, the guided step, the checks. */
export function stepSummary(report: CiReport): string {
  const out = [`## scim-setup ${report.command}`, ''];
  const changes = (report.actions ?? []).filter((a) => a.kind !== 'noop');
  if (report.actions) {
    out.push(`### Plan: ${changes.length} change${changes.length === 1 ? '' : 's'}`, '');
    if (changes.length)
      out.push('| | action |', '|---|---|', ...changes.map((a) => `| ${a.guided ? 'manual (unless by API)' : a.kind} | ${cell(a.summary)} |`), '');
  }
  for (const step of report.manualSteps ?? []) {
    out.push(`### Waiting for a person: ${cell(step.title)}`, '');
    if (step.link) out.push(`[Open it in the Okta admin console](${step.link})`, '');
    out.push(...step.steps.map((s) => `- [ ] ${cell(s)}`), '');
  }
  if (report.checks) {
    out.push(
      '### Verification',
      '',
      '| status | check | summary |',
      '|---|---|---|',
      ...report.checks.map(
        (c) => `| ${c.status.toUpperCase()} | ${cell(c.id)} | ${cell(c.summary)}${c.fix && c.status !== 'pass' ? `<br>fix: ${cell(c.fix)}` : ''} |`,
      ),
      '',
    );
  }
  return out.join('\n');
}

/** Pure: `::error::` / `::warning::` workflow commands for failed and warning checks. */
export function annotations(report: CiReport): string[] {
  return (report.checks ?? []).flatMap((c) => {
    if (c.status !== 'fail' && c.status !== 'warn' && c.status !== 'pending') return [];
    const level = c.status === 'fail' ? 'error' : c.status === 'pending' ? 'notice' : 'warning';
    return [`::${level} title=scim-setup ${c.id}::${workflowData(`${c.summary}${c.fix ? `. Fix: ${c.fix}` : ''}`)}`];
  });
}

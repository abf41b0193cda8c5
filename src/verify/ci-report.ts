import { piiStandIn } from '../lib/har.js';
import type { ManualStep } from '../plan/guided-step.js';
import type { Action } from '../plan/types.js';
import type { Check } from './types.js';

/** How a run ended, when it did not end with its checks: its error, or what it waits for. */
export interface CiOutcome {
  kind: 'failed' | 'waiting' | 'interrupted';
  message: string;
  fix?: string;
  exitCode: number;
}

/** What a run has to report to a CI system: its plan, the steps left to a person, its checks, how it ended. */
export interface CiReport {
  command: string;
  actions?: Action[];
  manualSteps?: ManualStep[];
  checks?: Check[];
  outcome?: CiOutcome;
}

/** How names and messages from Okta and Cloudflare are written into CI outputs. */
export interface CiTextOptions {
  /** --redact-pii: logins and e-mail addresses as stable hashes (a public repository's summaries are public). */
  pii?: boolean;
}

/** Bounds: GitHub drops a job summary over 1 MiB whole; one Okta error message must not get it there. */
export const SUMMARY_BUDGET = 256 * 1024;
const MAX_QUOTE = 500;
const MAX_ANNOTATION = 4000;
/** GitHub shows at most 10 annotations of a kind per step; the rest are counted in one. */
const MAX_ANNOTATIONS = 10;

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** Pure: untrusted text as CI outputs quote it: bounded, people hashed where asked. */
export function quoted(text: string, options: CiTextOptions, max = MAX_QUOTE): string {
  const people = options.pii ? text.replace(EMAIL, (m) => piiStandIn(m)) : text;
  return people.length > max ? `${people.slice(0, max)}… (cut at ${max} characters)` : people;
}

/** Characters XML 1.0 allows (§2.2): a name holding U+FFFF or a lone surrogate must not break the CI's report. */
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const xml = (text: string) => text.replace(NOT_XML, '\ufffd').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Pure: text as an inline code span, which Markdown renders literally (no links, images, HTML or
 * emphasis): one line, a fence longer than any run of backticks inside, pipes escaped for tables.
 */
export function codeSpan(text: string): string {
  const line = text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\|/g, '\\|');
  if (line.trim() === '') return '` `';
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** Pure: JUnit XML, one test case per check, and one for the run when it ended in an error (GitLab, Jenkins and Azure read it). */
export function junitXml(report: CiReport, options: CiTextOptions = {}): string {
  return junitDocument(`scim-setup ${report.command}`, [junitSuite(report, `scim-setup ${report.command}`, options)]);
}

/** Pure: a fleet's JUnit XML: one test suite per account, named by it. */
export function fleetJunitXml(command: string, reports: Array<{ account: string; report: CiReport }>, options: CiTextOptions = {}): string {
  return junitDocument(
    `scim-setup ${command}`,
    reports.map(({ account, report }) => junitSuite(report, `scim-setup ${command}: ${account}`, options, account)),
  );
}

interface JunitSuite {
  lines: string[];
  tests: number;
  failures: number;
  skipped: number;
}

function junitDocument(name: string, suites: JunitSuite[]): string {
  const total = (key: 'tests' | 'failures' | 'skipped') => suites.reduce((n, s) => n + s[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${total('tests')}" failures="${total('failures')}" skipped="${total('skipped')}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

function junitSuite(report: CiReport, name: string, options: CiTextOptions, account?: string): JunitSuite {
  const q = (text: string) => xml(quoted(text, options));
  const classname = `scim-setup.${xml(report.command)}${account ? `.${xml(account)}` : ''}`;
  const checks = report.checks ?? [];
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  const cases = checks.map((c) => {
    const detail = xml(quoted([c.summary, ...c.evidence, ...(c.fix ? [`fix: ${c.fix}`] : [])].join('\n'), options, 8 * MAX_QUOTE));
    const body =
      c.status === 'fail'
        ? `<failure type="fail" message="${q(c.summary)}">${detail}</failure>`
        : c.status === 'pending'
          ? `<failure type="pending" message="${q(`pending: ${c.summary}`)}">${detail}</failure>`
          : c.status === 'skipped'
            ? `<skipped message="${q(c.summary)}"/>`
            : `<system-out>${detail}</system-out>`;
    return `    <testcase classname="${classname}" name="${q(c.id)}">${body}</testcase>`;
  });
  const outcome = report.outcome && report.outcome.kind !== 'waiting' ? report.outcome : undefined;
  if (outcome)
    cases.push(
      `    <testcase classname="${classname}" name="run"><failure type="${outcome.kind}" message="${q(outcome.message)}">${q(
        outcome.fix ? `fix: ${outcome.fix}` : '',
      )}</failure></testcase>`,
    );
  const failures = count('fail') + count('pending') + (outcome ? 1 : 0);
  const tests = cases.length;
  const skipped = count('skipped');
  return {
    lines: [`  <testsuite name="${xml(name)}" tests="${tests}" failures="${failures}" skipped="${skipped}">`, ...cases, '  </testsuite>'],
    tests,
    failures,
    skipped,
  };
}

/**
 * Pure: the Markdown a GitHub Actions job summary shows: the plan, the guided step, the checks, how
 * the run ended. Every name and message is a code span; the whole stays under the budget, with a
 * note where it was cut.
 */
export function stepSummary(report: CiReport, options: CiTextOptions = {}, budget = SUMMARY_BUDGET): string {
  const c = (text: string) => codeSpan(quoted(text, options));
  const o = report.outcome;
  // A run that reports only how it ended (an error before any plan) heads its section with it.
  if (o && !report.actions && !report.manualSteps && !report.checks)
    return withinBudget([`## scim-setup ${report.command}: ${o.kind} (exit ${o.exitCode})`, '', ...outcomeLines(o, c)], budget);
  const out = [`## scim-setup ${report.command}`, ''];
  const changes = (report.actions ?? []).filter((a) => a.kind !== 'noop');
  if (report.actions) {
    out.push(`### Plan: ${changes.length} change${changes.length === 1 ? '' : 's'}`, '');
    if (changes.length)
      out.push('| | action |', '|---|---|', ...changes.map((a) => `| ${a.guided ? 'manual (unless by API)' : a.kind} | ${c(a.summary)} |`), '');
  }
  for (const step of report.manualSteps ?? []) {
    out.push(`### Waiting for a person: ${c(step.title)}`, '');
    // A link is ours (the org's admin console and the app's id): still, only a plain URL becomes one.
    if (step.link && /^https?:\/\/[^\s()<>[\]`]+$/.test(step.link)) out.push(`[Open it in the Okta admin console](${step.link})`, '');
    out.push(...step.steps.map((s) => `- [ ] ${c(s)}`), '');
  }
  if (report.checks) {
    out.push(
      '### Verification',
      '',
      '| status | check | summary |',
      '|---|---|---|',
      ...report.checks.map((k) => `| ${k.status.toUpperCase()} | ${c(k.id)} | ${c(k.summary)}${k.fix && k.status !== 'pass' ? `<br>fix: ${c(k.fix)}` : ''} |`),
      '',
    );
  }
  if (o) out.push(`### Result: ${o.kind} (exit ${o.exitCode})`, '', ...outcomeLines(o, c));
  return withinBudget(out, budget);
}

function outcomeLines(o: CiOutcome, c: (text: string) => string): string[] {
  return [c(o.message), '', ...(o.fix ? [`${o.kind === 'waiting' ? 'next' : 'fix'}: ${c(o.fix)}`, ''] : [])];
}

/** Lines kept whole while they fit; past the budget, a note says that the rest is in the log. */
function withinBudget(lines: string[], budget: number): string {
  const note = `\n_The summary was cut at ${Math.round(budget / 1024)} KiB; the run's log and its --json document hold the rest._\n`;
  let size = 0;
  const kept: string[] = [];
  for (const line of lines) {
    const bytes = Buffer.byteLength(line) + 1;
    if (size + bytes > budget - Buffer.byteLength(note)) return `${kept.join('\n')}\n${note}`;
    kept.push(line);
    size += bytes;
  }
  return kept.join('\n');
}

/** One annotation: its level, title and message, unescaped (the CI edge builds the workflow command). */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
}

/** Pure: annotations for failed, pending and warning checks, and for how the run ended; at most ten of a level. */
export function annotations(report: CiReport, options: CiTextOptions = {}): Annotation[] {
  const all: Annotation[] = (report.checks ?? []).flatMap((k): Annotation[] => {
    if (k.status !== 'fail' && k.status !== 'warn' && k.status !== 'pending') return [];
    const level = k.status === 'fail' ? 'error' : k.status === 'pending' ? 'notice' : 'warning';
    return [{ level, title: `scim-setup ${k.id}`, message: quoted(`${k.summary}${k.fix ? `. Fix: ${k.fix}` : ''}`, options, MAX_ANNOTATION) }];
  });
  const o = report.outcome;
  if (o) {
    const level = o.kind === 'failed' ? 'error' : o.kind === 'interrupted' ? 'warning' : 'notice';
    const next = o.fix ? `. ${o.kind === 'waiting' ? 'Next' : 'Fix'}: ${o.fix}` : '';
    all.push({ level, title: `scim-setup ${report.command} ${o.kind} (exit ${o.exitCode})`, message: quoted(`${o.message}${next}`, options, MAX_ANNOTATION) });
  }
  return (['error', 'warning', 'notice'] as const).flatMap((level) => {
    const of = all.filter((a) => a.level === level);
    if (of.length <= MAX_ANNOTATIONS) return of;
    const more = of.length - (MAX_ANNOTATIONS - 1);
    return [
      ...of.slice(0, MAX_ANNOTATIONS - 1),
      { level, title: `scim-setup ${more} more`, message: `${more} more ${level}s; the job summary and the log list them.` },
    ];
  });
}

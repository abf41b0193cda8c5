import type { Context } from '../../context.js';
import { parsePeriod } from '../../lib/duration.js';
import { ExitCode, InputError } from '../../lib/errors.js';
import { checkOutputPath, writeFileAtomic } from '../../lib/output-file.js';
import type { Reporter } from '../../lib/reporter.js';
import { requireApp } from '../../okta/observe.js';
import { closeFleet, eachAccount, fleetExitCode, openFleet, readConfig, type Fleet } from '../fleet.js';
import { makeReporter, openSession, withJsonErrors, type Session } from '../session.js';
import type { ReportOptions } from './declaration.js';
import { accessReport, withoutPeople, type AccessReport } from './document.js';
import { reportCsv } from './csv.js';
import { reportHtml } from './html.js';
import { readAccessEvidence } from './read.js';
import { reportLines } from './terminal.js';

const DEFAULT_PERIOD = '30d';
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** `npx scim-setup report`: read-only; who reaches the account outside Okta, and how fast Okta's removals landed. */
export async function run(options: ReportOptions, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  return withJsonErrors(reporter, 'report', ctx.signal, async () => {
    for (const [file, flag] of [
      [options.csv, '--csv'],
      [options.html, '--html'],
    ] as const)
      if (file !== undefined) await checkOutputPath(file, flag);
    const period = parsePeriod(options.since ?? DEFAULT_PERIOD, '--since');
    const { fleet, config } = await readConfig(options);
    const expectedOutside = expectedPeople([...(options.expectOutside ?? []), ...(config?.data.report?.expectedOutside ?? [])]);
    const how = { period, expectedOutside, options, ctx };
    if (fleet) return reportFleet(fleet, how, reporter);
    const session = await openSession(options, ctx, reporter, { defaultWait: '0s', scimTokenNeed: 'read', config });
    const { document, exitCode } = await reportAccount(session, how);
    reporter.result({ formatVersion: 1, command: 'report', ...document });
    return exitCode;
  });
}

interface How {
  period: number;
  expectedOutside: string[];
  options: ReportOptions;
  ctx: Context;
}

/** E-mail addresses as given; anything else is a slip to say before anything is read. */
function expectedPeople(given: string[]): string[] {
  const wrong = given.filter((e) => !EMAIL.test(e));
  if (wrong.length)
    throw new InputError(
      `--expect-outside (or report.expectedOutside) takes e-mail addresses; ${wrong.map((w) => `"${w}"`).join(', ')} is not one.`,
      'Give each person expected outside Okta by the e-mail Cloudflare lists them under, e.g. --expect-outside owner@example.com.',
    );
  return given;
}

/** One account's report: read, drawn up, written where asked, and shown. */
async function reportAccount(session: Session, how: How, account?: string): Promise<{ document: AccessReport; exitCode: number }> {
  const { inputs, reporter } = session;
  const app = await requireApp(session.okta, inputs);
  reporter.info(`Reporting on Okta app "${app.label}" (${app.id}) in ${inputs.orgUrl} → Cloudflare account ${inputs.accountId}`);
  const now = new Date(session.clock.now());
  const since = new Date(now.getTime() - how.period);
  const evidence = await readAccessEvidence(session, app, since, now);
  const made = accessReport(evidence, {
    orgUrl: inputs.orgUrl,
    accountId: inputs.accountId,
    app: { id: app.id, label: app.label },
    since,
    now,
    expectedOutside: how.expectedOutside,
  });
  const document = how.options.redactPii ? withoutPeople(made) : made;
  const files = { csv: fileFor(how.options.csv, account), html: fileFor(how.options.html, account) };
  if (files.csv) await writeFileAtomic(files.csv, reportCsv(document));
  if (files.html) await writeFileAtomic(files.html, reportHtml(document));
  // The rows a screen holds under the summary (two lines a row); off a terminal, a log's page.
  const rows = Math.max(3, Math.floor(((how.ctx.stdout.rows ?? 0) || 48) / 4) - 2);
  reporter.info(reportLines(document, reporter.style, rows, files).join('\n'));
  for (const file of [files.csv, files.html]) if (file) reporter.info(`Wrote ${file}`);
  const failing = how.options.failOnUngoverned && document.summary.unexpected > 0;
  return { document, exitCode: failing ? ExitCode.failed : ExitCode.ok };
}

/** A fleet account's file: the account's name before the extension (access.html → access.prod.html), so each opens as the one would. */
function fileFor(file: string | undefined, account: string | undefined): string | undefined {
  if (file === undefined || account === undefined) return file;
  const dot = file.lastIndexOf('.');
  const slash = file.lastIndexOf('/');
  return dot > slash + 1 ? `${file.slice(0, dot)}.${account}${file.slice(dot)}` : `${file}.${account}`;
}

/** Every account of a fleet reported at once; the exit code the most severe. */
async function reportFleet(fleet: Fleet, how: How, reporter: Reporter): Promise<number> {
  const runs = await openFleet(fleet, how.options, how.ctx, reporter, '0s', 'read');
  await eachAccount(
    runs,
    async (run) => {
      const { document, exitCode } = await reportAccount(run.session, how, run.member.name);
      run.document = { ...document };
      run.exitCode = exitCode;
    },
    how.ctx.signal,
  );
  await closeFleet(runs, 'report', fleet, { options: how.options, ctx: how.ctx, reporter }, {}, false);
  return fleetExitCode(runs);
}

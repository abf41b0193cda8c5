import type { Context } from '../context.js';
import type { VerifyOptions } from './options.js';
import { parseDuration } from '../lib/duration.js';
import { checkOutputPath } from '../lib/output-file.js';
import { requireApp } from '../okta/observe.js';
import { publishCiOutputs } from '../verify/ci-outputs.js';
import { DEFAULT_LOOKBACK_MS, runVerification, verificationExitCode, windowStart } from '../verify/run.js';
import { makeReporter, openSession, withJsonErrors } from './session.js';

/** `npx scim-setup verify`: read-only; one look by default (--wait 0), or poll up to --wait. */
export async function run(options: VerifyOptions, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  return withJsonErrors(reporter, 'verify', ctx.signal, async () => {
    if (options.junit !== undefined) await checkOutputPath(options.junit, '--junit');
    // Without a SCIM token, CLOUDFLARE_API_TOKEN reads SCIM and Okta's token is watched by its id (#25).
    const session = await openSession(options, ctx, reporter, '0s', undefined, 'read');
    const lookback = options.since === undefined ? DEFAULT_LOOKBACK_MS : parseDuration(options.since, '--since');
    const app = await requireApp(session.okta, session.inputs.appLabel, session.inputs.orgUrl);
    // What it looks at, as okta says it (#24 item 33).
    reporter.info(`Verifying Okta app "${app.label}" (${app.id}) in ${session.inputs.orgUrl} → Cloudflare account ${session.inputs.accountId}`);
    const { report } = await runVerification(session, {
      appId: app.id,
      since: windowStart(lookback, Date.now()),
      waitMs: session.inputs.waitMs,
      signal: ctx.signal,
    });
    await publishCiOutputs(
      { command: 'verify', checks: report.checks },
      { junit: options.junit, env: ctx.env, stderr: ctx.stderr, redactor: ctx.redactor, redactPii: options.redactPii },
    );
    // What was looked at, and the tally a reader wants first (#24 item 28), beside every check.
    const count = (status: string) => report.checks.filter((c) => c.status === status).length;
    reporter.result({
      formatVersion: 1,
      command: 'verify',
      orgUrl: session.inputs.orgUrl,
      accountId: session.inputs.accountId,
      app: { id: app.id, label: app.label },
      counts: { pass: count('pass'), fail: count('fail'), pending: count('pending'), warn: count('warn'), skipped: count('skipped') },
      checks: report.checks,
      rounds: report.rounds,
    });
    return verificationExitCode(report.checks);
  });
}

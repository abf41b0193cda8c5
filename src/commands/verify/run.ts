import type { Context } from '../../context.js';
import type { VerifyOptions } from './declaration.js';
import type { VerifyFields } from './document.js';
import { parseDuration } from '../../lib/duration.js';
import { checkOutputPath } from '../../lib/output-file.js';
import type { Reporter } from '../../lib/reporter.js';
import { requireApp } from '../../okta/observe.js';
import { publishCiOutputs } from '../../verify/ci-outputs.js';
import { DEFAULT_LOOKBACK_MS, runVerification, verificationExitCode, windowStart } from '../../verify/run.js';
import { closeFleet, eachAccount, fleetExitCode, openFleet, readConfig, type Fleet } from '../fleet.js';
import { makeReporter, openSession, withJsonErrors, type Session } from '../session.js';

/** `npx scim-setup verify`: read-only; one look by default (--wait 0), or poll up to --wait. */
export async function run(options: VerifyOptions, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  return withJsonErrors(reporter, 'verify', ctx.signal, async () => {
    if (options.junit !== undefined) await checkOutputPath(options.junit, '--junit');
    const lookback = options.since === undefined ? DEFAULT_LOOKBACK_MS : parseDuration(options.since, '--since');
    const { fleet, config } = await readConfig(options);
    if (fleet) return verifyFleet(fleet, options, ctx, reporter, lookback);
    // Without a SCIM token, CLOUDFLARE_API_TOKEN reads SCIM and Okta's token is watched by its id.
    const session = await openSession(options, ctx, reporter, { defaultWait: '0s', scimTokenNeed: 'read', config });
    const { document, exitCode, checks } = await verifyAccount(session, lookback, ctx.signal);
    await publishCiOutputs(
      { command: 'verify', checks },
      { junit: options.junit, env: ctx.env, stderr: ctx.stderr, redactor: ctx.redactor, redactPii: options.redactPii },
    );
    reporter.result({ formatVersion: 1, command: 'verify', ...document });
    return exitCode;
  });
}

/** One account verified: its app found by label, then the checks, polled up to --wait. */
async function verifyAccount(session: Session, lookback: number, signal: AbortSignal) {
  const { inputs, reporter } = session;
  const app = await requireApp(session.okta, inputs);
  // What it looks at, as okta says it.
  reporter.info(`Verifying Okta app "${app.label}" (${app.id}) in ${inputs.orgUrl} → Cloudflare account ${inputs.accountId}`);
  const { report } = await runVerification(session, { appId: app.id, since: windowStart(lookback, session.clock.now()), waitMs: inputs.waitMs, signal });
  // What was looked at, and the tally a reader wants first, beside every check.
  const count = (status: string) => report.checks.filter((c) => c.status === status).length;
  const document: VerifyFields = {
    orgUrl: inputs.orgUrl,
    accountId: inputs.accountId,
    app: { id: app.id, label: app.label },
    counts: { pass: count('pass'), fail: count('fail'), pending: count('pending'), warn: count('warn'), skipped: count('skipped') },
    checks: report.checks,
    rounds: report.rounds,
  };
  return { document, exitCode: verificationExitCode(report.checks), checks: report.checks };
}

/** Every account of a fleet verified at once; one account's failure is its own, the exit code the most severe. */
async function verifyFleet(fleet: Fleet, options: VerifyOptions, ctx: Context, reporter: Reporter, lookback: number): Promise<number> {
  const runs = await openFleet(fleet, options, ctx, reporter, '0s', 'read');
  await eachAccount(
    runs,
    async (run) => {
      const { document, exitCode, checks } = await verifyAccount(run.session, lookback, ctx.signal);
      run.document = document;
      run.exitCode = exitCode;
      run.ci = { command: 'verify', checks };
    },
    ctx.signal,
  );
  await closeFleet(runs, 'verify', fleet, { options, ctx, reporter }, {}, false);
  return fleetExitCode(runs);
}

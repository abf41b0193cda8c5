import { applyPlan, partialApply, type ApplyResult, type HeldScimToken } from '../apply/apply.js';
import { observeScimTokens } from '../cloudflare/account-tokens.js';
import { scimTokenName } from '../plan/scim-token.js';
import { renderManualStep } from '../plan/guided-step.js';
import type { Context } from '../context.js';
import type { OktaOptions } from './options.js';
import { ExitCode, InputError, PendingError } from '../lib/errors.js';
import { checkOutputPath } from '../lib/output-file.js';
import { observeRoles } from '../cloudflare/roles.js';
import { observe } from '../okta/observe.js';
import { plan as makePlan } from '../plan/planner.js';
import { renderPlan, summarize } from '../plan/render.js';
import { toSavedPlan } from '../plan/saved-plan.js';
import { PlanFile } from './plan-file.js';
import { findDrift } from '../plan/drift.js';
import { hasChanges, provisioningOn } from '../plan/types.js';
import { checkScimToken } from '../cloudflare/scim-proof.js';
import { readBothSides } from '../verify/collect.js';
import { confirmOrCancel } from './confirmation.js';
import { readUnprovisioned } from '../okta/unprovisioned.js';
import { publishCiOutputs } from '../verify/ci-outputs.js';
import type { CiReport } from '../verify/ci-report.js';
import { expectedActivity } from '../verify/expected.js';
import { DEFAULT_LOOKBACK_MS, runVerification, verificationExitCode, windowStart } from '../verify/run.js';
import { errorDocument, makeReporter, openSession, withJsonErrors } from './session.js';

/** `npx scim-setup okta`: read → plan → confirm → apply → verify. */
export async function run(options: OktaOptions, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  return withJsonErrors(reporter, 'okta', ctx.signal, async () => {
    if (options.detailedExitcode && !options.dryRun) throw new InputError('--detailed-exitcode goes with --dry-run.', 'Add --dry-run.');
    const planFile = await PlanFile.open('okta', options);
    if (options.junit !== undefined) await checkOutputPath(options.junit, '--junit');
    const ci = (report: Omit<CiReport, 'command'>) =>
      publishCiOutputs(
        { command: 'okta', ...report },
        { junit: options.junit, env: ctx.env, stderr: ctx.stderr, redactor: ctx.redactor, redactPii: options.redactPii },
      );
    // Without a SCIM token, CLOUDFLARE_API_TOKEN makes one (#25).
    const session = await openSession(options, ctx, reporter, '2m', planFile.inputs, 'create');
    const { okta, scim, inputs, desired, interactivity } = session;
    const startedAt = new Date();
    planFile.admit({ orgUrl: inputs.orgUrl, desired }, reporter);

    const reading = reporter.task('reading Okta and Cloudflare');
    const tokens = inputs.tokenCreation && session.read ? observeScimTokens(session.read, scimTokenName(inputs.appLabel)) : Promise.resolve(undefined);
    const [scimTokenProof, observed, roles, scimTokens] = await Promise.all([
      checkScimToken(scim),
      observe(okta, desired),
      observeRoles(scim, desired.groupRoles),
      tokens,
    ])
      .then(async ([proof, { observed, assignments }, roles, scimTokens]) => {
        // Once the app provisions, both sides are compared: drift Okta will not repair by itself is planned here.
        const app = observed.app;
        if (app && assignments && provisioningOn(app.features)) {
          const sides = await readBothSides(okta, scim, app.id, desired.pushGroups, true, { settleMs: inputs.settleMs, known: assignments });
          observed.drift = findDrift(sides);
          observed.unprovisioned = await readUnprovisioned(okta, inputs.orgUrl, app.id, sides.appUsers, assignments.groups);
        }
        return [proof, observed, roles, scimTokens] as const;
      })
      .catch((error) => {
        reading.fail('reading Okta and Cloudflare: failed');
        throw error;
      });
    reading.succeed(`read Okta (${inputs.orgUrl}) and Cloudflare (account ${inputs.accountId})`);

    observed.roles = roles;
    observed.scimTokens = scimTokens;
    const plan = makePlan(desired, observed);
    const saved = toSavedPlan(plan, desired, inputs.orgUrl, inputs.accountId, observed.app?.id, startedAt);
    planFile.refuseStale(saved);
    if (!reporter.json || options.dryRun)
      reporter.info(`\n${renderPlan(plan, reporter.style, `Okta app "${desired.appLabel}" in ${inputs.orgUrl} → Cloudflare account ${inputs.accountId}`)}\n`);
    await planFile.save(saved, ctx, reporter);
    const document = {
      formatVersion: 1,
      command: 'okta',
      orgUrl: inputs.orgUrl,
      accountId: inputs.accountId,
      app: observed.app ? { id: observed.app.id, label: observed.app.label } : null,
      changes: hasChanges(plan),
      summary: summarize(plan),
      actions: plan.actions,
      warnings: plan.warnings,
    };

    if (options.dryRun) {
      // What to do next, where there is something to do (#24 item 23).
      if (hasChanges(plan) && !options.out)
        reporter.info('Next: run the same command without --dry-run to apply it, or save it for review with --dry-run --out plan.json.');
      await ci({ actions: plan.actions });
      const changes = Boolean(options.detailedExitcode && hasChanges(plan));
      reporter.result({ ...document, dryRun: true, ...(changes ? { status: 'changes' } : {}) });
      return changes ? ExitCode.usage : ExitCode.ok;
    }

    let applied: ApplyResult = { appId: observed.app?.id, applied: [], manualSteps: [] };
    const heldToken: HeldScimToken = { value: inputs.scimToken };
    if (hasChanges(plan)) {
      const declined = await confirmOrCancel(
        {
          ask: 'Apply these changes?',
          doing: 'Applying changes',
          yesHint: 'Pass --yes to apply without asking, or review a saved plan: --dry-run --out plan.json, then --plan plan.json.',
          cancelled: 'Apply cancelled; nothing was changed.',
        },
        { yes: options.yes, applying: planFile.applying, interactivity },
        { ctx, reporter, document },
      );
      if (declined !== undefined) return declined;
      applied = await applyPlan(plan, observed.app?.id, {
        okta,
        scim,
        scimToken: heldToken,
        tokenApi: inputs.tokenCreation ? session.read : undefined,
        clientFor: session.clientFor,
        roles,
        groupRoles: desired.groupRoles,
        inputs,
        reporter,
        interactive: interactivity.interactive,
        signal: ctx.signal,
        revealToken: Boolean(options.revealToken),
        waitMs: interactivity.interactive && !session.waitExplicit ? undefined : inputs.waitMs,
      }).catch(async (error) => {
        const partial = partialApply(error);
        if (error instanceof PendingError || partial) {
          await ci({ actions: plan.actions, manualSteps: partial?.manualSteps ?? [] });
          reporter.result({
            ...document,
            dryRun: false,
            applied: partial?.applied ?? [],
            manualSteps: partial?.manualSteps ?? [],
            app: partial?.appId ? { id: partial.appId, label: desired.appLabel } : document.app,
            // The same `error` every command's document carries when it stops on one (#23 item 2).
            error: errorDocument(error, ctx.signal),
          });
        }
        throw error;
      });
    } else {
      reporter.info('Nothing to change: Okta is already set up as planned.');
    }
    for (const step of applied.manualSteps) reporter.warn(`manual step left:\n${renderManualStep(step)}`);

    const appId = applied.appId;
    // A token this run made is the SCIM client from here: verification reads SCIM as Okta will.
    const made = heldToken.made;
    if (made) session.scim = made.client;
    const verification =
      options.verify === false || !appId
        ? undefined
        : await runVerification(session, {
            appId,
            // verify's window, which the run's own start never falls outside of: one window, one verdict (#24 item 7).
            since: windowStart(DEFAULT_LOOKBACK_MS, Date.now(), startedAt),
            waitMs: inputs.waitMs,
            expected: expectedActivity(plan.actions, applied.applied, observed.groups),
            signal: ctx.signal,
            scimTokenProof: made?.proof ?? scimTokenProof,
            madeTokenId: made?.id,
          });
    if (options.verify === false && appId) reporter.info('Next: prove it with `npx scim-setup verify --wait 5m` once Okta has provisioned.');
    await ci({ actions: plan.actions, manualSteps: applied.manualSteps, checks: verification?.report.checks });
    reporter.result({
      ...document,
      dryRun: false,
      app: appId ? { id: appId, label: desired.appLabel } : null,
      applied: applied.applied,
      manualSteps: applied.manualSteps,
      verification: verification?.report,
    });
    if (applied.manualSteps.length > 0) return ExitCode.pending;
    return verification ? verificationExitCode(verification.report.checks) : ExitCode.ok;
  });
}

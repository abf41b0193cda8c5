import { applyPlan, handsTokenToOkta, type ApplyResult } from './steps.js';
import type { HeldScimToken } from '../../apply/scim-token-steps.js';
import type { OktaOperation } from './operation.js';
import type { OktaFields, OktaOutcomeFields } from './document.js';
import { observeScimTokens } from '../../cloudflare/account-tokens.js';
import { tokenExpectation } from '../../plan/scim-token.js';
import { appTokens, refuseForeignTokens } from '../../plan/token-ownership.js';
import { renderManualStep } from '../../plan/guided-step.js';
import type { Context } from '../../context.js';
import type { OktaOptions } from './declaration.js';
import { ExitCode, InputError, PendingError } from '../../lib/errors.js';
import { checkOutputPath } from '../../lib/output-file.js';
import { observeRoles } from '../../cloudflare/roles.js';
import { observe } from '../../okta/observe.js';
import { plan as makePlan } from './plan.js';
import { summarize } from '../../plan/render.js';
import { findDrift } from '../../plan/drift.js';
import { hasChanges, provisioningOn, type Plan } from '../../plan/types.js';
import { checkScimToken, proveScimWriteByPolicies } from '../../cloudflare/scim-proof.js';
import { readBothSides } from '../../verify/collect.js';
import { readUnprovisioned } from '../../okta/unprovisioned.js';
import { publishCiOutputs } from '../../verify/ci-outputs.js';
import type { CiReport } from '../../verify/ci-report.js';
import { expectedActivity } from '../../verify/expected.js';
import { DEFAULT_LOOKBACK_MS, runVerification, verificationExitCode, windowStart } from '../../verify/run.js';
import { refuseRevealOffTerminal, type Session } from '../session.js';
import { runPlanning, type Outcome, type Planned, type PlanningCommand } from '../lifecycle.js';
import type { Observed } from '../../plan/observed.js';
import { appLabelHint } from '../../lib/inputs.js';

/** `npx scim-setup okta`: read → plan → confirm → apply → verify. */
export function run(options: OktaOptions, ctx: Context): Promise<number> {
  return runPlanning(oktaCommand(options, ctx), options, ctx);
}

interface OktaPlanned extends Planned<OktaOperation> {
  document: OktaFields;
  appLabel: string;
  observed: Observed;
  roles: Observed['roles'];
  /** The SCIM token's proof at the reading, reused by the verification's first round. */
  scimTokenProof: string;
  /** The given SCIM token's right to write SCIM, proved by its policies while planning, where the plan hands it to Okta. */
  scimWriteProof?: string;
  startedAt: Date;
  /** The job summary, annotations and JUnit file, written once the run's outcome is known. */
  ci(report: Omit<CiReport, 'command'>): Promise<void>;
}

function oktaCommand(options: OktaOptions, ctx: Context): PlanningCommand<Record<string, never>, OktaPlanned, OktaOutcomeFields> {
  return {
    name: 'okta',
    // Without a SCIM token, CLOUDFLARE_API_TOKEN makes one.
    scimTokenNeed: 'create',
    asksWhatToProvision: true,
    async preflight(ctx) {
      refuseRevealOffTerminal(options, ctx);
      if (options.junit !== undefined) await checkOutputPath(options.junit, '--junit');
    },
    plan: (session) => planOkta(session, options, ctx),
    async dryRun({ plan, ci }, session) {
      // What to do next, where there is something to do.
      // A fleet says it once, for all its accounts (fleet-scope.ts).
      if (hasChanges(plan) && !options.out && !session.handCiReportToFleet)
        session.reporter.info('Next: run the same command without --dry-run to apply it, or save it for review with --dry-run --out plan.json.');
      await ci({ actions: plan.actions });
      return { exitCode: ExitCode.ok };
    },
    question: () => ({
      ask: 'Apply these changes?',
      doing: 'Applying changes',
      yesHint: 'Pass --yes to apply without asking, or review a saved plan: --dry-run --out plan.json, then --plan plan.json.',
      cancelled: 'Apply cancelled; nothing was changed.',
    }),
    execute: (planned, session, _flags, result, changes) => applyAndVerify(planned, session, result, changes, options),
    async stopped({ plan, ci, document, appLabel }, done, error) {
      const { appId } = done;
      if (error instanceof PendingError || done.applied.length > 0) await ci({ actions: plan.actions, manualSteps: done.manualSteps });
      // The app a run made before it stopped is named, as a finished run names it.
      return { app: appId ? { id: appId, label: appLabel } : document.app };
    },
  };
}

/** Both services read at one moment (and, once the app provisions, both sides compared), then the plan. */
async function planOkta(session: Session, options: OktaOptions, ctx: Context): Promise<OktaPlanned> {
  const { okta, scim, inputs, desired, reporter } = session;
  const startedAt = new Date(session.clock.now());
  const reading = reporter.task('reading Okta and Cloudflare');
  const tokens = inputs.tokenCreation && session.accountApi ? observeScimTokens(session.accountApi) : Promise.resolve(undefined);
  const observing = observe(okta, desired);
  const check = checkScimToken(scim);
  // Once the app provisions, both sides are compared (drift Okta will not repair by itself is planned
  // here): Cloudflare's listings with the token proven to read them, beside the app's assignments.
  const sides = Promise.all([observing.app, check]).then(([app]) =>
    app && provisioningOn(app.features ?? [])
      ? readBothSides(okta, scim, app.id, desired.pushGroups, true, { settleMs: inputs.settleMs, known: observing.assignments })
      : undefined,
  );
  const [scimTokenProof, observed, roles, scimTokens] = await Promise.all([check, observing.whole, observeRoles(scim, desired.groupRoles), tokens, sides])
    .then(async ([proof, { observed, assignments }, roles, scimTokens, sides]) => {
      const app = observed.app;
      // A token named for this app that scim-setup cannot prove it made: the run touches nothing.
      if (scimTokens && inputs.tokenCreation)
        refuseForeignTokens(appTokens(scimTokens.tokens, app?.id, tokenExpectation(scimTokens, inputs.accountId, inputs.tokenCreation)).foreign);
      if (app && assignments && sides) {
        observed.drift = findDrift(sides);
        observed.unprovisioned = await readUnprovisioned(okta, inputs.orgUrl, app.id, sides.appUsers, assignments.groups);
      }
      return [proof, observed, roles, scimTokens] as const;
    })
    .catch((error) => {
      // A name the reads found unknown (a group, a user, a role) is the input's fault: its hint alone is said, not a failed read.
      if (error instanceof InputError) reading.clear();
      else reading.fail('reading Okta and Cloudflare: failed');
      throw error;
    });
  reading.succeed(`read Okta (${inputs.orgUrl}) and Cloudflare (account ${inputs.accountId})`);
  observed.roles = roles;
  observed.scimTokens = scimTokens;
  const plan = makePlan(desired, observed, (label) => appLabelHint(label, inputs.appLabelIn));
  const scimWriteProof = await proveGivenTokenByPolicies(session, plan);
  return {
    plan,
    appLabel: desired.appLabel,
    observed,
    roles,
    scimTokenProof,
    scimWriteProof,
    startedAt,
    appId: observed.app?.id,
    title: `Okta app "${desired.appLabel}" in ${inputs.orgUrl} → Cloudflare account ${inputs.accountId}`,
    document: {
      orgUrl: inputs.orgUrl,
      accountId: inputs.accountId,
      app: observed.app ? { id: observed.app.id, label: observed.app.label } : null,
      changes: hasChanges(plan),
      summary: summarize(plan),
      actions: plan.actions,
      warnings: plan.warnings,
    },
    ci: async (report) =>
      session.handCiReportToFleet
        ? session.handCiReportToFleet({ command: 'okta', ...report })
        : publishCiOutputs(
            { command: 'okta', ...report },
            { junit: options.junit, env: ctx.env, stderr: ctx.stderr, redactor: ctx.redactor, redactPii: options.redactPii },
          ),
  };
}

/**
 * A dry run performs every read the apply would (DESIGN §2): where the plan hands Okta the SCIM token
 * given and CLOUDFLARE_API_TOKEN may read its record, its policies are read now, so that a token that
 * may not write SCIM is refused (exit 4) before anything is planned, let alone written. Where the
 * record cannot be read, the proof left is a write (a probe), which only the apply sends.
 */
async function proveGivenTokenByPolicies(session: Session, plan: Plan<OktaOperation>): Promise<string | undefined> {
  if (!session.inputs.scimToken || !session.accountApi || !handsTokenToOkta(plan)) return undefined;
  const task = session.reporter.task('prove the SCIM token may write SCIM');
  const proof = await proveScimWriteByPolicies(session.scim, session.accountApi).catch((error: unknown) => {
    task.fail('prove the SCIM token may write SCIM: refused');
    throw error;
  });
  if (proof) task.succeed(`prove the SCIM token may write SCIM: ${proof}`);
  else task.clear();
  return proof;
}

/** The plan applied (where it changes anything), then proved by reading Cloudflare back. */
async function applyAndVerify(
  planned: OktaPlanned,
  session: Session,
  result: ApplyResult,
  changes: boolean,
  options: OktaOptions,
): Promise<Outcome<OktaOutcomeFields>> {
  const { reporter, inputs, desired, interactivity } = session;
  const { plan, observed, roles } = planned;
  result.appId = observed.app?.id;
  const heldToken: HeldScimToken = { value: inputs.scimToken };
  if (changes)
    await applyPlan(plan, result, {
      okta: session.okta,
      scim: session.scim,
      scimToken: heldToken,
      tokenApi: inputs.tokenCreation ? session.accountApi : undefined,
      accountApi: session.accountApi,
      clientFor: session.clientFor,
      roles,
      groupRoles: desired.groupRoles,
      inputs,
      reporter,
      interactive: interactivity.interactive,
      signal: session.signal,
      revealToken: Boolean(options.revealToken),
      tokenOut: session.tokenOut,
      scimWriteProved: planned.scimWriteProof !== undefined,
      waitMs: interactivity.interactive && !session.waitExplicit ? undefined : inputs.waitMs,
    });
  else reporter.info('Nothing to change: Okta is already set up as planned.');
  for (const step of result.manualSteps) reporter.warn(`manual step left:\n${renderManualStep(step)}`);

  const appId = result.appId;
  // A token this run made is the SCIM client from here, where it may be used here: verification reads SCIM as Okta will.
  const made = heldToken.made;
  if (made?.usableHere) session.scim = made.client;
  const verification =
    options.verify === false || !appId
      ? undefined
      : await runVerification(session, {
          appId,
          // verify's window, which the run's own start never falls outside of: one window, one verdict.
          since: windowStart(DEFAULT_LOOKBACK_MS, session.clock.now(), planned.startedAt),
          waitMs: inputs.waitMs,
          expected: expectedActivity(plan.actions, result.applied, observed.groups),
          signal: session.signal,
          // A made token Cloudflare refuses to this machine (outside its ranges) is verified as verify does with no token
          // held: SCIM read with CLOUDFLARE_API_TOKEN, and Okta's token told by its own requests in the audit log.
          ...(made && !made.usableHere ? {} : { scimTokenProof: made?.proof ?? planned.scimTokenProof, madeTokenId: made?.id }),
          // The given token's write proof, where planning made it; a made token is proved when made.
          scimWriteProof: made ? undefined : planned.scimWriteProof,
        });
  if (options.verify === false && appId) reporter.info('Next: prove it with `npx scim-setup verify --wait 5m` once Okta has provisioned.');
  await planned.ci({ actions: plan.actions, manualSteps: result.manualSteps, checks: verification?.report.checks });
  const document = { app: appId ? { id: appId, label: desired.appLabel } : null, verification: verification?.report };
  if (result.manualSteps.length > 0) return { document, exitCode: ExitCode.pending };
  return { document, exitCode: verification ? verificationExitCode(verification.report.checks) : ExitCode.ok };
}

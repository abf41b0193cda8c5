import { renderManualStep, tokenGuidedStep } from '../../plan/guided-step.js';
import { isOktaRequest, oktaLatestTokenId, oktaOtherTokenIds, oktaRequests, oktaRequestsWith, oktaTraffic, type AuditEntry } from '../../cloudflare/audit.js';
import { listAccountTokens, revokeAccountToken, scimPermissionGroup, verifiedToken, withRecord } from '../../cloudflare/account-tokens.js';
import { handoverOrigin, heldValue, makeScimToken, showStep, type HeldScimToken } from '../../apply/scim-token-steps.js';
import type { RotateOperation } from './operation.js';
import type { RotateFields, RotateOutcomeFields } from './document.js';
import type { TokenCreation } from '../../lib/inputs.js';
import { describeCreation } from '../../plan/scim-token.js';
import { appTokens, ownTokens, refuseForeignTokens, scimTokenName } from '../../plan/token-ownership.js';
import type { Context } from '../../context.js';
import type { RotateTokenOptions } from './declaration.js';
import { readOkta } from '../../okta/reads.js';
import { ExitCode, InputError, PendingError, RemoteError } from '../../lib/errors.js';
import { maskToken } from '../../lib/redact.js';
import { untrusted } from '../../lib/terminal-text.js';
import { runActions, type RunResult } from '../../apply/executor.js';
import { planRotation, repushMapping, planTokenRotation } from './plan.js';
import { summarize } from '../../plan/render.js';
import { pollUntil } from '../../lib/poll.js';
import { OktaRequestError } from '../../okta/errors.js';
import { requireApp } from '../../okta/observe.js';
import { provisioningOn, requestsOf, type Action } from '../../plan/types.js';
import { checkScimToken, proveScimWrite, proveScimWriteByPolicies } from '../../cloudflare/scim-proof.js';
import { readClient, refuseRevealOffTerminal, type Session } from '../session.js';
import { runPlanning, type Outcome, type Planned, type PlanningCommand } from '../lifecycle.js';
import { writeOkta } from '../../okta/writes.js';
import type { CloudflareClient } from '../../cloudflare/client.js';

/**
 * `npx scim-setup rotate-token`: CLOUDFLARE_SCIM_TOKEN holds the new token. It is proved against
 * Cloudflare first, then handed to Okta (by API where Okta takes it, else a guided step for the
 * token field alone), then proved in use: a push after the change, made with the new token.
 */
export function run(options: RotateTokenOptions, ctx: Context): Promise<number> {
  return runPlanning(rotateCommand(options), options, ctx);
}

interface RotatePlanned extends Planned<RotateOperation> {
  document: RotateFields;
  app: { id: string; label: string };
  /** What proved each step, as the run goes: in every document. */
  steps: Array<{ step: string; result: string }>;
  held: HeldScimToken;
  /** The new token's id: known now for a token given or adopted, once made for a new one. */
  newTokenId?: string;
  alreadyInUse?: string;
  byApi: boolean;
  made: boolean;
  /** The new token given was proved able to write SCIM by its policies while planning. */
  writeProved: boolean;
  /** Okta's own requests with the new token, seen after the hand-over (or by an earlier run): the one thing that lets old tokens go. */
  provedInUse?: string;
}

function rotateCommand(options: RotateTokenOptions): PlanningCommand<Record<string, never>, RotatePlanned, RotateOutcomeFields> {
  return {
    name: 'rotate-token',
    scimTokenNeed: options.create ? 'create' : 'required',
    preflight: (ctx) => refuseRevealOffTerminal(options, ctx),
    plan(session) {
      refuseUnprovable(session, Boolean(options.create));
      return planRotate(session);
    },
    question: () => ({
      ask: 'Hand Okta the new token?',
      doing: 'Handing Okta the new token',
      yesHint: 'Pass --yes to rotate without asking (rotate-token --dry-run shows what it would do).',
      cancelled: 'Rotation cancelled; Okta keeps its token.',
    }),
    execute: (planned, session, _flags, result, changes) => executeRotate(planned, session, result, changes, Boolean(options.revealToken)),
    stopped: async (planned) => ({ byApi: planned.byApi }),
  };
}

/** The new token proved against Cloudflare (a given one now; a made one when made), the app read, and the rotation planned. */
/**
 * Said before anything is read, from this account's inputs (a fleet's accounts each have their own):
 * --create with a token given too leaves unclear which one Okta is to get; without the read token the
 * rotation cannot be proved, so it would end pending.
 */
function refuseUnprovable(session: Session, create: boolean): void {
  const { inputs } = session;
  const given = inputs.tokenEnv.scim ?? 'CLOUDFLARE_SCIM_TOKEN';
  if (create && inputs.scimToken)
    throw new InputError(
      `--create makes the new SCIM token, and a SCIM token is given too (${given} or --scim-token-file).`,
      `Unset ${given} (and drop --scim-token-file) to let scim-setup make the token, or drop --create to hand Okta the token given.`,
    );
  if (!session.accountApi)
    throw new InputError(
      'rotate-token proves that Okta uses the new token through Cloudflare\'s audit log, and reading it needs CLOUDFLARE_API_TOKEN ("Account Settings: Read").',
      'Set CLOUDFLARE_API_TOKEN (or --cloudflare-token-file), then run rotate-token again. Nothing was changed.',
    );
}

async function planRotate(session: Session): Promise<RotatePlanned> {
  const { okta, scim, inputs, reporter } = session;
  const steps: RotatePlanned['steps'] = [];
  if (inputs.scimToken) {
    const proved = await checkScimToken(scim);
    steps.push({ step: 'prove the new token against Cloudflare', result: proved });
    reporter.task('prove the new token against Cloudflare').succeed(`prove the new token against Cloudflare: ${proved}`);
  }
  const app = await requireApp(okta, inputs);
  if (!provisioningOn(app.features ?? []))
    throw new InputError(
      `Provisioning is not on for app ${app.id}, so there is no token to rotate.`,
      'Run `npx scim-setup okta` to set provisioning up with this token.',
    );
  const [mappings, made] = await Promise.all([
    readOkta.pushMappings(okta, app.id),
    inputs.tokenCreation ? planMadeToken(session, app, inputs.tokenCreation) : undefined,
  ]);
  // A given token's own verification, read once: its id now, and its record for the write proof below.
  const verified = made ? undefined : await verifiedToken(scim);
  const newTokenId = made ? made.newTokenId : verified?.id;
  const alreadyRotated = made ? made.alreadyInUse : await alreadyInUse(session, app.id, newTokenId as string);
  const actions = [
    ...(made ? [made.make] : []),
    ...planRotation({ app, alreadyInUse: alreadyRotated, repushMappingId: repushMapping(mappings) }, inputs.scimBaseUrl),
    ...(made?.revoke ? [made.revoke] : []),
  ];
  const plan = { actions, warnings: made?.notes ?? [] };
  // As okta's dry run: the new token given is proved able to write SCIM by its policies while planning, where
  // Okta is to be given it (a made one is proved when made); the hand-over then uses this proof.
  const writeProof =
    verified && inputs.scimToken && session.accountApi && actions.some((a) => a.operation?.kind === 'token-handover')
      ? await proveScimWriteByPolicies(scim, session.accountApi, undefined, withRecord(verified, session.accountApi))
      : undefined;
  if (writeProof) {
    steps.push({ step: 'prove the new token may write SCIM', result: writeProof });
    reporter.task('prove the new token may write SCIM').succeed(`prove the new token may write SCIM: ${writeProof}`);
  }
  return {
    plan,
    writeProved: writeProof !== undefined,
    app: { id: app.id, label: app.label },
    appId: app.id,
    title: `Rotate the SCIM token of Okta app "${app.label}" to ${inputs.scimToken ? maskToken(inputs.scimToken) : 'a token scim-setup makes'}`,
    document: { app: { id: app.id, label: app.label }, actions, warnings: plan.warnings, summary: summarize(plan), steps },
    steps,
    held: { value: inputs.scimToken },
    newTokenId,
    alreadyInUse: alreadyRotated,
    provedInUse: alreadyRotated,
    byApi: false,
    made: made !== undefined,
  };
}

async function executeRotate(
  planned: RotatePlanned,
  session: Session,
  result: RunResult,
  changes: boolean,
  revealToken: boolean,
): Promise<Outcome<RotateOutcomeFields>> {
  const { reporter } = session;
  const { app, steps, held, plan } = planned;
  if (!changes) {
    steps.push({ step: 'Okta already uses the new token', result: planned.alreadyInUse ?? '' });
    reporter.info('Nothing to change: Okta already uses the new token.');
    return { document: { byApi: false, alreadyRotated: true }, exitCode: ExitCode.ok };
  }
  const changedAt = new Date(session.clock.now() - 1000);
  // okta's wait policy: on a terminal, an admin's step is waited for until Ctrl-C unless --wait says otherwise.
  const waitMs = session.interactivity.interactive && !session.waitExplicit ? Number.POSITIVE_INFINITY : session.inputs.waitMs;
  await runActions(plan.actions, { reporter, signal: session.signal }, result, async (action, progress) => {
    const op = action.operation;
    switch (op?.kind) {
      case 'make-scim-token': {
        const outcome = await makeScimToken(op, app.id, { ...applyDepsOf(session, held), signal: session.signal }, progress);
        planned.newTokenId = held.made?.id;
        steps.push({ step: action.summary, result: outcome });
        return outcome;
      }
      case 'revoke-scim-tokens': {
        // Never before Okta's own requests with the new token are seen: the old one may be all Okta has.
        if (planned.provedInUse === undefined)
          throw new PendingError(
            `The old token${op.ids.length > 1 ? 's are' : ' is'} kept (${op.ids.join(', ')}): Okta has not been seen using the new one yet, so revoking could cut provisioning.`,
            'Once Okta pushes with the new token (push a group, or wait for its next push), re-run rotate-token: it revokes them then.',
          );
        const api = readClient(session, 'rotate-token');
        const outcomes = [];
        for (const id of op.ids) outcomes.push(`${id} ${await revokeAccountToken(api, id)}`);
        steps.push({ step: action.summary, result: outcomes.join('; ') });
        return outcomes.join('; ');
      }
      case 'token-handover': {
        // A token given is proved able to write SCIM before Okta holds it (a made one was, when made).
        if (!planned.made && !planned.writeProved)
          steps.push({ step: 'prove the new token may write SCIM', result: await proveScimWrite(session.scim, { api: session.accountApi }) });
        planned.byApi = await handToOktaByApi(session, app.id, heldValue(held));
        if (planned.byApi) return 'by the provisioning connection API';
        await showGuidedStep(session, app.id, held, revealToken);
        // Not ticked before it happens: the hand-over is done when Okta uses the new token.
        const proofAction = plan.actions.find((a) => a.operation?.kind === 'token-proof');
        if (!proofAction || proofAction.kind === 'manual') return 'shown as the guided step above; nothing can prove it yet (see the next step)';
        progress('waiting for an admin to put the new token on the Provisioning tab (the guided step above)');
        planned.provedInUse = await proveInUse(session, proofAction, app.id, requireId(planned.newTokenId), changedAt, progress, waitMs);
        return `by an admin, through the guided step: ${planned.provedInUse}`;
      }
      case 'token-proof': {
        const proof = await proveInUse(session, action, app.id, requireId(planned.newTokenId), changedAt, progress, waitMs);
        planned.provedInUse = proof;
        steps.push({ step: action.summary, result: proof });
        return proof;
      }
      default:
        throw new RemoteError(`internal: ${action.id} is not a step of a rotation`);
    }
  });
  const document = { byApi: planned.byApi };
  if (result.manualSteps.length > 0) {
    for (const step of result.manualSteps) reporter.warn(`manual step left:\n${renderManualStep(step)}`);
    return { document, exitCode: ExitCode.pending };
  }
  // The notes name token ids the audit log gave: one neutralised line each.
  for (const note of plan.warnings) reporter.warn(untrusted(note));
  if (!planned.made) reporter.info(await revokeByHand(session, requireId(planned.newTokenId)));
  return { document, exitCode: ExitCode.ok };
}

/**
 * The by-hand last step of a rotation to a token given: the old token named by its id, as Okta's own
 * requests of the last hour carried it (the latest other than the new one); a person finds it by id
 * in the dashboard.
 */
async function revokeByHand(session: Session, newTokenId: string): Promise<string> {
  const requests = session.accountApi ? await oktaRequests(session.accountApi, new Date(session.clock.now() - LOOKBACK_MS)) : [];
  const old = oktaLatestTokenId(requests.filter((e) => e.actor?.token_id !== newTokenId));
  return old
    ? `Revoke the old token ${untrusted(old)} in Cloudflare (Manage Account → Account API Tokens; Okta's requests before the change carried it) once you are sure nothing else uses it.`
    : "Revoke the old token in Cloudflare (Manage Account → Account API Tokens) once you are sure nothing else uses it: Cloudflare's audit log of the last hour names no other token of Okta's, so find it by its name.";
}

async function showGuidedStep(session: Session, appId: string, held: HeldScimToken, reveal: boolean): Promise<void> {
  const token = heldValue(held);
  const origin = await handoverOrigin(held, session.inputs.tokenEnv.scim, session.tokenOut);
  showStep(session.reporter, tokenGuidedStep(session.inputs.orgUrl, appId, token, reveal, origin), reveal ? token : undefined);
}

function requireId(id: string | undefined): string {
  if (!id) throw new RemoteError('internal: the new token has no id before its proof (the plan makes it first)');
  return id;
}

function applyDepsOf(session: Session, held: HeldScimToken) {
  return { tokenApi: session.accountApi, inputs: session.inputs, clientFor: session.clientFor, scimToken: held, scim: session.scim };
}

/**
 * The token rotate-token --create makes, planned from one reading: the account's tokens (scim-setup's
 * own for this app among them), the token Okta's latest SCIM request carried (Okta's user agent), and
 * SCIM's permission group.
 */
async function planMadeToken(session: Session, app: { id: string; label: string }, creation: TokenCreation) {
  const api = readClient(session, 'rotate-token');
  const name = scimTokenName(session.inputs.appLabel, app.id);
  const [tokens, group, requests] = await Promise.all([
    listAccountTokens(api, { includeExpired: true }),
    scimPermissionGroup(api),
    oktaRequests(api, new Date(session.clock.now() - LOOKBACK_MS)),
  ]);
  const mine = appTokens(tokens, app.id, { accountId: session.inputs.accountId, scimGroupId: group.id, creation, now: new Date(session.clock.now()) });
  refuseForeignTokens(mine.foreign);
  const own = ownTokens(mine);
  const ownIds = new Set(own.map((t) => t.id));
  const oktaLatestId = oktaLatestTokenId(requests, ownIds);
  // Only a rotation an earlier run began can already be in use: its token is the newest, and Okta's latest requests carry it.
  const newestInUse = own[0] && own.length > 1 && own[0].id === oktaLatestId ? await alreadyInUse(session, app.id, own[0].id, requests) : undefined;
  return planTokenRotation({
    name,
    permissionGroupId: group.id,
    own,
    oktaLatestId,
    oktaOthers: oktaOtherTokenIds(requests, ownIds),
    newestInUse,
    creationDetail: describeCreation(session.inputs.accountId, creation),
  });
}

const LOOKBACK_MS = 3600_000;

/** How far apart two services' clocks may be read to be: the Date headers' second, each way. */
const CLOCKS_APART_MS = 2000;

/** Okta's last request (newest first) is on Cloudflare's clock: onto ours, then onto Okta's (ms). */
function lastUseOnOktaClock(okta: Session['okta'], read: CloudflareClient, used: AuditEntry[]): number {
  return okta.onOktaClock(new Date(Date.parse(used[0].action.time) + read.clockOffsetMs)).getTime();
}

/** A re-run changes nothing when Cloudflare's audit log shows Okta's requests with the new token, and Okta no auth failure since. */
async function alreadyInUse(session: Session, appId: string, newTokenId: string, lastHour?: AuditEntry[]): Promise<string | undefined> {
  if (!session.accountApi) return undefined;
  // Okta's requests of the last hour, where the caller has read them already; else those with this token.
  const used = lastHour
    ? lastHour.filter((e) => isOktaRequest(e) && e.actor?.token_id === newTokenId)
    : await oktaRequestsWith(session.accountApi, newTokenId, new Date(session.clock.now() - LOOKBACK_MS));
  if (used.length === 0) return undefined;
  const failures = await readOkta.logs(session.okta, {
    since: new Date(lastUseOnOktaClock(session.okta, session.accountApi, used) - CLOCKS_APART_MS).toISOString(),
    filter: `target.id eq "${appId}" and eventType eq "application.integration.authentication_failure"`,
    limit: 100,
  });
  return failures.length === 0
    ? `Cloudflare's audit log shows ${used.length} SCIM request${used.length > 1 ? 's' : ''} by Okta with it in the last hour, and Okta no authentication failure since`
    : undefined;
}

async function handToOktaByApi(session: Session, appId: string, token: string): Promise<boolean> {
  const { okta, inputs } = session;
  try {
    const r = await writeOkta.saveConnection(okta, appId, inputs.scimBaseUrl, token);
    return r.status === 'ENABLED';
  } catch (error) {
    if (error instanceof OktaRequestError && error.status === 400) return false;
    throw error;
  }
}

/**
 * Asks Okta for a push with the action's requests (a mapping set INACTIVE, then ACTIVE, is pushed
 * afresh) and waits for Cloudflare's audit log to show SCIM requests made with the new token's
 * id, and no authentication failure in Okta's System Log after the change.
 */
async function proveInUse(
  session: Session,
  action: Action,
  appId: string,
  newTokenId: string,
  since: Date,
  progress: (text: string) => void,
  waitMs: number,
): Promise<string> {
  const { okta } = session;
  if (action.kind === 'manual' || !action.request)
    throw new PendingError(`Cannot prove yet that Okta uses the new token: ${action.detail}.`, 'Re-run rotate-token then; it is safe to repeat.');
  let round = 0;
  // Said in a plain line too: in a CI log the spinner does not show.
  session.reporter.info(
    `Waiting ${Number.isFinite(waitMs) ? `up to ${Math.round(waitMs / 1000)}s` : 'until Ctrl-C'} for Okta to push with the new token (asking it to push, then reading Cloudflare's audit log).`,
  );
  const read = readClient(session, 'rotate-token');
  // An authentication failure before the new token's first use is the old token's (the person has not pasted yet, or
  // Okta was pushing already): only one after Okta's last request with the new token says Okta is refused with it.
  let refusedAt: string | undefined;
  const proof = await pollUntil(
    async () => {
      if (round++ % 4 === 0) for (const request of requestsOf(action)) await okta.send(request);
      const [used, failures] = await Promise.all([
        oktaRequestsWith(read, newTokenId, since),
        readOkta.logs(okta, {
          since: okta.onOktaClock(since).toISOString(),
          filter: `target.id eq "${appId}" and eventType eq "application.integration.authentication_failure"`,
          limit: 100,
        }),
      ]);
      refusedAt = failures.at(-1)?.published;
      if (used.length === 0) return undefined;
      const lastUse = lastUseOnOktaClock(okta, read, used);
      const after = failures.filter((f) => Date.parse(f.published) > lastUse + CLOCKS_APART_MS);
      // A failure as near the last use as the clocks can tell may be the old token's last pass: the next push tells.
      if (failures.some((f) => Math.abs(Date.parse(f.published) - lastUse) <= CLOCKS_APART_MS)) return undefined;
      if (after.length > 0)
        throw new PendingError(
          `Okta used the new token, then its System Log shows an authentication failure (${after[0].published}): Cloudflare refuses a token Okta holds.`,
          'Check the token on the Provisioning tab (Integration → Edit) and its client IP ranges, then re-run rotate-token.',
        );
      return `Cloudflare's audit log shows ${used.length} SCIM request${used.length > 1 ? 's' : ''} by Okta (its user agent) made with the new token since the change, and Okta no authentication failure after`;
    },
    {
      clock: session.clock,
      waitMs,
      signal: session.signal,
      waitingFor: 'Okta to use the new token',
      onWait: () =>
        progress(
          `${action.summary}: no SCIM request with it yet (look ${round})${refusedAt ? `, Okta still refused with the old one (${refusedAt})` : ''}, asking Okta to push again`,
        ),
    },
  );
  if (!proof && refusedAt)
    throw new PendingError(
      `Okta has not used the new token, and its System Log shows an authentication failure since the change (${refusedAt}): Okta still holds a token Cloudflare refuses.`,
      'Put the new token on the Provisioning tab (Integration → Edit), then re-run rotate-token (it is safe to repeat).',
    );
  if (!proof && (await unattributedUse(read, newTokenId, since)))
    throw new PendingError(
      "Cloudflare's audit log shows SCIM requests with the new token but records no user agent, so whether Okta made them cannot be proved: the old token is kept.",
      "Once Okta's Provisioning tab shows the new token (and Test API Credentials passes), revoke the old token in Cloudflare by hand; re-running rotate-token cannot prove it either.",
    );
  if (!proof)
    throw new PendingError('Okta has not used the new token yet.', 'If the guided step is not done, do it; then re-run rotate-token (it is safe to repeat).');
  return proof;
}

/** Whether the token was used for SCIM in requests the audit log records no user agent for (an account that keeps none). */
async function unattributedUse(read: CloudflareClient, tokenId: string, since: Date): Promise<boolean> {
  return (await oktaTraffic(read, since)).unattributed.some((e) => e.actor?.token_id === tokenId);
}

import { readOkta } from '../../okta/reads.js';
import { grantRolesWhenPushed } from '../../cloudflare/roles.js';
import { PendingError, RemoteError } from '../../lib/errors.js';
import type { Reporter } from '../../lib/reporter.js';
import { LEFT_MANUAL, runActions, type RunResult } from '../../apply/executor.js';
import { pollUntil } from '../../lib/poll.js';
import type { OktaClient } from '../../okta/client.js';
import type { CloudflareClient } from '../../cloudflare/client.js';
import { OktaRequestError } from '../../okta/errors.js';
import { createOrAdopt } from '../../okta/create-or-adopt.js';
import { findApps } from '../../okta/observe.js';
import { requestsOf, WANTED_VISIBILITY, provisioningOn, type Action, type ObservedRoles, type Plan } from '../../plan/types.js';
import { proveScimWrite } from '../../cloudflare/scim-proof.js';
import { provisioningChecklistState, provisioningGuidedStep } from '../../plan/guided-step.js';
import { isRecord } from '../../lib/is-record.js';
import { writeOkta } from '../../okta/writes.js';
import { handoverOrigin, heldValue, makeScimToken, showStep, type TokenMakingDeps } from '../../apply/scim-token-steps.js';
import type { OktaOperation } from './operation.js';

/** What okta's steps need of the run; the SCIM token's client also writes roles ("SCIM Provisioning" covers user groups). */
export interface ApplyDeps extends TokenMakingDeps {
  okta: OktaClient;
  /** CLOUDFLARE_API_TOKEN's client, where it was given: a given SCIM token's record is read with it. */
  accountApi?: CloudflareClient;
  roles?: ObservedRoles;
  groupRoles: Record<string, string[]>;
  reporter: Reporter;
  interactive: boolean;
  /** Bound on waiting for the guided step; undefined = until Ctrl-C (interactive only). */
  waitMs: number | undefined;
  revealToken: boolean;
  /** --token-out: where a token this run made is written for the guided step. */
  tokenOut?: string;
  /** The given SCIM token's write proof, where the plan made it (its policies, read while planning). */
  scimWriteProved?: boolean;
}

/** Whether the plan turns provisioning on or changes it: the moment Okta is given the SCIM token. */
export function handsTokenToOkta(plan: Plan<OktaOperation>): boolean {
  return plan.actions.some((a) => a.resource === 'provisioning' && a.kind !== 'noop');
}

/** What okta's apply has done so far: the run's result, with the app it made or found. */
export type ApplyResult = RunResult;

/** Actions of these kinds do not depend on each other, so a phase of them runs concurrently. */
const CONCURRENT: Partial<Record<Action['resource'], string>> = {
  'group-assignment': 'assign groups to the app',
  'user-assignment': 'assign users to the app',
  'push-mapping': 'push groups to Cloudflare',
  'group-roles': 'give user groups their roles',
};

/**
 * Runs okta's plan through the one executor, filling `result` (its `appId` set to the app planned
 * on, if any) as it goes: the app, its visibility and provisioning one by one,
 * then each phase of independent actions (assignments, pushes, roles) a few at a time, paced by
 * the rate-limit budget. Each action is idempotent, so a re-run after any failure converges.
 */
export async function applyPlan(plan: Plan<OktaOperation>, result: ApplyResult, deps: ApplyDeps): Promise<ApplyResult> {
  // A token given is proved able to write SCIM before anything is written, where Okta is to be given it (a made one is proved when made),
  // unless the plan proved it already by its policies (okta's planning: run.ts).
  if (deps.scimToken.value && handsTokenToOkta(plan) && !deps.scimWriteProved) {
    const task = deps.reporter.task('prove the SCIM token may write SCIM');
    task.succeed(
      `prove the SCIM token may write SCIM: ${await proveScimWrite(deps.scim, { api: deps.accountApi }).catch((error: unknown) => {
        task.fail('prove the SCIM token may write SCIM: refused');
        throw error;
      })}`,
    );
  }
  return runActions(plan.actions, { reporter: deps.reporter, signal: deps.signal, concurrent: CONCURRENT }, result, (action, progress) =>
    execute(action, result, deps, progress),
  );
}

/** A string field of a planned request's body, which the planner wrote. */
function bodyText(body: unknown, field: string): string {
  const value = isRecord(body) ? body[field] : undefined;
  if (typeof value !== 'string') throw new Error(`a planned request's body has no "${field}"`);
  return value;
}

async function execute(action: Action<OktaOperation>, result: ApplyResult, deps: ApplyDeps, progress: (text: string) => void): Promise<unknown> {
  const { okta } = deps;
  // A step more than its requests says so with a typed operation; the rest are told by what they change.
  const op = action.operation;
  if (op)
    switch (op.kind) {
      case 'reassign-user':
        return reassignUser(action, op.login, result, deps);
      case 'grant-roles':
        return grantRoles(op.group, deps, progress);
      case 'make-scim-token':
        return makeScimToken(op, requireApp(result), deps, progress);
    }
  switch (action.resource) {
    case 'app':
      if (action.kind === 'create') result.appId = await createApp(action, deps);
      else await writeOkta.activateApp(okta, requireApp(result));
      return;
    case 'app-visibility':
      await writeOkta.replaceVisibility(deps.okta, requireApp(result), WANTED_VISIBILITY);
      return;
    case 'provisioning':
      return turnOnProvisioning(requireApp(result), result, deps, progress);
    case 'group-assignment':
      await okta.put(resolvePath(action, result), action.request?.body ?? {});
      return;
    case 'user-assignment':
      return assignUser(action, result, deps);
    case 'push-mapping':
      return pushGroup(action, result, deps);
    case 'repair':
      return sendInOrder(action, deps);
    case 'token-proof':
    case 'group-roles':
    case 'scim-token':
      throw new RemoteError(`internal: ${action.id} carries no operation`);
  }
}

async function grantRoles(group: string, deps: ApplyDeps, progress: (text: string) => void): Promise<void> {
  const { roles } = deps;
  if (!roles) throw new Error(`the roles of "${group}" were planned without Cloudflare's role list`);
  const roleIds = deps.groupRoles[group].map((name) => roles.roleIds[name]);
  const rg = await grantRolesWhenPushed(deps.scim, group, roleIds, {
    waitMs: deps.inputs.waitMs,
    signal: deps.signal,
    progress,
    accountResourceGroupId: roles?.accountResourceGroupId,
  });
  if (roles) roles.accountResourceGroupId = rg;
}

function requireApp(result: ApplyResult): string {
  if (!result.appId) throw new RemoteError('internal: no app id before an app-scoped action');
  return result.appId;
}

function resolvePath(action: Action, result: ApplyResult): string {
  return requestsOf(action)[0].path.replace('{appId}', requireApp(result));
}

/**
 * POST /apps is not idempotent: after an ambiguous failure, look before creating again. And a
 * run racing another may both create: the oldest app wins, and a run removes only its own.
 */
async function createApp(action: Action, deps: ApplyDeps): Promise<string> {
  const { value: created, adopted } = await createOrAdopt(
    async () => (await writeOkta.createApp(deps.okta, requestsOf(action)[0].body)).id,
    async () => (await findApps(deps.okta, deps.inputs.appLabel))[0]?.id,
  );
  if (adopted) return created;
  const [oldest] = await findApps(deps.okta, deps.inputs.appLabel);
  if (!oldest || oldest.id === created) return created;
  await writeOkta.deleteApp(deps.okta, created);
  deps.reporter.warn(
    `Another run created app ${oldest.id} "${deps.inputs.appLabel}" at the same time; this run removed the duplicate it had created (${created}) and uses ${oldest.id}.`,
  );
  return oldest.id;
}

async function turnOnProvisioning(appId: string, result: ApplyResult, deps: ApplyDeps, progress: (text: string) => void): Promise<void> {
  const { okta, inputs } = deps;
  const connection = await writeOkta.saveConnection(okta, appId, inputs.scimBaseUrl, heldValue(deps.scimToken));
  if (connection.status === 'ENABLED') {
    try {
      await writeOkta.enableUserProvisioning(okta, appId);
    } catch (error) {
      if (!(error instanceof OktaRequestError && error.status === 400)) throw error;
    }
  }
  if (provisioningOn((await readOkta.app(okta, appId)).features ?? [])) return;
  await guidedStep(appId, result, deps, progress);
}

async function guidedStep(appId: string, result: ApplyResult, deps: ApplyDeps, progress: (text: string) => void): Promise<void> {
  const { inputs, reporter } = deps;
  const token = heldValue(deps.scimToken);
  const origin = await handoverOrigin(deps.scimToken, inputs.tokenEnv.scim, deps.tokenOut);
  const step = provisioningGuidedStep(inputs.orgUrl, appId, inputs.scimBaseUrl, token, deps.revealToken, origin);
  showStep(reporter, step, deps.revealToken ? token : undefined);
  progress('waiting for provisioning to be turned on in Okta (Ctrl-C stops waiting)');
  // Said in plain lines too: in a CI log the spinner above does not show.
  reporter.info(
    `Waiting for an admin to do this ${deps.waitMs === undefined ? 'until Ctrl-C' : `for up to ${Math.round(deps.waitMs / 1000)}s`}; checking Okta every few seconds.`,
  );
  // The caller has just looked, so the first look here waits first. Each look shows what Okta
  // already has and what is still missing; a change of that is printed as a line (CI logs too).
  let shown = '';
  const on = await pollUntil(
    async () => {
      const state = provisioningChecklistState((await readOkta.app(deps.okta, appId)).features ?? []);
      if (state.line !== shown) reporter.info(`Okta ${shown ? 'now ' : ''}shows: ${state.line}`);
      shown = state.line;
      progress(`waiting for provisioning in Okta: ${state.line} (Ctrl-C stops waiting)`);
      return state.done ? true : undefined;
    },
    {
      clock: deps.okta.clock,
      waitMs: deps.waitMs ?? Infinity,
      signal: deps.signal,
      delayFirst: true,
      waitingFor: 'the guided step (provisioning is not on yet)',
    },
  ).catch((error: unknown) => {
    // Stopped while waiting: the step is still to do, and the report (JSON too) says so.
    result.manualSteps.push(step);
    throw error;
  });
  if (on) return;
  result.manualSteps.push(step);
  throw new PendingError(
    `Provisioning is not on yet for app ${appId}: the guided step above is waiting for an admin.`,
    `Do the steps above, then re-run the same command; it carries on from here.${deps.interactive ? '' : ' (--wait sets how long a run waits.)'}`,
  );
}

/** POST /apps/{id}/users after an ambiguous failure: check the assignment before assigning again. */
async function assignUser(action: Action, result: ApplyResult, deps: ApplyDeps): Promise<void> {
  const path = resolvePath(action, result);
  const { body } = requestsOf(action)[0];
  await createOrAdopt(
    () => deps.okta.post(path, body),
    () => deps.okta.get(`${path}/${bodyText(body, 'id')}`).catch(notFoundAsUndefined),
  );
}

/** A 404 read as "not there"; any other failure is one. */
function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof OktaRequestError && error.status === 404) return undefined;
  throw error;
}

/** A repair's requests in order; a run stopped between two is finished by the next plan's own actions. */
async function sendInOrder(action: Action, deps: ApplyDeps): Promise<void> {
  for (const request of requestsOf(action)) await deps.okta.send(request);
}

/**
 * Unassigns, then assigns again, a user Cloudflare dropped. A user that a group assigns too keeps
 * its app user through the unassignment, so Okta would push nothing: the direct assignment is put
 * back at once and the repair becomes the manual step (through the group).
 */
async function reassignUser(action: Action, login: string, result: ApplyResult, deps: ApplyDeps): Promise<typeof LEFT_MANUAL | undefined> {
  const [unassign, assign] = requestsOf(action);
  await deps.okta.send(unassign);
  const stillAssigned = await deps.okta.get(unassign.path).then(
    () => true,
    (error: unknown) => {
      if (error instanceof OktaRequestError && error.status === 404) return false;
      throw error;
    },
  );
  await deps.okta.send(assign);
  if (!stillAssigned) return;
  result.manualSteps.push({
    id: action.id,
    ...(action.manualFallback ?? {
      title: `bring ${login} back in Cloudflare`,
      steps: [
        `${login} is assigned to the app through a group as well, so re-assigning it directly makes Okta push nothing. In Okta, remove ${login} from that group and add it back; then run verify.`,
      ],
    }),
  });
  return LEFT_MANUAL;
}

/** Creates the push mapping, or links to one that an interrupted run or a parallel run made. */
async function pushGroup(action: Action, result: ApplyResult, deps: ApplyDeps): Promise<void> {
  const path = resolvePath(action, result);
  // An update is every request it planned, in order: a push in ERROR is set INACTIVE, then ACTIVE (the second is what pushes).
  if (action.kind === 'update') {
    for (const request of requestsOf(action)) await deps.okta.send({ ...request, path: request.path.replace('{appId}', requireApp(result)) });
    return;
  }
  const { body } = requestsOf(action)[0];
  await createOrAdopt(
    () => deps.okta.post(path, body),
    async () => (await deps.okta.list<{ id: string; status: string }>(path, { sourceGroupId: bodyText(body, 'sourceGroupId') }))[0],
    // Okta refuses a second mapping of one group with a 400.
    { conflictStatus: 400 },
  );
}

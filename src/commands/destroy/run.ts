import { SUPER_ADMIN_ROLE_ID } from '../../cloudflare/roles.js';
import { readCloudflare } from '../../cloudflare/reads.js';
import { listAccountTokens, revokeAccountToken, scimPermissionGroup } from '../../cloudflare/account-tokens.js';
import { appTokens, namedForApp, ownTokens, scimTokenName } from '../../plan/token-ownership.js';
import type { CloudflareClient } from '../../cloudflare/client.js';
import { fromWire } from '../../lib/terminal-text.js';
import type { Context } from '../../context.js';
import type { DestroyOptions } from './declaration.js';
import { ExitCode, InputError, PendingError } from '../../lib/errors.js';
import { pollUntil } from '../../lib/poll.js';
import { readAppAssignments } from '../../okta/app-assignments.js';
import { findAppsAndOthers, otherLabelsHint } from '../../okta/observe.js';
import { destroyOutcome, destroyWarnings, planDestroy, type DestroyObserved, type TeardownChoices } from './plan.js';
import type { DestroyOperation } from './operation.js';
import type { DestroyFields } from './document.js';
import { requestsOf } from '../../plan/types.js';
import { summarize } from '../../plan/render.js';
import { runActions } from '../../apply/executor.js';
import { readClient, type Session } from '../session.js';
import { runPlanning, type Planned, type PlanningCommand } from '../lifecycle.js';
import { appLabelHint } from '../../lib/inputs.js';

/** `npx scim-setup destroy`: the setup taken down, Cloudflare's groups and members kept unless asked. */
export function run(options: DestroyOptions, ctx: Context): Promise<number> {
  return runPlanning(destroyCommand(options), options, ctx);
}

type DestroyPlanned = Planned<DestroyOperation> & {
  document: DestroyFields;
  observed: DestroyObserved & { otherLabels: string[] };
  label: string;
};

function destroyCommand(options: DestroyOptions): PlanningCommand<TeardownChoices, DestroyPlanned, Record<never, never>> {
  return {
    name: 'destroy',
    scimTokenNeed: 'read',
    flags: {
      given: { deleteCloudflareGroups: options.deleteCloudflareGroups, deprovisionUsers: options.deprovisionUsers, revokeScimToken: options.revokeScimToken },
      defaults: { deleteCloudflareGroups: false, deprovisionUsers: false, revokeScimToken: false },
    },
    async plan(session, flags) {
      if (flags.deprovisionUsers && !session.accountApi)
        throw new InputError(
          '--deprovision-users needs CLOUDFLARE_API_TOKEN ("Account Settings: Read") to make sure the last Super Administrator is not deactivated.',
          'Set CLOUDFLARE_API_TOKEN, or leave the members in Cloudflare (drop --deprovision-users).',
        );
      if (flags.revokeScimToken && !session.accountApi)
        throw new InputError(
          '--revoke-scim-token needs CLOUDFLARE_API_TOKEN ("Account API Tokens: Edit") to find and revoke the token scim-setup made.',
          'Set CLOUDFLARE_API_TOKEN, or drop --revoke-scim-token and revoke the token in Cloudflare yourself.',
        );
      const observed = await observeForDestroy(session, flags.revokeScimToken);
      const plan = { actions: planDestroy(observed, flags), warnings: destroyWarnings(observed, flags) };
      const document = { app: observed.app ?? null, actions: plan.actions, warnings: plan.warnings, summary: summarize(plan) };
      const { inputs } = session;
      const label = observed.app?.label ?? inputs.appLabel;
      const planned = { plan, document, observed, label, appId: observed.app?.id, title: `Tear down Okta app "${label}" in ${inputs.orgUrl}` };
      if (!observed.app && plan.actions.length === 0) {
        // Nothing to destroy is a success (a re-run after a teardown), but a slip in the label is said, with the labels there are.
        const hint = otherLabelsHint(inputs.appLabel, observed.otherLabels);
        return {
          ...planned,
          nothing: `Nothing to destroy: no Okta app "${inputs.appLabel}" (scim2testapp) in ${inputs.orgUrl}.${
            hint
              ? ` Its scim2testapp apps are labelled ${hint.listed}${hint.nearest ? `; did you mean ${appLabelHint(hint.nearest, inputs.appLabelIn)}?` : '.'}`
              : ''
          }`,
        };
      }
      if (flags.deprovisionUsers) await refuseLastSuperAdmin(session, observed);
      return planned;
    },
    // A label typed wrong declines, as a "no" does in every command: exit 1, a cancel document.
    question: ({ label }) => ({
      ask: { typeToConfirm: label },
      doing: 'Destroying',
      yesHint: 'Pass --yes to destroy without asking.',
      cancelled: 'Destroy cancelled: the label typed does not match; nothing was changed.',
    }),
    async execute({ plan, observed }, session, flags, result) {
      let settled = false;
      await runActions(plan.actions, { reporter: session.reporter, signal: session.signal }, result, async (action, progress) => {
        // Okta acts asynchronously: before the app stops provisioning, let it finish what was asked of it.
        if (action.resource === 'app' && !settled) {
          if (flags.deleteCloudflareGroups)
            await waitFor(session, 'Okta to delete the pushed groups in Cloudflare', progress, () => groupsGone(session, observed));
          if (flags.deprovisionUsers)
            await waitFor(session, 'Okta to deactivate the unassigned users in Cloudflare', progress, () => usersGone(session, observed));
          settled = true;
          progress(action.summary);
        }
        const op = action.operation;
        if (op?.kind === 'revoke-scim-tokens') {
          const outcomes: string[] = [];
          for (const id of op.ids) outcomes.push(`${id} ${await revokeAccountToken(readClient(session, 'destroy'), id)}`);
          return outcomes.join('; ');
        }
        for (const request of requestsOf(action)) await session.okta.send(request);
      });
      session.reporter.info(destroyOutcome(observed, flags));
      return { exitCode: ExitCode.ok };
    },
  };
}

async function observeForDestroy(session: Session, revokeScimToken: boolean): Promise<DestroyObserved & { otherLabels: string[] }> {
  const { okta } = session;
  const {
    labelled: [app, ...duplicates],
    otherLabels,
  } = await findAppsAndOthers(okta, session.inputs.appLabel);
  if (duplicates.length)
    session.reporter.warn(
      `${duplicates.length} more scim2testapp apps are labelled "${session.inputs.appLabel}" (${duplicates.map((d) => d.id).join(', ')}); only the oldest (${app.id}) is torn down.`,
    );
  const scimTokens = revokeScimToken && session.accountApi ? await tokensToRevoke(session.accountApi, session.inputs, app?.id) : undefined;
  if (!app) return { mappings: [], assignedGroups: [], directUsers: [], assignedLogins: [], otherLabels, scimTokens };
  const { groups, users, mappings } = await readAppAssignments(okta, app.id);
  const names = new Map(groups.map((g) => [g.id, g._embedded?.group?.profile?.name ?? g.id]));
  return {
    app: { id: app.id, label: app.label, status: app.status },
    mappings: mappings.map((m) => ({ id: m.id, sourceGroupId: m.sourceGroupId, status: m.status, groupName: names.get(m.sourceGroupId) ?? m.sourceGroupId })),
    assignedGroups: groups.map((g) => ({ id: g.id, name: names.get(g.id) ?? g.id })),
    directUsers: users.filter((u) => u.scope === 'USER').map((u) => ({ id: u.id, login: u.credentials?.userName ?? u.id })),
    assignedLogins: users.map((u) => (u.credentials?.userName ?? u.id).toLowerCase()),
    otherLabels,
    scimTokens,
  };
}

/**
 * scim-setup's own tokens for the app, the only ones revoked; the rest of what is named for it, or
 * for an app of this label that the org no longer has (another Okta org may hold it), is said and left.
 */
async function tokensToRevoke(
  read: CloudflareClient,
  inputs: Session['inputs'],
  appId: string | undefined,
): Promise<NonNullable<DestroyObserved['scimTokens']>> {
  const [tokens, group] = await Promise.all([listAccountTokens(read, { includeExpired: true }), scimPermissionGroup(read)]);
  // Life does not matter here: expired or not, scim-setup's own tokens for the app all go.
  const mine = appTokens(tokens, appId, {
    accountId: inputs.accountId,
    scimGroupId: group.id,
    creation: { ttlDays: null, allowCidrs: [] },
    now: new Date(read.clock.now()),
  });
  const labelPrefix = scimTokenName(inputs.appLabel, '');
  const orphans = tokens.filter((t) => t.name.startsWith(labelPrefix.slice(0, -1)) && (appId === undefined || !namedForApp(t.name, appId)));
  return {
    name: scimTokenName(inputs.appLabel, appId ?? '(gone)'),
    ids: ownTokens(mine).map((t) => t.id),
    left: [
      ...mine.foreign.map(
        ({ token, why }) =>
          `Token ${token.id} ("${fromWire(token.name, 120)}") is named for this app but ${fromWire(why, 200)}: scim-setup cannot prove it made it and leaves it. Revoke it in Cloudflare if nothing uses it.`,
      ),
      ...orphans.map(
        (t) =>
          `Token ${t.id} ("${fromWire(t.name, 120)}") was made for ${appId ? 'another Okta app of this label' : 'an Okta app of this label that is gone here'}; it may still be in use (by that app, or by another Okta org), so scim-setup leaves it. Revoke it in Cloudflare once you know nothing uses it.`,
      ),
    ],
  };
}

/** Cloudflare never removes its sole Super Administrator, and neither does this command. */
async function refuseLastSuperAdmin(session: Session, observed: DestroyObserved): Promise<void> {
  const leaving = new Set(observed.assignedLogins);
  const members = await readCloudflare.members(readClient(session, 'destroy'));
  const admins = members.filter((m) => m.roles?.some((r) => r.id === SUPER_ADMIN_ROLE_ID)).flatMap((m) => (m.user?.email ?? m.email ?? '').toLowerCase() || []);
  if (admins.length > 0 && admins.every((a) => leaving.has(a))) {
    throw new InputError(
      `--deprovision-users would deactivate every Super Administrator of the Cloudflare account (${admins.join(', ')}). Nothing was changed.`,
      'Make another member Super Administrator in Cloudflare first, or tear down without --deprovision-users.',
    );
  }
}

async function waitFor(session: Session, what: string, progress: (text: string) => void, done: () => Promise<boolean>): Promise<void> {
  progress(`waiting for ${what}`);
  if (
    !(await pollUntil(async () => ((await done()) ? true : undefined), {
      clock: session.clock,
      waitMs: session.inputs.waitMs,
      signal: session.signal,
      waitingFor: what,
    }))
  ) {
    throw new PendingError(`Still waiting for ${what}.`, 'Re-run the same command later: it carries on from here.');
  }
}

async function groupsGone(session: Session, observed: DestroyObserved): Promise<boolean> {
  const { scim } = session;
  for (const m of observed.mappings) {
    if ((await readCloudflare.scimGroupsNamed(scim, m.groupName)) > 0) return false;
  }
  return true;
}

async function usersGone(session: Session, observed: DestroyObserved): Promise<boolean> {
  const active = new Set((await readCloudflare.scimUsers(session.scim)).filter((u) => u.active).map((u) => u.userName.toLowerCase()));
  return observed.assignedLogins.every((login) => !active.has(login));
}

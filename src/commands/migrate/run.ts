import { legacyGroupPrefix, legacyRoleGroup, refusedScimGroupName } from '../../lib/cloudflare-names.js';
import { readCloudflare } from '../../cloudflare/reads.js';
import type { CloudflareClient } from '../../cloudflare/client.js';
import { findAccountResourceGroup, findUserGroups, grantRolesWhenPushed, resolveRoles } from '../../cloudflare/roles.js';
import { grantedRoles } from '../../plan/roles.js';
import type { Context } from '../../context.js';
import type { MigrateOptions } from './declaration.js';
import { readOkta, type OktaDirectoryGroup, type OktaUser } from '../../okta/reads.js';
import { InputError, PendingError, RemoteError } from '../../lib/errors.js';
import { runActions, type RunResult } from '../../apply/executor.js';
import { filterString } from '../../lib/filter-string.js';
import { fromWire } from '../../lib/terminal-text.js';
import { pollUntil } from '../../lib/poll.js';
import type { OktaClient } from '../../okta/client.js';
import { createOrAdopt } from '../../okta/create-or-adopt.js';
import { requireApp } from '../../okta/observe.js';
import { planMigration, type LegacyGroup } from './plan.js';
import type { MigrateOperation } from './operation.js';
import type { MigrateFields, MigrateOutcomeFields } from './document.js';
import { summarize } from '../../plan/render.js';
import { provisioningOn, requestsOf, type Action } from '../../plan/types.js';
import { runVerification, verificationExitCode } from '../../verify/run.js';
import type { Session } from '../session.js';
import { runPlanning, type Planned, type PlanningCommand } from '../lifecycle.js';
import { writeOkta } from '../../okta/writes.js';

/** `npx scim-setup migrate`: from `CF-<accountID> - <Role Name>` virtual groups to pushed user groups with roles. */
export function run(options: MigrateOptions, ctx: Context): Promise<number> {
  return runPlanning(migrateCommand(options), options, ctx);
}

type Flags = { namePrefix: string };
type MigratePlanned = Planned<MigrateOperation> & {
  document: MigrateFields;
  app: { id: string; label: string };
  legacy: LegacyGroup[];
  startedAt: Date;
};

function migrateCommand(options: MigrateOptions): PlanningCommand<Flags, MigratePlanned, MigrateOutcomeFields> {
  return {
    name: 'migrate',
    scimTokenNeed: 'required',
    flags: { given: { namePrefix: options.namePrefix }, defaults: { namePrefix: 'Cloudflare ' } },
    async plan(session, { namePrefix }) {
      const { okta, inputs } = session;
      const startedAt = new Date(session.clock.now());
      const app = await requireApp(okta, inputs);
      if (!provisioningOn(app.features ?? []))
        throw new InputError(
          `Provisioning is not on for app "${app.label}" (${app.id}); the new groups could not be pushed.`,
          'Run `npx scim-setup okta` first.',
        );
      const legacy = await observeLegacy(session, app.id, namePrefix);
      const actions = legacy.flatMap((g) => planMigration(app.id, inputs.accountId, g));
      const plan = { actions, warnings: [] };
      const planned = {
        plan,
        app: { id: app.id, label: app.label },
        legacy,
        startedAt,
        appId: app.id,
        title: `Migrate ${legacy.length} SCIM virtual group${legacy.length > 1 ? 's' : ''} of app "${app.label}" to user groups with roles`,
        document: { app: { id: app.id, label: app.label }, legacyGroups: legacy.map((g) => g.name), actions, summary: summarize(plan) },
      };
      return legacy.length === 0 ? { ...planned, nothing: await nothingToMigrate(session, app) } : planned;
    },
    question: () => ({
      ask: 'Migrate?',
      doing: 'Migrating',
      yesHint: 'Pass --yes to migrate without asking.',
      cancelled: 'Migration cancelled; nothing was changed.',
    }),
    async execute({ plan, app, legacy, startedAt }, session, _flags, result) {
      const { reporter } = session;
      for (const g of legacy) {
        await migrateOne(
          session,
          app.id,
          g,
          plan.actions.filter((a) => a.operation?.kind === 'migrate' && a.operation.role === g.role),
          result,
          session.signal,
        ).catch((error) => {
          // Whatever step waits, the legacy group is still assigned: say so, since it is what users fear.
          if (error instanceof PendingError && !(error instanceof LegacyKeptPending))
            throw new PendingError(`${error.message} "${g.name}" stays assigned, so nobody has lost access.`, error.fix);
          throw error;
        });
      }
      for (const g of legacy) {
        reporter.info(
          `Migrated "${g.name}": its ${g.memberLogins.length} ` +
            `member${g.memberLogins.length === 1 ? '' : 's'} hold ` +
            `${g.role} through the Cloudflare user group ` +
            `"${g.target.name}", and "${g.name}" is no longer assigned.`,
        );
      }
      // The same proof as after `okta`, over the whole app: the new groups pushed, with their roles and members.
      const { report } = await runVerification(session, { appId: app.id, since: startedAt, waitMs: session.inputs.waitMs, signal: session.signal });
      return { document: { verification: report }, exitCode: verificationExitCode(report.checks) };
    },
  };
}

/** Named by its label, with any legacy group the org still has that no assignment makes count. */
async function nothingToMigrate(session: Session, app: { id: string; label: string }): Promise<string> {
  const { inputs } = session;
  const unassigned = await readOkta.groups(session.okta, {
    search: `profile.name sw ${filterString(legacyGroupPrefix(inputs.accountId))}`,
    limit: 200,
  });
  const left = unassigned.filter((g) => g.type !== 'APP_GROUP').map((g) => g.profile.name);
  return `Nothing to migrate: no CF-${inputs.accountId} - <Role> group is assigned to app "${app.label}" (${app.id}).${
    left.length
      ? ` Okta still has ${left.length === 1 ? 'one' : left.length} such group${left.length === 1 ? '' : 's'}, not assigned to the app (${left
          .slice(0, 3)
          .map((n) => `"${fromWire(n, 80)}"`)
          .join(
            ', ',
          )}${left.length > 3 ? ' …' : ''}): ${left.length === 1 ? 'it grants' : 'they grant'} nothing through this app; delete ${left.length === 1 ? 'it' : 'them'} in Okta if left over.`
      : ''
  }`;
}

async function observeLegacy(session: Session, appId: string, prefix: string): Promise<LegacyGroup[]> {
  const { okta, scim, inputs } = session;
  const ofAccount = (name: string) => {
    const legacy = legacyRoleGroup(name);
    return legacy?.accountId === inputs.accountId.toLowerCase() ? legacy : undefined;
  };
  const appGroups = await readOkta.appGroups(okta, appId);
  const legacy = appGroups.map((g) => ({ id: g.id, name: g._embedded?.group?.profile.name ?? '' })).filter((g) => ofAccount(g.name) !== undefined);
  if (legacy.length === 0) return [];
  const roleOf = (name: string) => ofAccount(name)?.role ?? '';
  const targetOf = (name: string) => `${prefix}${roleOf(name)}`;
  for (const g of legacy) {
    if (refusedScimGroupName(targetOf(g.name)))
      throw new InputError(
        `The new group name "${targetOf(g.name)}" starts with "CF", which Cloudflare refuses.`,
        'Pass another --name-prefix, e.g. "Cloudflare ".',
      );
  }
  const [roleIds, mappings, userGroups, rg, scimGroups] = await Promise.all([
    resolveRoles(
      scim,
      legacy.map((g) => roleOf(g.name)),
    ),
    readOkta.pushMappings(okta, appId),
    findUserGroups(
      scim,
      legacy.map((g) => targetOf(g.name)),
    ),
    findAccountResourceGroup(scim),
    readCloudflare.scimGroups(scim),
  ]);
  return Promise.all(
    legacy.map(async (g) => {
      const name = targetOf(g.name);
      const [members, target] = await Promise.all([groupMembers(okta, g.id), findOktaGroup(okta, name)]);
      const targetMembers = target ? await groupMembers(okta, target.id) : [];
      const userGroup = userGroups[name];
      const scimGroup = scimGroups.find((s) => s.displayName === name);
      const inCloudflare = scimGroup ? await scimMemberEmails(scim, scimGroup.id) : [];
      return {
        id: g.id,
        name: g.name,
        role: roleOf(g.name),
        roleId: roleIds[roleOf(g.name)],
        memberIds: members.map((m) => m.id),
        memberLogins: members.map((m) => m.profile.login),
        mapping: mappings.find((m) => m.sourceGroupId === g.id),
        target: {
          name,
          id: target?.id,
          memberIds: targetMembers.map((m) => m.id),
          assigned: Boolean(target && appGroups.some((a) => a.id === target.id)),
          mapping: target ? mappings.find((m) => m.sourceGroupId === target.id) : undefined,
          userGroup: userGroup
            ? { id: userGroup.id, grantedRoleIds: grantedRoles(userGroup.policies, { accountId: session.inputs.accountId, resourceGroupId: rg }) }
            : undefined,
          membersInCloudflare: members.every((m) => inCloudflare.includes(m.profile.login.toLowerCase())),
        },
      };
    }),
  );
}

async function groupMembers(okta: OktaClient, groupId: string): Promise<OktaUser[]> {
  return readOkta.groupMembers(okta, groupId);
}

async function findOktaGroup(okta: OktaClient, name: string): Promise<OktaDirectoryGroup | undefined> {
  const found = await readOkta.groups(okta, { search: `profile.name eq ${filterString(name)}`, limit: 200 });
  return found.find((g) => g.type !== 'APP_GROUP');
}

async function scimMemberEmails(scim: CloudflareClient, groupId: string): Promise<string[]> {
  const g = await readCloudflare.scimGroup(scim, groupId);
  return (g.members ?? []).map((m) => (m.display ?? m.value).toLowerCase());
}

/** One legacy group, step by step; the legacy steps run only once the proof is in. */
async function migrateOne(
  session: Session,
  appId: string,
  g: LegacyGroup,
  actions: Action<MigrateOperation>[],
  result: RunResult,
  signal: AbortSignal,
): Promise<void> {
  const { okta, scim, reporter, inputs } = session;
  let targetId = g.target.id;
  // The steps after 'group' run only once it has made or found the target group.
  const target = (): string => {
    if (!targetId) throw new RemoteError(`internal: the group "${g.target.name}" is not made yet`);
    return targetId;
  };
  await runActions(actions, { reporter, signal }, result, async (action, progress) => {
    const op = action.operation;
    if (!op) throw new RemoteError(`internal: ${action.id} is not a migration step`);
    switch (op.step) {
      case 'group':
        targetId = (
          await createOrAdopt(
            async () => (await writeOkta.createGroup(okta, requestsOf(action)[0].body)).id,
            async () => (await findOktaGroup(okta, g.target.name))?.id,
          )
        ).value;
        break;
      case 'members':
        for (const userId of g.memberIds.filter((id) => !g.target.memberIds.includes(id))) await writeOkta.addGroupMember(okta, target(), userId);
        break;
      case 'assign':
        await writeOkta.assignGroup(okta, appId, target());
        break;
      case 'push':
        if (g.target.mapping) await writeOkta.setPushMappingStatus(okta, appId, g.target.mapping.id, 'ACTIVE');
        else
          await createOrAdopt(
            () => writeOkta.createPushMapping(okta, appId, target(), g.target.name),
            // A 400 is adopted only when the mapping is there to see (it used to be taken for one without looking).
            async () => (await readOkta.pushMappings(okta, appId, { sourceGroupId: target() }))[0],
            { conflictStatus: 400 },
          );
        break;
      case 'role':
        await grantRolesWhenPushed(scim, g.target.name, [g.roleId], { waitMs: inputs.waitMs, signal, progress });
        break;
      case 'legacy-push': {
        const { mapping } = g;
        if (!mapping) throw new RemoteError(`internal: "${g.name}" is not pushed, and its push was planned to be removed`);
        await proveMembersHoldRole(session, g, signal, progress);
        if (mapping.status !== 'INACTIVE') await writeOkta.setPushMappingStatus(okta, appId, mapping.id, 'INACTIVE');
        await writeOkta.deletePushMapping(okta, appId, mapping.id, false);
        break;
      }
      case 'legacy-unassign':
        await proveMembersHoldRole(session, g, signal, progress);
        await writeOkta.unassignGroup(okta, appId, g.id);
        break;
    }
  });
}

/** The proof that nobody loses access: every legacy member is in the new Cloudflare user group, which has the role. */
async function proveMembersHoldRole(session: Session, g: LegacyGroup, signal: AbortSignal, progress: (text: string) => void): Promise<void> {
  const { scim, inputs } = session;
  let missing = g.memberLogins;
  let userGroupSeen = false;
  const proven = await pollUntil(
    async () => {
      const [userGroups, scimGroups, rg] = await Promise.all([
        findUserGroups(scim, [g.target.name]),
        readCloudflare.scimGroups(scim),
        findAccountResourceGroup(scim),
      ]);
      const userGroup = userGroups[g.target.name];
      const scimGroup = scimGroups.find((s) => s.displayName === g.target.name);
      const emails = scimGroup ? await scimMemberEmails(scim, scimGroup.id) : [];
      missing = g.memberLogins.filter((l) => !emails.includes(l.toLowerCase()));
      userGroupSeen = Boolean(userGroup);
      return userGroup &&
        grantedRoles(userGroup.policies, { accountId: session.inputs.accountId, resourceGroupId: rg }).includes(g.roleId) &&
        missing.length === 0
        ? true
        : undefined;
    },
    {
      clock: session.clock,
      waitMs: inputs.waitMs,
      signal,
      waitingFor: `the proof that every member of "${g.name}" holds ${g.role} through "${g.target.name}"`,
      onWait: () =>
        progress(`waiting for proof: ${missing.length} member${missing.length === 1 ? '' : 's'} of "${g.name}" not yet in "${g.target.name}" in Cloudflare`),
    },
  );
  if (proven) return;
  throw new LegacyKeptPending(
    `Not yet proven that every member of "${g.name}" holds ${g.role} ` +
      `through "${g.target.name}" (${missing.length} not in it ` +
      `yet${userGroupSeen ? '' : '; the user group is not in Cloudflare yet'}). ` +
      `"${g.name}" stays assigned, so nobody has lost access.`,
    'Re-run `npx scim-setup migrate` once Okta has pushed the group; it carries on from here.',
  );
}

/** A wait whose message already says that the legacy group stays assigned (so it is not said twice). */
class LegacyKeptPending extends PendingError {}

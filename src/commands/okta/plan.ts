import { APP_TEMPLATE, connectionBody } from '../../plan/app-template.js';
import { cloudflarePaths } from '../../plan/cloudflare-paths.js';
import { grantedRoles } from '../../plan/roles.js';
import { oktaPaths } from '../../plan/okta-paths.js';
import { REDACTED } from '../../lib/redact.js';
import { nearMatches } from '../../lib/near-matches.js';
import { fromWire } from '../../lib/terminal-text.js';
import { repairs, repush, sequence } from '../../plan/repair.js';
import { provisionRepairs } from '../../plan/unprovisioned.js';
import { scimTokenAction } from '../../plan/scim-token.js';
import { WANTED_VISIBILITY, provisioningOn, type Action, type Desired, type Plan, visibilityDrift } from '../../plan/types.js';
import type { Observed } from '../../plan/observed.js';
import type { OktaOperation } from './operation.js';

type OktaAction = Action<OktaOperation>;

const APP = '{appId}';

/** How a warning names another app label for this run: the flag, unless a fleet's config gives it. */
export type LabelHint = (label: string) => string;
const flagHint: LabelHint = (label) => `--app-label "${label}"`;

/** Pure: (desired, observed) → ordered actions. No I/O; every branch is tested from tables. */
export function plan(desired: Desired, observed: Observed, labelHint: LabelHint = flagHint): Plan<OktaOperation> {
  const warnings: string[] = [];
  const app = observed.app;
  const appPath = oktaPaths.app(app?.id ?? APP);
  const actions: OktaAction[] = [appAction(desired, observed), ...visibilityActions(observed, appPath)];

  // The token Okta is to get is made just before Okta gets it, so that nothing earlier can leave it unused.
  if (desired.tokenCreation && observed.scimTokens)
    actions.push(
      scimTokenAction(
        { label: desired.appLabel, id: app?.id },
        desired.tokenCreation,
        observed.scimTokens,
        desired.accountId,
        provisioningOn(app?.features ?? []),
      ),
    );
  const provisioning = provisioningAction(desired, observed, appPath);
  actions.push(provisioning);

  for (const name of desired.assignGroups) {
    const { id } = observed.groups[name];
    actions.push(
      assignment('group-assignment', name, `assign group "${name}" to the app`, observed.assignedGroupIds.includes(id), {
        method: 'PUT',
        path: `${appPath}/groups/${id}`,
        body: {},
      }),
    );
  }
  for (const login of desired.assignUsers) {
    const { id } = observed.users[login];
    actions.push(
      assignment('user-assignment', login, `assign user ${login} to the app`, observed.assignedUserIds.includes(id), {
        method: 'POST',
        path: `${appPath}/users`,
        body: { id, scope: 'USER', credentials: { userName: login } },
      }),
    );
  }
  // A name Cloudflare refuses never gets here: the inputs refuse it (validatePushGroups).
  for (const name of desired.pushGroups) actions.push(pushAction(name, observed, appPath));
  if (app) {
    const repair = repairs(observed.drift ?? [], app.id, desired);
    actions.push(...repair.actions);
    warnings.push(...repair.warnings);
    if (observed.unprovisioned) actions.push(...provisionRepairs(observed.unprovisioned, app.id, desired));
  }
  for (const [name, roles] of Object.entries(desired.groupRoles)) actions.push(rolesAction(desired, name, roles, observed));
  warnings.push(...assignmentWarnings(desired, observed), ...appWarnings(desired, observed, labelHint));
  return { actions, warnings };
}

/** Pure: what the assignments this run names (or does not) will do that a user may not expect. */
function assignmentWarnings(desired: Desired, observed: Observed): string[] {
  const warnings: string[] = [];
  // Everyone is every user of the org (Okta's built-in group): worth a word with its size before it is provisioned.
  if (desired.assignGroups.includes('Everyone') && observed.groups.Everyone) {
    const n = observed.groups.Everyone.members;
    warnings.push(
      `Group "Everyone" holds every user in the Okta org${n === undefined ? '' : ` (${n})`}: each of them becomes a Cloudflare account member. Assign a narrower group unless that is meant.`,
    );
  }
  for (const name of desired.assignGroups) {
    if (observed.groups[name].members !== 0) continue;
    const pushed = desired.pushGroups.includes(name);
    warnings.push(
      `Group "${name}" has no members: assigning it provisions nobody${pushed ? ', and Okta does not push an empty group (its Cloudflare user group appears once it has a member)' : ''}.`,
    );
  }
  // What the app has that this run does not name is left alone, and said.
  const named = new Set(desired.assignGroups.map((n) => observed.groups[n]?.id));
  const others = observed.assignedGroupIds.filter((id) => !named.has(id)).map((id) => observed.assignedGroupNames?.[id] ?? id);
  if (others.length > 0 && desired.assignGroups.length > 0)
    warnings.push(
      `Also assigned to the app, not named by this run, and left as ${others.length === 1 ? 'it is' : 'they are'}: ${others
        .slice(0, 5)
        .map((n) => `"${fromWire(n)}"`)
        .join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}.`,
    );
  if (desired.assignGroups.length === 0 && desired.assignUsers.length === 0) {
    // What Okta already has assigned stays: the warning says what is there, not that nothing is.
    const groups = observed.assignedGroupIds.length;
    const users = observed.assignedUserIds.length;
    warnings.push(
      groups + users > 0
        ? `This run names no group or user; the app keeps what Okta has assigned (${plural(groups, 'group')} and ${plural(users, 'user')} assigned directly), which it leaves as it is.`
        : 'No group or user is assigned to the app: provisioning will be on, but nobody will be provisioned. Add --push-group or --assign-group (or --assign-user).',
    );
  }
  return warnings;
}

/** Pure: another app this run may be confused with: a near label, or duplicates of this one. */
function appWarnings(desired: Desired, observed: Observed, labelHint: LabelHint): string[] {
  const warnings: string[] = [];
  const app = observed.app;
  // A label typed differently plans a second app, perhaps for the same account.
  if (!app && observed.otherAppLabels?.length) {
    const [nearest] = nearMatches(desired.appLabel, observed.otherAppLabels, 1);
    warnings.push(
      `This run creates app "${desired.appLabel}", and the org already has scim2testapp app${observed.otherAppLabels.length > 1 ? 's' : ''} ${observed.otherAppLabels
        .slice(0, 5)
        .map((l) => `"${fromWire(l, 80)}"`)
        .join(
          ', ',
        )}: if one provisions account ${desired.accountId}, two apps would provision it.${nearest ? ` Did you mean ${labelHint(fromWire(nearest, 80))}?` : ''}`,
    );
  }
  if (observed.duplicateApps.length > 0) {
    warnings.push(
      `${observed.duplicateApps.length + 1} scim2testapp apps are labelled ` +
        `"${desired.appLabel}"; scim-setup uses the oldest (${app?.id}) ` +
        `and leaves the others ` +
        `(${observed.duplicateApps.map((d) => d.id).join(', ')}) ` +
        `alone. Delete the extra ones in the Okta admin console.`,
    );
  }
  return warnings;
}

function assignment(resource: 'group-assignment' | 'user-assignment', key: string, summary: string, assigned: boolean, request: Action['request']): OktaAction {
  return { id: `${resource}:${key}`, kind: assigned ? 'noop' : 'create', resource, subject: key, summary, request: assigned ? undefined : request };
}

function appAction(desired: Desired, observed: Observed): OktaAction {
  const app = observed.app;
  if (!app) {
    return {
      id: 'app',
      kind: 'create',
      resource: 'app',
      summary: `create Okta app "${desired.appLabel}" (${APP_TEMPLATE.title}, ${APP_TEMPLATE.auth})`,
      request: {
        method: 'POST',
        path: `${oktaPaths.apps}?activate=true`,
        body: { name: desired.appName, label: desired.appLabel, signOnMode: APP_TEMPLATE.signOnMode, visibility: WANTED_VISIBILITY },
      },
    };
  }
  if (app.status !== 'ACTIVE') {
    return {
      id: 'app',
      kind: 'update',
      resource: 'app',
      summary: `activate Okta app "${app.label}" (${app.id})`,
      request: { method: 'POST', path: oktaPaths.lifecycle(app.id, 'activate') },
      detail: 'the app is INACTIVE',
    };
  }
  return { id: 'app', kind: 'noop', resource: 'app', summary: `Okta app "${app.label}" (${app.id}) exists` };
}

function visibilityActions(observed: Observed, appPath: string): OktaAction[] {
  const app = observed.app;
  if (!app) return [];
  const drift = visibilityDrift(app.visibility);
  const base = { id: 'app-visibility', resource: 'app-visibility' as const };
  if (drift.length === 0) return [{ ...base, kind: 'noop', summary: 'app icons hidden, no auto sign-in' }];
  if (provisioningOn(app.features)) {
    // A full PUT of the app would wipe its Provisioning tab (terraform-provider-okta #655).
    return [
      {
        ...base,
        kind: 'manual',
        summary: 'hide the app icons and turn off automatic sign-in in the admin console',
        detail: `${drift.join('; ')}. Okta's API can change this only by replacing the whole app, which would reset provisioning; change it by hand under General → App Settings.`,
      },
    ];
  }
  return [
    {
      ...base,
      kind: 'update',
      summary: 'hide the app icons and turn off automatic sign-in',
      detail: drift.join('; '),
      request: { method: 'PUT', path: appPath, body: { '(the app as read)': true, visibility: WANTED_VISIBILITY } },
    },
  ];
}

function provisioningAction(desired: Desired, observed: Observed, appPath: string): OktaAction {
  const features = observed.app?.features ?? [];
  const base = { id: 'provisioning', resource: 'provisioning' as const };
  if (provisioningOn(features)) {
    if (features.includes('PUSH_PROFILE_UPDATES')) {
      return {
        ...base,
        kind: 'manual',
        summary: 'turn off Update User Attributes (Provisioning → To App)',
        detail: 'drift: Update User Attributes is on; Cloudflare does not support profile updates.',
      };
    }
    return { ...base, kind: 'noop', summary: 'provisioning is on (Create Users, Deactivate Users)' };
  }
  return {
    ...base,
    kind: 'update',
    guided: true,
    summary: 'turn on provisioning to Cloudflare (by API where Okta takes it, else a guided step)',
    detail: `SCIM base URL ${desired.scimBaseUrl}; Create Users and Deactivate Users on, Update User Attributes off; the SCIM token is proved able to write SCIM before Okta is given it`,
    request: {
      method: 'POST',
      path: `${appPath}/connections/default?activate=true`,
      body: connectionBody(desired.scimBaseUrl, REDACTED),
    },
  };
}

function pushAction(name: string, observed: Observed, appPath: string): OktaAction {
  const group = observed.groups[name];
  const mapping = observed.mappings.find((m) => m.sourceGroupId === group.id);
  const base = { id: `push-mapping:${name}`, resource: 'push-mapping' as const, subject: name, summary: `push group "${name}" to Cloudflare` };
  if (!mapping)
    return {
      ...base,
      kind: 'create',
      request: { method: 'POST', path: `${appPath}/group-push/mappings`, body: { sourceGroupId: group.id, targetGroupName: name, status: 'ACTIVE' } },
    };
  if (mapping.status === 'ACTIVE') return { ...base, kind: 'noop' };
  if (mapping.status === 'INACTIVE')
    return {
      ...base,
      kind: 'update',
      detail: 'the push mapping is INACTIVE',
      request: { method: 'PATCH', path: `${appPath}/group-push/mappings/${mapping.id}`, body: { status: 'ACTIVE' } },
    };
  // A group deleted in Cloudflare puts the push in error for good: the repair unlinks it and pushes afresh.
  if (observed.drift?.some((d) => d.kind === 'group-gone' && d.group === name && d.oktaSays))
    return { ...base, kind: 'noop', detail: `the push mapping is in ERROR (${fromWire(mapping.errorSummary)}): repaired below` };
  // Any other error: pushed again the way Okta's API allows (INACTIVE, then ACTIVE); if its cause is
  // still there, the push goes back into ERROR and verify says so with Okta's message.
  return {
    ...base,
    kind: 'update',
    detail: `the push mapping is in ERROR: ${mapping.errorSummary ? fromWire(mapping.errorSummary) : 'no summary'}; pushed again (set INACTIVE, then ACTIVE)`,
    ...sequence(repush(appPath, mapping.id)),
  };
}

/** Roles go on the Cloudflare user group that pushing the group makes; before the push, the action waits for it. */
function rolesAction(desired: Desired, name: string, roles: string[], observed: Observed): OktaAction {
  const r = observed.roles;
  // The observer reads Cloudflare's roles whenever roles are wanted: without them here, it did not.
  if (!r) throw new Error(`roles are wanted for "${name}" and Cloudflare's were not read`);
  const ids = roles.map((role) => r.roleIds[role]);
  const group = r.userGroups[name];
  const rg = r.accountResourceGroupId;
  const base = {
    id: `group-roles:${name}`,
    resource: 'group-roles' as const,
    subject: name,
    operation: { kind: 'grant-roles' as const, group: name },
    summary: `give Cloudflare user group "${name}" the role${roles.length > 1 ? 's' : ''} ${roles.join(', ')} (whole account)`,
  };
  const path = cloudflarePaths.userGroup(desired.accountId, group?.id);
  const newPolicy = { access: 'allow', permission_groups: ids.map((id) => ({ id })), resource_groups: [{ id: rg ?? '{accountResourceGroupId}' }] };
  if (!group)
    return {
      ...base,
      kind: 'create',
      detail: 'once Okta has pushed the group to Cloudflare (waits up to --wait)',
      request: { method: 'PUT', path, body: { policies: [newPolicy] } },
    };
  const account = { accountId: desired.accountId, resourceGroupId: rg };
  const granted = new Set(grantedRoles(group.policies, account));
  const missing = roles.filter((role) => !granted.has(r.roleIds[role]));
  if (missing.length === 0) return { ...base, kind: 'noop' };
  return {
    ...base,
    kind: 'update',
    detail: `missing: ${missing.join(', ')}`,
    request: {
      method: 'PUT',
      path,
      body: { policies: [...group.policies, { ...newPolicy, permission_groups: missing.map((role) => ({ id: r.roleIds[role] })) }] },
    },
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

import type { Action } from '../../plan/types.js';
import type { DestroyOperation } from './operation.js';
import { oktaPaths } from '../../plan/okta-paths.js';

export interface DestroyObserved {
  app?: { id: string; label: string; status: string };
  mappings: Array<{ id: string; sourceGroupId: string; status: string; groupName: string }>;
  assignedGroups: Array<{ id: string; name: string }>;
  directUsers: Array<{ id: string; login: string }>;
  /** Every assigned login (lower-case), directly or through a group. */
  assignedLogins: string[];
  /**
   * With --revoke-scim-token: scim-setup's own tokens for this app (named for its id, SCIM
   * Provisioning on this account alone), and what was seen and is left (a token named for the app
   * with other rights; one named for an app this org no longer has).
   */
  scimTokens?: { name: string; ids: string[]; left: string[] };
}

/** What the teardown goes as far as: destroy's flags, as a saved plan carries them. */
export type TeardownChoices = {
  deleteCloudflareGroups: boolean;
  deprovisionUsers: boolean;
  revokeScimToken: boolean;
};

/**
 * Pure: the teardown, in the only safe order. Push mappings go first (INACTIVE, then deleted,
 * keeping Cloudflare's groups unless asked); users are unassigned only with --deprovision-users,
 * because unassigning is what makes Okta deactivate them; the app is deactivated, which stops
 * provisioning, before it is deleted with whatever assignments remain.
 */
export function planDestroy(o: DestroyObserved, options: TeardownChoices): Action<DestroyOperation>[] {
  const teardown = appTeardown(o, options);
  const deletion = teardown.filter((a) => a.id === 'app-delete');
  return [...teardown.filter((a) => a.id !== 'app-delete'), ...tokenRevocation(o, options), ...deletion];
}

/**
 * The token goes once the app is deactivated (Okta provisions nothing more with it) and before the
 * app is deleted: the app's id is what proves the token is scim-setup's for it, so a re-run after
 * any failure still finds both.
 */
function tokenRevocation(o: DestroyObserved, options: TeardownChoices): Action<DestroyOperation>[] {
  if (!options.revokeScimToken || !o.scimTokens?.ids.length) return [];
  const { name, ids } = o.scimTokens;
  return [
    {
      id: 'revoke-scim-token',
      kind: 'delete',
      resource: 'scim-token',
      subject: name,
      summary: `revoke the SCIM token${ids.length > 1 ? 's' : ''} scim-setup made for the app ("${name}": ${ids.join(', ')})`,
      operation: { kind: 'revoke-scim-tokens', ids, name },
    },
  ];
}

function appTeardown(o: DestroyObserved, options: TeardownChoices): Action<DestroyOperation>[] {
  if (!o.app) return [];
  const app = oktaPaths.app(o.app.id);
  const actions: Action<DestroyOperation>[] = [];
  for (const m of o.mappings) {
    if (m.status !== 'INACTIVE')
      actions.push({
        id: `push-off:${m.groupName}`,
        kind: 'update',
        resource: 'push-mapping',
        summary: `stop pushing "${m.groupName}"`,
        request: { method: 'PATCH', path: `${app}/group-push/mappings/${m.id}`, body: { status: 'INACTIVE' } },
      });
    actions.push({
      id: `push-delete:${m.groupName}`,
      kind: 'delete',
      resource: 'push-mapping',
      summary: `delete the push mapping of "${m.groupName}"${options.deleteCloudflareGroups ? ' and its Cloudflare group' : ' (its Cloudflare group stays)'}`,
      request: { method: 'DELETE', path: `${app}/group-push/mappings/${m.id}?deleteTargetGroup=${options.deleteCloudflareGroups}` },
    });
  }
  if (options.deprovisionUsers) {
    for (const g of o.assignedGroups)
      actions.push({
        id: `unassign-group:${g.name}`,
        kind: 'delete',
        resource: 'group-assignment',
        summary: `unassign group "${g.name}" (Okta deactivates its members in Cloudflare)`,
        request: { method: 'DELETE', path: `${app}/groups/${g.id}` },
      });
    for (const u of o.directUsers)
      actions.push({
        id: `unassign-user:${u.login}`,
        kind: 'delete',
        resource: 'user-assignment',
        summary: `unassign user ${u.login} (Okta deactivates them in Cloudflare)`,
        request: { method: 'DELETE', path: `${app}/users/${u.id}` },
      });
  }
  if (o.app.status === 'ACTIVE')
    actions.push({
      id: 'app-deactivate',
      kind: 'update',
      resource: 'app',
      summary: `deactivate Okta app "${o.app.label}" (provisioning stops)`,
      request: { method: 'POST', path: `${app}/lifecycle/deactivate` },
    });
  actions.push({
    id: 'app-delete',
    kind: 'delete',
    resource: 'app',
    summary: `delete Okta app "${o.app.label}" (${o.app.id})`,
    request: { method: 'DELETE', path: app },
  });
  return actions;
}

/**
 * Pure: what the teardown leaves in Cloudflare, said before anything is deleted, while a flag can
 * still change it: once the app is gone, Okta can no longer deactivate anyone it provisioned
 * . Groups are mentioned only where some were pushed, members only where some are assigned.
 */
export function destroyWarnings(o: DestroyObserved, options: TeardownChoices): string[] {
  const left = options.revokeScimToken ? (o.scimTokens?.left ?? []) : [];
  if (!o.app) return left;
  const warnings: string[] = [...left];
  if (!options.deprovisionUsers && o.assignedLogins.length > 0)
    warnings.push(
      `Cloudflare keeps the ${o.assignedLogins.length} member${o.assignedLogins.length === 1 ? '' : 's'} this app provisions: once the app is deleted, Okta can no longer deactivate them. To remove them, run with --deprovision-users (now, not after).`,
    );
  if (!options.deleteCloudflareGroups && o.mappings.length > 0)
    warnings.push(
      `Cloudflare keeps the ${o.mappings.length} user group${o.mappings.length === 1 ? '' : 's'} this app pushed (${o.mappings
        .slice(0, 3)
        .map((m) => `"${m.groupName}"`)
        .join(
          ', ',
        )}${o.mappings.length > 3 ? ' …' : ''}). To delete ${o.mappings.length === 1 ? 'it' : 'them'} with the pushes, run with --delete-cloudflare-groups.`,
    );
  if (!options.revokeScimToken)
    warnings.push(
      'The SCIM token Okta holds stays valid in Cloudflare once the app is gone. To revoke the one scim-setup made for this app, run with --revoke-scim-token (now, not after: the app is what binds the token to it); a token made by hand is yours to revoke in Cloudflare.',
    );
  return warnings;
}

/** Pure: the last line of a teardown, naming only what there was. */
export function destroyOutcome(o: DestroyObserved, options: TeardownChoices): string {
  const parts: string[] = [];
  if (o.mappings.length)
    parts.push(options.deleteCloudflareGroups ? 'the pushed user groups were deleted in Cloudflare' : 'Cloudflare keeps the pushed user groups');
  if (o.assignedLogins.length) parts.push(options.deprovisionUsers ? 'the provisioned members were deactivated there' : 'Cloudflare keeps its members');
  // Asked to revoke, what happened to the token is said either way (without the flag, the warning before said it).
  const token = !options.revokeScimToken
    ? ''
    : o.scimTokens?.ids.length
      ? ', and the SCIM token scim-setup made for it is revoked'
      : '. scim-setup made no SCIM token for this app, so none was revoked: a token made by hand stays valid until you revoke it in Cloudflare (Manage Account → Account API Tokens)';
  if (!o.app) return `Done: the Okta app was already gone${token}.`;
  return `Done: the Okta app is gone${parts.length ? `; ${parts.join(', and ')}` : ''}${token}.`;
}

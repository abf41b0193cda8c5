import { describe, expect, it } from 'vitest';
import { destroyOutcome, destroyWarnings, planDestroy, type DestroyObserved } from '../../src/commands/destroy/plan.js';

/** #24 item 5: what a teardown leaves is said before anything is deleted, and only what there was. */
const app = { id: '0oa1', label: 'Cloudflare SCIM', status: 'ACTIVE' };
const pushed: DestroyObserved = {
  app,
  mappings: [{ id: 'm1', sourceGroupId: 'g1', status: 'ACTIVE', groupName: 'Engineering' }],
  assignedGroups: [{ id: 'g1', name: 'Engineering' }],
  directUsers: [],
  assignedLogins: ['ada@example.com', 'bob@example.com'],
};
const assignedOnly: DestroyObserved = { ...pushed, mappings: [] };
const empty: DestroyObserved = { ...pushed, mappings: [], assignedGroups: [], assignedLogins: [] };

describe('destroyWarnings', () => {
  it('names the members and the pushed groups Cloudflare keeps, with the flag that changes it, before deleting', () => {
    expect(destroyWarnings(pushed, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: false })).toEqual([
      'Cloudflare keeps the 2 members this app provisions: once the app is deleted, Okta can no longer deactivate them. To remove them, run with --deprovision-users (now, not after).',
      'Cloudflare keeps the 1 user group this app pushed ("Engineering"). To delete it with the pushes, run with --delete-cloudflare-groups.',
      expect.stringMatching(/^The SCIM token Okta holds stays valid .* run with --revoke-scim-token \(now, not after/),
    ]);
  });
  it('says nothing of groups when none was pushed, nor of what the flags already remove', () => {
    expect(destroyWarnings(assignedOnly, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: true })).toHaveLength(1);
    expect(destroyWarnings(pushed, { deprovisionUsers: true, deleteCloudflareGroups: true, revokeScimToken: true })).toEqual([]);
    expect(destroyWarnings(empty, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: true })).toEqual([]);
    // What was seen of tokens and left is said with the flag, app or not.
    const left = { ...empty, app: undefined, scimTokens: { name: 'n', ids: [], left: ['Token t1 … leaves it.'] } };
    expect(destroyWarnings(left, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: true })).toEqual(['Token t1 … leaves it.']);
  });
});

describe('destroyOutcome', () => {
  it('names only what there was, with no advice that can no longer work', () => {
    expect(destroyOutcome(pushed, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: false })).toBe(
      'Done: the Okta app is gone; Cloudflare keeps the pushed user groups, and Cloudflare keeps its members.',
    );
    expect(destroyOutcome(assignedOnly, { deprovisionUsers: true, deleteCloudflareGroups: false, revokeScimToken: false })).toBe(
      'Done: the Okta app is gone; the provisioned members were deactivated there.',
    );
    expect(destroyOutcome(empty, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: false })).toBe('Done: the Okta app is gone.');
    // Asked to revoke: what happened to the token, either way (#34 item 9: never a silent no-op).
    const withToken = { ...empty, scimTokens: { name: 'n', ids: ['t1'], left: [] } };
    expect(destroyOutcome(withToken, { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: true })).toBe(
      'Done: the Okta app is gone, and the SCIM token scim-setup made for it is revoked.',
    );
    expect(
      destroyOutcome(
        { ...withToken, scimTokens: { name: 'n', ids: [], left: [] } },
        { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: true },
      ),
    ).toMatch(/scim-setup made no SCIM token for this app, so none was revoked: a token made by hand stays valid/);
  });
});

describe('planDestroy', () => {
  it('revokes the token once the app is deactivated and before it is deleted: the app is what binds the token to it, so a re-run after any failure still finds both', () => {
    const ids = planDestroy(
      { ...pushed, scimTokens: { name: 'n', ids: ['t1'], left: [] } },
      { deprovisionUsers: false, deleteCloudflareGroups: false, revokeScimToken: true },
    ).map((a) => a.id);
    expect(ids.slice(-3)).toEqual(['app-deactivate', 'revoke-scim-token', 'app-delete']);
  });
});

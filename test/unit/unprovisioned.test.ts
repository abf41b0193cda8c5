import { describe, expect, it } from 'vitest';
import { provisionRepairs, stuckState, type UnprovisionedFacts } from '../../src/plan/unprovisioned.js';
import { retryOutlook } from '../../src/verify/rate-limit.js';

/** #21 facts 8, 14 (Okta Help, "Provision unprovisioned users"; the API reference's AppUser syncState). */
describe('stuckState', () => {
  it.each([
    [{ status: 'ACTIVE', syncState: 'DISABLED', externalId: null }, 'unprovisioned'],
    [{ status: 'ACTIVE', syncState: 'ERROR', externalId: null }, 'failed-task'],
    [{ status: 'ACTIVE', syncState: 'SYNCING', externalId: null }, undefined],
    [{ status: 'PROVISIONED', syncState: 'SYNCHRONIZED', externalId: 'x' }, undefined],
    [{ status: 'PROVISIONED', syncState: 'ERROR', externalId: 'x' }, undefined],
    // Queued work, whatever its syncState (#35): never "assigned before provisioning was on".
    [{ status: 'STAGED', syncState: 'DISABLED', externalId: null }, undefined],
  ] as const)('%j → %s', (appUser, state) => {
    expect(stuckState(appUser)).toBe(state);
  });
});

describe('provisionRepairs', () => {
  const facts = (over: Partial<UnprovisionedFacts> = {}): UnprovisionedFacts => ({
    users: [
      { login: 'direct@example.com', id: '00u1', direct: true },
      { login: 'grouped@example.com', id: '00u2', direct: false },
    ],
    groups: [{ id: '00g1', name: 'Team', priority: 2, members: ['grouped@example.com'], anyProvisioned: false }],
    assignmentsLink: 'https://acme-admin.okta.com/admin/app/scim2testapp/instance/0oa1/#tab-assignments',
    ...over,
  });
  const named = { assignUsers: ['Direct@Example.com'], assignGroups: ['Team'], pushGroups: [] };
  const ids = (f: UnprovisionedFacts, inputs = named) => provisionRepairs(f, '0oa1', inputs).map((a) => `${a.id}:${a.kind}`);

  it('re-assigns a named direct user and a named group none of whose members is provisioned, with its priority', () => {
    const actions = provisionRepairs(facts(), '0oa1', named);
    expect(actions.map((a) => a.id)).toEqual(['repair:user:direct@example.com', 'repair:provision-group:Team']);
    expect(actions[1].followUps).toEqual([{ method: 'PUT', path: '/api/v1/apps/0oa1/groups/00g1', body: { priority: 2 } }]);
    expect(actions[0].manualFallback?.steps[0]).toContain('#tab-assignments');
  });
  it('leaves to a person a group with a provisioned member, a user two groups assign, a direct user a group assigns too, and what the run does not name', () => {
    expect(ids(facts({ groups: [{ id: '00g1', name: 'Team', members: ['grouped@example.com'], anyProvisioned: true }] }))).toEqual([
      'repair:user:direct@example.com:update',
      'repair:provision-users:manual',
    ]);
    const two = [
      { id: '00g1', name: 'Team', members: ['grouped@example.com'], anyProvisioned: false },
      { id: '00g2', name: 'Other', members: ['grouped@example.com', 'direct@example.com'], anyProvisioned: false },
    ];
    expect(ids(facts({ groups: two }), { ...named, assignGroups: ['Team', 'Other'] })).toEqual(['repair:provision-users:manual']);
    expect(ids(facts(), { assignUsers: [], assignGroups: [], pushGroups: [] })).toEqual(['repair:provision-users:manual']);
  });
  it('names every user left to a person in one step with the link', () => {
    const [step] = provisionRepairs(facts(), '0oa1', { assignUsers: [], assignGroups: [], pushGroups: [] });
    expect(step.summary).toBe('provision 2 users in Okta: assigned before provisioning was on, they are not provisioned by Okta by itself');
    expect(step.detail).toContain('direct@example.com, grouped@example.com');
    expect(step.detail).toContain('#tab-assignments');
  });
});

/** #21 fact 13: Okta's default waits (shared/reference/okta-scim-protocol/scim-rate-limiting-429.md). */
describe('retryOutlook', () => {
  it('counts the pauses and bounds the next retry by the default waits, doubled per pause', () => {
    expect(retryOutlook([])).toBeUndefined();
    expect(retryOutlook(['2026-11-30T10:00:00.000Z'])).toEqual({ pauses: 1, last: '2026-11-30T10:00:00.000Z', dueBy: '2026-11-30T10:05:00.000Z' });
    expect(retryOutlook(['2026-11-30T10:05:00.000Z', '2026-11-30T10:00:00.000Z', '2026-11-30T10:15:00.000Z'])?.dueBy).toBe('2026-11-30T10:35:00.000Z');
  });
});

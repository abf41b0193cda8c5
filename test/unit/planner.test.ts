import { describe, expect, it } from 'vitest';
import { appLabelHint } from '../../src/lib/inputs.js';
import { plan } from '../../src/commands/okta/plan.js';
import { summarize, summaryLine } from '../../src/plan/render.js';
import { inputContradictions, planDifferences, targetMismatches, toSavedPlan } from '../../src/plan/saved-plan.js';
import type { Desired, ObservedApp } from '../../src/plan/types.js';
import type { Observed } from '../../src/plan/observed.js';

const desired: Desired = {
  appName: 'scim2testapp',
  appLabel: 'Cloudflare SCIM',
  accountId: 'acct',
  groupRoles: {},
  scimBaseUrl: 'https://api.cloudflare.com/client/v4/accounts/x/scim/v2',
  scimTokenFingerprint: 'sha256:abc',
  assignGroups: ['Sales', 'Engineering'],
  pushGroups: ['Engineering'],
  assignUsers: ['ada@example.com'],
};
const groups = { Sales: { id: 'g1', name: 'Sales' }, Engineering: { id: 'g2', name: 'Engineering' } };
const users = { 'ada@example.com': { id: 'u1', login: 'ada@example.com' } };
const hidden = { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: true, web: true } };
const ON = ['GROUP_PUSH', 'PUSH_NEW_USERS', 'PUSH_USER_DEACTIVATION'];
const app = (over: Partial<ObservedApp> = {}): ObservedApp => ({
  id: 'a1',
  label: 'Cloudflare SCIM',
  status: 'ACTIVE',
  created: '2026-01-01T00:00:00Z',
  visibility: hidden,
  features: ON,
  ...over,
});
const observed = (over: Partial<Observed> = {}): Observed => ({
  duplicateApps: [],
  groups,
  users,
  assignedGroupIds: [],
  assignedUserIds: [],
  mappings: [],
  ...over,
});
const kinds = (o: Observed) => Object.fromEntries(plan(desired, o).actions.map((a) => [a.id, a.kind]));

describe('the planner (pure)', () => {
  it.each<[string, Observed, Record<string, string>]>([
    [
      'nothing exists',
      observed(),
      {
        app: 'create',
        provisioning: 'update',
        'group-assignment:Sales': 'create',
        'group-assignment:Engineering': 'create',
        'user-assignment:ada@example.com': 'create',
        'push-mapping:Engineering': 'create',
      },
    ],
    [
      'converged',
      observed({ app: app(), assignedGroupIds: ['g1', 'g2'], assignedUserIds: ['u1'], mappings: [{ id: 'm1', sourceGroupId: 'g2', status: 'ACTIVE' }] }),
      {
        app: 'noop',
        'app-visibility': 'noop',
        provisioning: 'noop',
        'group-assignment:Sales': 'noop',
        'group-assignment:Engineering': 'noop',
        'user-assignment:ada@example.com': 'noop',
        'push-mapping:Engineering': 'noop',
      },
    ],
    ['app inactive', observed({ app: app({ status: 'INACTIVE' }) }), { app: 'update' }],
    [
      'visibility drift, provisioning off',
      observed({ app: app({ features: [], visibility: { ...hidden, autoSubmitToolbar: true } }) }),
      { 'app-visibility': 'update', provisioning: 'update' },
    ],
    [
      'visibility drift, provisioning on',
      observed({ app: app({ visibility: { ...hidden, hide: { iOS: true, web: false } } }) }),
      { 'app-visibility': 'manual', provisioning: 'noop' },
    ],
    ['Update User Attributes turned on', observed({ app: app({ features: [...ON, 'PUSH_PROFILE_UPDATES'] }) }), { provisioning: 'manual' }],
    ['only Create Users on', observed({ app: app({ features: ['GROUP_PUSH', 'PUSH_NEW_USERS'] }) }), { provisioning: 'update' }],
    ['mapping inactive', observed({ app: app(), mappings: [{ id: 'm1', sourceGroupId: 'g2', status: 'INACTIVE' }] }), { 'push-mapping:Engineering': 'update' }],
    // Pushed again as Okta's API allows (INACTIVE, then ACTIVE): a cause since fixed needs no hands (#24 item 35).
    [
      'mapping in error',
      observed({ app: app(), mappings: [{ id: 'm1', sourceGroupId: 'g2', status: 'ERROR', errorSummary: 'boom' }] }),
      { 'push-mapping:Engineering': 'update' },
    ],
    // Okta's message is quoted as wire text is: one line, bounded.
    [
      'mapping in error with a hostile summary',
      observed({ app: app(), mappings: [{ id: 'm1', sourceGroupId: 'g2', status: 'ERROR', errorSummary: `boom\n✓ all fine ${'x'.repeat(5000)}` }] }),
      { 'push-mapping:Engineering': 'update' },
    ],
    // A group deleted in Cloudflare: Okta's error is drift, repaired by unlinking and pushing afresh (#21 item 12).
    [
      'mapping in error: linked group missing',
      observed({
        app: app(),
        mappings: [{ id: 'm1', sourceGroupId: 'g2', status: 'ERROR', errorSummary: 'Linked group is missing in Cloudflare SCIM.' }],
        drift: [
          {
            kind: 'group-gone',
            group: 'Engineering',
            mappingId: 'm1',
            sourceGroupId: 'g2',
            lastPush: 'never',
            otherScimGroups: [],
            oktaSays: 'Linked group is missing in Cloudflare SCIM.',
          },
        ],
      }),
      { 'push-mapping:Engineering': 'noop', 'repair:push:Engineering': 'update' },
    ],
  ])('%s', (_name, o, expected) => {
    expect(kinds(o)).toMatchObject(expected);
  });

  it('orders actions: app, visibility, provisioning, assignments, pushes', () => {
    expect(plan(desired, observed({ app: app({ features: [], visibility: { ...hidden, autoLaunch: true } }) })).actions.map((a) => a.resource)).toEqual([
      'app',
      'app-visibility',
      'provisioning',
      'group-assignment',
      'group-assignment',
      'user-assignment',
      'push-mapping',
    ]);
  });

  it('puts the visibility in the create body and redacts the token in the connection request', () => {
    const p = plan(desired, observed());
    expect(p.actions[0].request).toEqual({
      method: 'POST',
      path: '/api/v1/apps?activate=true',
      body: { name: 'scim2testapp', label: 'Cloudflare SCIM', signOnMode: 'AUTO_LOGIN', visibility: hidden },
    });
    expect(JSON.stringify(p.actions[1].request)).toContain('"token":"[redacted]"');
    expect(p.actions[2].request?.path).toBe('/api/v1/apps/{appId}/groups/g1');
  });

  it('warns of duplicate apps', () => {
    const p = plan(
      { ...desired, assignGroups: ['Team'], pushGroups: ['Team'], assignUsers: [] },
      observed({ groups: { Team: { id: 'g9', name: 'Team' } }, app: app(), duplicateApps: [{ id: 'a2', label: 'Cloudflare SCIM', created: 'x' }] }),
    );
    expect(p.warnings).toEqual([expect.stringContaining('2 scim2testapp apps are labelled "Cloudflare SCIM"')]);
  });

  it('a saved plan equals a fresh one from the same world, and names what changed otherwise', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const acct = desired.accountId;
    const before = toSavedPlan(plan(desired, observed()), desired, 'https://acme.okta.com', acct, undefined, now);
    expect(planDifferences(before, toSavedPlan(plan(desired, observed()), desired, 'https://acme.okta.com', acct, undefined, now))).toEqual([]);
    const after = toSavedPlan(plan(desired, observed({ app: app(), assignedGroupIds: ['g1'] })), desired, 'https://acme.okta.com', acct, 'a1', now);
    expect(planDifferences(before, after)).toEqual(
      expect.arrayContaining([
        'Okta app: plan (none yet), now a1',
        'action app: plan create, now noop',
        'action group-assignment:Sales: plan create, now noop',
        'action app-visibility: needed now, not in the plan',
      ]),
    );
    // Inputs that differ are not a changed world: they contradict the plan, and say where they came from.
    expect(inputContradictions(before, { desired: { ...desired, scimTokenFingerprint: 'sha256:def' } })).toEqual([
      'scimTokenFingerprint: plan "sha256:abc", given "sha256:def" (the SCIM token (CLOUDFLARE_SCIM_TOKEN or --scim-token-file))',
    ]);
    // A pushed group is assigned too: a difference it alone makes is said as implied by --push-group (#24 item 14).
    const pushing = { ...desired, pushGroups: [...desired.pushGroups, 'Ops'], assignGroups: [...desired.assignGroups, 'Ops'] };
    expect(inputContradictions(before, { desired: pushing })).toEqual([
      `assignGroups: plan ${JSON.stringify(desired.assignGroups)}, given ${JSON.stringify(pushing.assignGroups)} (implied by --push-group: a pushed group is assigned too)`,
      `pushGroups: plan ${JSON.stringify(desired.pushGroups)}, given ${JSON.stringify(pushing.pushGroups)} (--push-group)`,
    ]);
    expect(inputContradictions(before, { desired: { ...desired, assignGroups: [...desired.assignGroups, 'Ops'] } })[0]).toMatch(/\(--assign-group\)$/);
    // Where credentials go is not an input a plan carries: it is a target the run's own inputs set, checked apart.
    expect(inputContradictions(before, { desired: { ...desired, scimBaseUrl: 'https://evil.example/accounts/x/scim/v2' } })).toEqual([]);
    const here = { orgUrl: 'https://acme.okta.com', accountId: acct, scimBaseUrl: desired.scimBaseUrl };
    expect(targetMismatches(before, { ...here, orgUrl: 'https://other.okta.com' })).toEqual([
      'Okta org: the plan names https://acme.okta.com; this run connects to https://other.okta.com',
    ]);
    expect(targetMismatches(before, { ...here, scimBaseUrl: 'https://evil.example/accounts/x/scim/v2' })).toEqual([
      `Cloudflare SCIM base: the plan names ${desired.scimBaseUrl}; this run connects to https://evil.example/accounts/x/scim/v2`,
    ]);
    expect(targetMismatches(before, here)).toEqual([]);
    // A plan edited to another account (top-level or in what it desires) is refused where this run's account is another.
    const other = 'ffffffffffffffffffffffffffffffff';
    expect(targetMismatches({ ...before, accountId: other }, here)).toEqual([`Cloudflare account: the plan names ${other}; this run's is ${acct}`]);
    expect(targetMismatches({ ...before, desired: { ...before.desired, accountId: other } }, here)).toHaveLength(1);
  });

  it("a saved plan whose operation now names other tokens is stale, though its kind and requests are the same (a reviewed 'revoke A' never revokes B)", () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const revoke = (ids: string[]) => ({
      actions: [
        {
          id: 'revoke-old-tokens',
          kind: 'delete' as const,
          resource: 'scim-token' as const,
          summary: 'revoke',
          operation: { kind: 'revoke-scim-tokens' as const, ids, name: 'n' },
        },
      ],
      warnings: [],
    });
    const saved = toSavedPlan(revoke(['A']), desired, 'https://acme.okta.com', desired.accountId, 'a1', now, 'rotate-token');
    expect(planDifferences(saved, toSavedPlan(revoke(['A']), desired, 'https://acme.okta.com', desired.accountId, 'a1', now, 'rotate-token'))).toEqual([]);
    expect(planDifferences(saved, toSavedPlan(revoke(['B']), desired, 'https://acme.okta.com', desired.accountId, 'a1', now, 'rotate-token'))).toEqual([
      'action revoke-old-tokens: plan revoke A, now revoke B',
    ]);
    const make = (adopt?: string) => ({
      actions: [
        {
          id: 'scim-token',
          kind: 'update' as const,
          resource: 'scim-token' as const,
          summary: 'adopt',
          operation: { kind: 'make-scim-token' as const, name: 'n', permissionGroupId: 'pg', adopt, revoke: [] },
        },
      ],
      warnings: [],
    });
    expect(planDifferences(toSavedPlan(make('A'), desired, 'o', 'x', 'a1', now), toSavedPlan(make('B'), desired, 'o', 'x', 'a1', now))).toEqual([
      'action scim-token: plan adopt A (permission group pg), now adopt B (permission group pg)',
    ]);
  });

  it('counts a step that may fall back to a guided step as manual, and says so', () => {
    const p = plan(desired, observed());
    expect(summarize(p)).toMatchObject({ update: 0, manual: 1 });
    expect(summaryLine(p)).toBe('Plan: 5 to create, 0 to update, 0 to delete, 1 manual (a guided step unless Okta takes it by API), 0 unchanged.');
  });

  it('warns of an empty group (assigned or pushed) and of a run that provisions nobody', () => {
    const empty = plan(desired, observed({ groups: { ...groups, Engineering: { ...groups.Engineering, members: 0 } } }));
    expect(empty.warnings).toEqual([
      expect.stringContaining('Group "Engineering" has no members: assigning it provisions nobody, and Okta does not push an empty group'),
    ]);
    const nobody = plan({ ...desired, assignGroups: [], pushGroups: [], assignUsers: [] }, observed());
    expect(nobody.warnings).toEqual([expect.stringContaining('nobody will be provisioned')]);
    // Everyone is every user of the org: said with its size (#24 item 32).
    const everyone = plan(
      { ...desired, assignGroups: ['Everyone'], pushGroups: [] },
      observed({ groups: { ...groups, Everyone: { id: 'g0', name: 'Everyone', members: 10_000 } } }),
    );
    expect(everyone.warnings).toContain(
      'Group "Everyone" holds every user in the Okta org (10000): each of them becomes a Cloudflare account member. Assign a narrower group unless that is meant.',
    );
    // What Okta has assigned already is said as it is (#24 item 3).
    const kept = plan(
      { ...desired, assignGroups: [], pushGroups: [], assignUsers: [] },
      observed({ app: app(), assignedGroupIds: ['g1', 'g2', 'g3', 'g4'], assignedUserIds: ['u1'] }),
    );
    expect(kept.warnings).toContain(
      'This run names no group or user; the app keeps what Okta has assigned (4 groups and 1 user assigned directly), which it leaves as it is.',
    );
    // What the app has beyond what a run names is left alone, and said by name (#24 item 32).
    const beyond = plan(desired, observed({ app: app(), assignedGroupIds: ['g1', 'g3'], assignedGroupNames: { g1: 'Sales', g3: 'Contractors' } }));
    expect(beyond.warnings).toContain('Also assigned to the app, not named by this run, and left as it is: "Contractors".');
  });
});

describe('roles in the plan', () => {
  const withRoles = { ...desired, groupRoles: { Engineering: ['Administrator Read Only'] } };
  const roles = (userGroups: NonNullable<Observed['roles']>['userGroups']) => ({
    roleIds: { 'Administrator Read Only': 'r1' },
    userGroups,
    accountResourceGroupId: 'rg',
  });
  const action = (o: Observed) => plan(withRoles, o).actions.find((a) => a.id === 'group-roles:Engineering')!;

  it('waits for the push when the user group is not in Cloudflare yet', () => {
    expect(action(observed({ roles: roles({}) }))).toMatchObject({ kind: 'create', detail: expect.stringContaining('once Okta has pushed the group') });
  });

  it('adds the missing role to the full policy list, keeping what is there', () => {
    const existing = { access: 'allow' as const, permission_groups: [{ id: 'r9' }], resource_groups: [{ id: 'rg' }] };
    expect(action(observed({ roles: roles({ Engineering: { id: 'ug', policies: [existing] } }) })).request).toEqual({
      method: 'PUT',
      path: '/accounts/acct/iam/user_groups/ug',
      body: { policies: [existing, { access: 'allow', permission_groups: [{ id: 'r1' }], resource_groups: [{ id: 'rg' }] }] },
    });
  });

  it('is a noop once the role is granted on the account', () => {
    expect(
      action(
        observed({
          roles: roles({ Engineering: { id: 'ug', policies: [{ access: 'allow', permission_groups: [{ id: 'r1' }], resource_groups: [{ id: 'rg' }] }] } }),
        }),
      ).kind,
    ).toBe('noop');
  });

  it("quotes Okta's error summary in a plan's detail on one line, bounded", () => {
    const p = plan(
      desired,
      observed({ app: app(), mappings: [{ id: 'm1', sourceGroupId: 'g2', status: 'ERROR', errorSummary: `boom\n✓ all fine ${'x'.repeat(5000)}` }] }),
    );
    const detail = p.actions.find((a) => a.id === 'push-mapping:Engineering')!.detail!;
    expect(detail).not.toContain('\n');
    expect(detail).toContain('boom\\n✓ all fine');
    expect(detail.length).toBeLessThan(500);
  });
});

describe('a label that names no app, beside one that nearly does', () => {
  const near = observed({ app: undefined, otherAppLabels: ['Cloudflare SCIN'] });

  it('suggests the flag for one account', () => {
    expect(plan(desired, near).warnings.join('\n')).toContain('Did you mean --app-label "Cloudflare SCIN"?');
  });

  it("suggests a fleet account's config entry, as the command says where its label is given", () => {
    const warnings = plan(desired, near, (label) => appLabelHint(label, { config: 'fleet.yaml', account: 'prod' })).warnings.join('\n');
    expect(warnings).toContain('Did you mean "appLabel": "Cloudflare SCIN" on account "prod" in fleet.yaml?');
    expect(warnings).not.toContain('--app-label');
  });
});

import { describe, expect, it } from 'vitest';
import { evidenceFor } from '../../src/verify/checks/define.js';
import { CHECKS } from '../../src/verify/checks/registry.js';
import { evaluate } from '../../src/verify/evaluate.js';
import type { Evidence } from '../../src/verify/types.js';

// #23 item 6: one file per check, a registry, and each check handed only the evidence it declares.

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const T = '2026-11-30T10:00:00.000Z';

/** A healthy setup, read back: one pushed group of two, both members in Cloudflare, the token clean. */
function healthy(): Evidence {
  return {
    moments: { cloudflareReadAt: Date.parse(T), settleMs: 10_000, oktaClockOffsetMs: 0 },
    accountId: ACCOUNT,
    scimToken: { ok: true, detail: 'answered with SCIM' },
    tokenLife: {
      known: true,
      id: 't1',
      source: 'given',
      status: 'active',
      expiresOn: '2027-06-01T00:00:00Z',
      daysLeft: 170,
      accountOwned: true,
      rights: { extra: [], otherResources: [], scim: true },
    },
    app: {
      id: '0oa1',
      label: 'Cloudflare SCIM',
      status: 'ACTIVE',
      features: ['PUSH_NEW_USERS', 'PUSH_USER_DEACTIVATION'],
      visibility: { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: true, web: true } },
    },
    assignedLogins: ['ada@acme.com', 'bob@acme.com'],
    oktaSynced: { 'ada@acme.com': T, 'bob@acme.com': T },
    appUsers: {
      'ada@acme.com': { id: '00u1', scope: 'GROUP', provisioned: true },
      'bob@acme.com': { id: '00u2', scope: 'GROUP', provisioned: true },
    },
    cloudflareUsers: { 'ada@acme.com': { id: 'c1', active: true, provisioned: true }, 'bob@acme.com': { id: 'c2', active: true, provisioned: true } },
    assignedGroupNames: ['Engineering'],
    pushGroups: [
      { name: 'Engineering', groupId: '00g1', mapping: { id: 'm1', status: 'ACTIVE', lastPush: T }, assignedMemberLogins: ['ada@acme.com', 'bob@acme.com'] },
    ],
    scimGroups: { Engineering: { id: 'g1', memberEmails: ['ada@acme.com', 'bob@acme.com'] } },
    otherScimGroups: [],
    userGroups: { Engineering: { id: 'ug1', policies: 1, grantedRoleIds: ['r1'] } },
    wantedRoles: { Engineering: [{ name: 'Administrator Read Only', id: 'r1' }] },
    superAdminEmails: [],
    oktaFailures: [],
    audit: { count: 3, latest: T, tokenId: 't1', others: { count: 0, tokenIds: [] }, unattributed: 0 },
    since: T,
    adminLinks: { assignments: 'https://acme-admin.okta.com/a', tasks: 'https://acme-admin.okta.com/t' },
    baseUrl: { expected: `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/scim/v2`, okta: null },
  };
}

describe('the checks registry', () => {
  it('gives every check a distinct id and a declared, non-empty list of what it reads', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) {
      expect(c.reads.length, c.id).toBeGreaterThan(0);
      expect(new Set(c.reads).size, c.id).toBe(c.reads.length);
    }
  });

  it('a healthy reading passes every check, and each check names its results by its own id', () => {
    const e = healthy();
    const checks = evaluate(e, []);
    expect(checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual([
      'scim-token',
      'scim-token-life',
      'okta-provisioning',
      'push-group:Engineering',
      'roles:Engineering',
      'members',
      'okta-log',
      'cloudflare-audit',
    ]);
    for (const check of CHECKS)
      for (const result of [check.run(evidenceFor(e, check.reads), [])].flat()) expect(result.id.startsWith(check.id), result.id).toBe(true);
  });

  it("with SCIM unreadable (a refused token), Cloudflare's side is 'could not read', never 'not there yet' (#34 item 12)", () => {
    const refused: Evidence = {
      ...healthy(),
      scimToken: { ok: false, status: 401, message: 'Cloudflare does not know the token in CLOUDFLARE_SCIM_TOKEN', auth: true },
      cloudflareUsers: {},
    };
    const checks = evaluate(refused);
    for (const id of ['members', 'push-group:Engineering'])
      expect(checks.find((c) => c.id === id)).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/^could not read Cloudflare's/) });
    expect(checks.filter((c) => c.status === 'pending')).toEqual([]);
    expect(checks.find((c) => c.id === 'scim-token')).toMatchObject({ status: 'fail' });
  });

  it('a group push failure Okta retries (its catalogue) is pending, not failed; one it will not retry fails (#35)', () => {
    const failure = (eventType: string) => ({ eventType, displayMessage: 'x', reason: 'HTTP 503', published: '2026-12-04T10:00:00.000Z' });
    const retried = evaluate({ ...healthy(), oktaFailures: [failure('application.provision.group_push.mapping.update.or.delete.failed')] });
    expect(retried.find((c) => c.id === 'okta-log')).toMatchObject({ status: 'pending', summary: expect.stringContaining('Okta retries by itself') });
    const final = evaluate({ ...healthy(), oktaFailures: [failure('application.provision.group_push.mapping.update.or.delete.failed.with.error')] });
    expect(final.find((c) => c.id === 'okta-log')).toMatchObject({ status: 'fail' });
  });

  it("Okta's latest requests by another token than the one given warn, however much of the window the given token had (#35 item 10)", () => {
    const audit = (othersLatest: string) => ({
      count: 40,
      latest: '2026-12-04T10:00:00Z',
      tokenId: 'given',
      others: { count: 3, tokenIds: ['other'], latest: othersLatest },
      unattributed: 0,
    });
    const now = evaluate({ ...healthy(), audit: audit('2026-12-04T10:05:00Z') }).find((c) => c.id === 'cloudflare-audit');
    expect(now).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining("Okta's latest SCIM requests (at 2026-12-04T10:05:00Z) carry another token"),
    });
    const before = evaluate({ ...healthy(), audit: audit('2026-12-04T09:55:00Z') }).find((c) => c.id === 'cloudflare-audit');
    expect(before?.status).toBe('pass');
  });

  it("an audit log that records no user agent shows the token's SCIM traffic and cannot say whose: a warning, never pending or failed (#35, auditUserAgent=absent)", () => {
    const blind = { count: 0, tokenId: 't1', others: { count: 0, tokenIds: [] }, unattributed: 5 };
    expect(evaluate({ ...healthy(), audit: blind }).find((c) => c.id === 'cloudflare-audit')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('5 SCIM requests by the SCIM token since'),
    });
    // Where Okta's own requests are told, they decide, as ever.
    expect(evaluate({ ...healthy(), audit: { ...blind, count: 2 } }).find((c) => c.id === 'cloudflare-audit')?.status).toBe('pass');
  });

  it('hands a check only what it declares: evidence it did not declare is not there to read', () => {
    const e = healthy();
    const roles = CHECKS.find((c) => c.id === 'roles:');
    expect(Object.keys(evidenceFor(e, roles?.reads ?? [])).sort()).toEqual(['userGroups', 'wantedRoles']);
    // What a check reads decides its verdict: the same change elsewhere leaves it as it was.
    const changed = { ...e, wantedRoles: { Engineering: [{ name: 'Billing', id: 'r2' }] } };
    expect(evaluate(changed, []).find((c) => c.id === 'roles:Engineering')?.status).toBe('fail');
    expect(evaluate(changed, []).find((c) => c.id === 'members')?.status).toBe('pass');
  });
});

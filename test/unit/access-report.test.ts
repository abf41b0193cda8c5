import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../src/commands/report/csv.js';
import { accessReport, withoutPeople } from '../../src/commands/report/document.js';
import { esc, reportHtml } from '../../src/commands/report/html.js';
import type { AccessEvidence } from '../../src/commands/report/read.js';
import { csvDocument, csvField } from '../../src/lib/csv.js';
import { deprovisionings, deprovisioningSummary, type DeprovisioningFacts, type LoggedEvent } from '../../src/plan/deprovisioning.js';
import { ungovernedMembers, type GovernanceFacts } from '../../src/plan/ungoverned.js';

/** Pure logic of `scim-setup report`: no HTTP, every rule on a small world written out. */
const SUPER = 'super-admin-role';
const t = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, seconds)).toISOString();

function governance(over: Partial<GovernanceFacts> = {}): GovernanceFacts {
  return {
    members: [],
    appUsers: [],
    oktaUsers: new Map(),
    invitedAt: new Map(),
    auditReach: t(0),
    lingering: new Map(),
    superAdminRoleId: SUPER,
    expectedOutside: [],
    ...over,
  };
}

describe('outside Okta: who the app does not govern', () => {
  const role = (name: string, id = name) => ({ id, name });

  it('governs only those Okta linked (either way) and still assigns; everyone else is listed, Super Administrators first', () => {
    const rows = ungovernedMembers(
      governance({
        appUsers: [
          { oktaUserId: '00uA', login: 'a@x.com', externalId: 'scimA' },
          { oktaUserId: '00uB', login: 'b@x.com', externalId: null },
        ],
        members: [
          { email: 'a@x.com', status: 'accepted', roles: [role('Minimal')], scim: { id: 'scimA' } },
          { email: 'b@x.com', status: 'accepted', roles: [role('Minimal')], scim: { id: 'scimB', externalId: '00uB' } },
          { email: 'zed@x.com', status: 'accepted', roles: [role('Billing')], scim: { id: 'scimZ' } },
          { email: 'owner@x.com', status: 'accepted', roles: [role('Super Administrator', SUPER)], scim: { id: 'scimO' } },
        ],
      }),
    );
    expect(rows.map((r) => [r.email, r.superAdmin, r.came])).toEqual([
      ['owner@x.com', true, 'unknown'],
      ['zed@x.com', false, 'unknown'],
    ]);
    expect(rows[0].why).toContain(t(0));
  });

  it('tells an invitation, another identity provider, a former assignee and the expected apart', () => {
    const rows = ungovernedMembers(
      governance({
        appUsers: [{ oktaUserId: '00uA', login: 'a@x.com', externalId: 'scimA' }],
        oktaUsers: new Map([['00uGONE', { login: 'gone@x.com' }]]),
        invitedAt: new Map([['hand@x.com', t(5)]]),
        lingering: new Map([['gone@x.com', "Okta's deactivation failed"]]),
        expectedOutside: ['Hand@X.com'],
        members: [
          // Pending: outside even when the e-mail is an assigned user's (an invitation is no provisioning).
          { email: 'a@x.com', status: 'pending', roles: [], scim: { id: 'scimA' } },
          { email: 'hand@x.com', status: 'accepted', roles: [], scim: { id: 'scimH' } },
          { email: 'other@x.com', status: 'accepted', roles: [], scim: { id: 'scimO', externalId: 'azure-123' } },
          { email: 'gone@x.com', status: 'accepted', roles: [], scim: { id: 'scimG', externalId: '00uGONE' } },
        ],
      }),
    );
    const by = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(by['a@x.com']).toMatchObject({ came: 'invited', status: 'pending', expected: false });
    expect(by['hand@x.com']).toMatchObject({ came: 'invited', joinedAt: t(5), expected: true });
    expect(by['other@x.com']).toMatchObject({ came: 'scim-other' });
    expect(by['other@x.com'].why).toContain('azure-123');
    expect(by['gone@x.com']).toMatchObject({ came: 'scim-unassigned' });
    expect(by['gone@x.com'].why).toContain("Okta's deactivation failed");
  });
});

const user = (login: string, id = `00u-${login}`) => ({ id, type: 'User', alternateId: login, displayName: login });
const group = (id: string, name: string) => ({ id, type: 'UserGroup', alternateId: name, displayName: name });
const app = { id: 'app1', type: 'AppInstance', alternateId: 'Cloudflare SCIM' };
const event = (eventType: string, seconds: number, targets: LoggedEvent['target'], result = 'SUCCESS', reason?: string): LoggedEvent => ({
  eventType,
  published: t(seconds),
  outcome: { result, ...(reason ? { reason } : {}) },
  target: targets,
});
const scimDelete = (id: string, seconds: number) => ({
  action: { time: t(seconds), description: 'Delete SCIM User', type: 'delete' },
  raw: { uri: `/accounts/acc/scim/v2/Users/${id}`, user_agent: 'Okta SCIM Client 1.0.0' },
  resource: { id },
});

function facts(over: Partial<DeprovisioningFacts> = {}): DeprovisioningFacts {
  return {
    events: [],
    appId: 'app1',
    assignedLogins: new Set(),
    assignedGroupIds: new Set(['gSales']),
    scimUsers: new Map(),
    audit: [],
    cloudflareRead: true,
    deactivateUsers: true,
    reach: { okta: t(0), cloudflare: t(0) },
    now: t(59),
    ...over,
  };
}

describe('deprovisioning: what asked, when Okta sent it, when Cloudflare removed them', () => {
  it('times a removal from the group removal that asked to the audit entry, in seconds', () => {
    const rows = deprovisionings(
      facts({
        events: [
          event('group.user_membership.remove', 10, [user('ann@x.com'), group('gSales', 'Sales')]),
          event('application.provision.user.deactivate', 12, [user('ann@x.com'), app]),
        ],
        scimUsers: new Map([['ann@x.com', { id: 'sAnn', active: false, madeOverScim: true }]]),
        // An older removal of the same person (before the request) is not this one.
        audit: [scimDelete('sAnn', 14), scimDelete('sAnn', 2)],
      }),
    );
    expect(rows).toEqual([
      {
        login: 'ann@x.com',
        cause: 'removed-from-group',
        causeDetail: 'group Sales',
        requestedAt: t(10),
        oktaSentAt: t(12),
        removedAt: t(14),
        seconds: 4,
        outcome: 'removed',
      },
    ]);
  });

  it('a group unassigned from the app asks for its members; Okta alone, when nothing older is in its log', () => {
    const rows = deprovisionings(
      facts({
        events: [
          event('group.application_assignment.remove', 3, [group('gOld', 'Old'), app]),
          event('application.provision.user.deactivate', 5, [user('bo@x.com'), app]),
        ],
        scimUsers: new Map([['bo@x.com', { id: 'sBo', active: false }]]),
        audit: [scimDelete('sBo', 6)],
      }),
    );
    expect(rows[0]).toMatchObject({ cause: 'group-unassigned', causeDetail: 'group Old', seconds: 3 });
    const alone = deprovisionings(
      facts({
        events: [event('application.provision.user.deactivate', 5, [user('bo@x.com'), app])],
        scimUsers: new Map([['bo@x.com', { id: 'sBo', active: false }]]),
      }),
    );
    expect(alone[0]).toMatchObject({ cause: 'okta', requestedAt: t(5), outcome: 'removed', seconds: null });
    expect(alone[0].why).toMatch(/audit log holds no SCIM removal/);
  });

  it('says why someone is still a member: a failed deactivation, Deactivate Users off, or not sent yet', () => {
    const scimUsers = new Map([['cy@x.com', { id: 'sCy', active: true, madeOverScim: true }]]);
    const unassigned = event('application.user_membership.remove', 20, [user('cy@x.com'), app]);
    const failed = deprovisionings(
      facts({ scimUsers, events: [unassigned, event('application.provision.user.deactivate', 21, [user('cy@x.com'), app], 'FAILURE', 'HTTP 500')] }),
    );
    expect(failed[0]).toMatchObject({ cause: 'unassigned', outcome: 'still-member', removedAt: null, seconds: null });
    expect(failed[0].why).toMatch(/deactivation failed at .*HTTP 500/);
    expect(deprovisionings(facts({ scimUsers, events: [unassigned], deactivateUsers: false }))[0].why).toMatch(/Deactivate Users is off/);
    expect(deprovisionings(facts({ scimUsers, events: [unassigned] }))[0].why).toBe('Okta has not sent the deactivation yet (asked 39 s ago)');
  });

  it('leaves out those still assigned, and those Cloudflare never knew; reads removed without an audit log', () => {
    const rows = deprovisionings(
      facts({
        assignedLogins: new Set(['kept@x.com']),
        events: [
          event('group.user_membership.remove', 1, [user('kept@x.com'), group('gSales', 'Sales')]),
          event('application.user_membership.remove', 2, [user('never@x.com'), app]),
          event('user.lifecycle.deactivate', 3, [user('dee@x.com')]),
        ],
        scimUsers: new Map([
          ['kept@x.com', { id: 'sK', active: true, madeOverScim: true }],
          ['dee@x.com', { id: 'sD', active: false, madeOverScim: true }],
        ]),
        audit: undefined,
      }),
    );
    expect(rows.map((r) => [r.login, r.cause, r.outcome])).toEqual([['dee@x.com', 'deactivated', 'removed']]);
    expect(rows[0].why).toMatch(/needs CLOUDFLARE_API_TOKEN/);
  });

  it("a removal older than Okta's log reaches is reported as unknown, not dropped; another app's within reach is not this app's", () => {
    const rows = deprovisionings(
      facts({
        reach: { okta: t(30), cloudflare: t(0) },
        scimUsers: new Map([['old@x.com', { id: 'sOld', active: false, madeOverScim: true }]]),
        audit: [scimDelete('sOld', 10), scimDelete('sOther', 40)],
      }),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ login: 'old@x.com', cause: null, requestedAt: null, removedAt: t(10), outcome: 'unknown' });
  });

  it('sums up: count, median and largest delay, still members', () => {
    const row = (seconds: number | null, outcome: 'removed' | 'still-member' | 'unknown' = 'removed') => ({
      login: 'x',
      cause: null,
      requestedAt: null,
      oktaSentAt: null,
      removedAt: null,
      seconds,
      outcome,
    });
    expect(deprovisioningSummary([row(4), row(1), row(null, 'still-member'), row(2.5)])).toEqual({
      count: 4,
      removed: 3,
      stillMembers: 1,
      unknown: 0,
      medianSeconds: 2.5,
      maxSeconds: 4,
    });
    expect(deprovisioningSummary([row(1), row(2)]).medianSeconds).toBe(1.5);
    expect(deprovisioningSummary([])).toMatchObject({ count: 0, medianSeconds: null, maxSeconds: null });
  });
});

describe('the files: CSV and the page', () => {
  it('writes RFC 4180 with formula cells neutralised and numbers as numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    for (const formula of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx']) expect(csvField(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField(-2)).toBe('-2');
    expect(csvField(null)).toBe('');
    expect(csvDocument(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });

  const evidence: AccessEvidence = {
    notes: ['a note <b>'],
    governance: {
      members: [{ email: '=HYPERLINK("http://evil")@x.com', status: 'pending', roles: [{ id: 'r', name: 'Billing' }] }],
      appUsers: [],
      oktaUsers: new Map(),
      invitedAt: new Map(),
      superAdminRoleId: SUPER,
    },
    deprovisioning: facts({
      events: [
        event('application.user_membership.remove', 1, [user('<img src=x>@x.com'), app]),
        event('application.provision.user.deactivate', 2, [user('<img src=x>@x.com'), app]),
      ],
      scimUsers: new Map([['<img src=x>@x.com', { id: 's1', active: false, madeOverScim: true }]]),
      audit: [scimDelete('s1', 3)],
    }),
  };
  const frame = {
    orgUrl: 'https://acme.okta.com',
    accountId: 'acc',
    app: { id: 'app1', label: 'Cloudflare <SCIM>' },
    since: new Date(t(0)),
    now: new Date(t(59)),
    expectedOutside: [],
  };

  it('one row per person, the formula neutralised; the page escapes every value and fetches nothing', () => {
    const report = accessReport(evidence, frame);
    const csv = reportCsv(report);
    expect(csv.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil""\)@x.com",true,false,Billing,pending,invited/);
    expect(csv.split('\r\n')[2]).toMatch(/^<img src=x>@x.com,false,.*,unassigned,.*,2,removed,$/);
    const page = reportHtml(report);
    expect(page).not.toMatch(/<img|<b>|<script|Cloudflare <SCIM>/);
    expect(page).toContain(esc('<img src=x>@x.com'));
    expect(page).toContain("default-src 'none'");
    expect(page).not.toMatch(/<[^>]*\s(src|href)=/);
  });

  it('a name that tries to drive a terminal or reorder text is shown as escapes in the CSV and the page', () => {
    const hostile = 'ops\u001b]52;c;c2VjcmV0\u0007\r\nadmins\u202etxt.exe@x.com';
    const report = accessReport({ ...evidence, governance: { ...evidence.governance, members: [{ email: hostile, status: 'pending', roles: [] }] } }, frame);
    for (const text of [reportCsv(report), reportHtml(report)]) {
      expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/);
      expect(text).toContain('ops\\x1b]52;c;c2VjcmV0\\x07\\x0d\\nadmins\\u202etxt.exe@x.com');
    }
  });

  it('--redact-pii: every person hashed in each table, the same person the same hash', () => {
    const hashed = withoutPeople(accessReport(evidence, frame));
    const text = JSON.stringify(hashed);
    expect(text).not.toMatch(/HYPERLINK|img src/);
    expect(hashed.ungoverned[0].email).toMatch(/^pii-[0-9a-f]{10}$/);
    expect(hashed.deprovisioning[0].login).toBe(withoutPeople(accessReport(evidence, frame)).deprovisioning[0].login);
  });
});

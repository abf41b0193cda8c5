import type { CloudflareClient } from './client.js';
import { LOG_READ_AHEAD_MS } from '../lib/clock.js';
import type { PolicyRead } from '../plan/roles.js';
import { filterString } from '../lib/filter-string.js';
import { cloudflarePaths } from '../plan/cloudflare-paths.js';

/**
 * Cloudflare's resources as scim-setup reads them, each declared once with the fields it uses, and
 * the reads that return them: a read names what it gets. Okta's are in okta/reads.ts.
 */

/** An account member (`GET /accounts/{id}/members`): an invitation is `pending` until accepted. */
export interface CloudflareMember {
  id: string;
  email?: string;
  status?: string;
  user?: { id?: string; email?: string };
  roles?: Array<{ id: string; name?: string }>;
}

/** A SCIM user: every account member, whoever made them (Cloudflare's spec: `/Users` "lists account members"). */
export interface CloudflareScimUser {
  id: string;
  userName: string;
  active: boolean;
  /** Set by the identity provider that made the user (Okta sends its user id); absent for members who joined otherwise. */
  externalId?: string;
  /** The ids of the groups the user is in, system groups (`cloudflare-v1-…`, one per role) among them. */
  groups?: string[];
}

export interface CloudflareScimGroup {
  id: string;
  displayName: string;
}

/** One SCIM group read alone: its members come with it. */
export interface CloudflareScimGroupWithMembers extends CloudflareScimGroup {
  members?: Array<{ display?: string; value: string }>;
}

/** An IAM user group with its policies as Cloudflare writes them. */
export interface CloudflareUserGroup {
  id: string;
  name: string;
  policies?: PolicyRead[];
}

/** One entry of the audit log v2: who (a token's id, a request's User-Agent), what, when, on which resource. */
export interface AuditLogEntry {
  id?: string;
  action: { time: string; type?: string; description?: string; result?: string };
  actor?: { token_id?: string; email?: string; type?: string };
  raw?: { uri?: string; user_agent?: string; method?: string };
  resource?: { id?: string; product?: string; type?: string };
}

/** A window of the audit log, read in pages back to its start: `complete` is false where the bound cut it short. */
export interface AuditWindow {
  entries: AuditLogEntry[];
  complete: boolean;
}

/** The audit log v2 keeps 18 months (Cloudflare's Audit Logs page); 548 days, the shorter reading. */
export const AUDIT_RETENTION_MS = 548 * 86_400_000;
/** SCIM requests are in the audit log from this day on (Cloudflare's changelog, 2026-03-18: "SCIM audit logging"). */
export const SCIM_AUDIT_SINCE = '2026-03-18T00:00:00.000Z';

/** Entries a window may hold before the read stops: 20 pages of Cloudflare's largest page. */
export const AUDIT_ENTRY_BOUND = 20_000;
const AUDIT_PAGE = 1000;

export const readCloudflare = {
  /** Every member, invitations included (50 a page, the API's largest). Needs "Account Settings: Read". */
  members: (read: CloudflareClient) => read.listAll<CloudflareMember>(cloudflarePaths.members(read.accountId), 50),
  scimUsers: (client: CloudflareClient) =>
    client.scimAll<CloudflareScimUser>('/Users', (u) => ({ id: u.id, userName: u.userName, active: u.active, externalId: u.externalId, groups: u.groups })),
  scimGroups: (client: CloudflareClient) => client.scimAll<CloudflareScimGroup>('/Groups', (g) => ({ id: g.id, displayName: g.displayName })),
  scimGroup: (client: CloudflareClient, groupId: string) => client.get<CloudflareScimGroupWithMembers>(`${client.scimPath}/Groups/${groupId}`),
  /** How many SCIM groups have this name (Cloudflare's `displayName eq`, one result asked for). */
  scimGroupsNamed: async (client: CloudflareClient, name: string) =>
    (await client.get<{ totalResults: number }>(`${client.scimPath}/Groups`, { filter: `displayName eq ${filterString(name)}`, count: 1 })).totalResults,
  /** The account's IAM user groups, 500 a page. SCIM Provisioning tokens may read them too. */
  userGroups: (client: CloudflareClient) => client.listAll<CloudflareUserGroup>(cloudflarePaths.userGroups(client.accountId), 500),
  auditLog,
};

/**
 * The audit log v2 between two moments on this machine's clock, newest first, every page (its
 * `result_info.cursor`) up to AUDIT_ENTRY_BOUND. Entries carry Cloudflare's clock: `since` is moved
 * onto it (never later than it names), and `before` far enough ahead that a clock running fast
 * hides nothing.
 */
async function auditLog(
  read: CloudflareClient,
  window: { since: Date; before?: Date },
  filters: Record<string, string> = {},
  bound = AUDIT_ENTRY_BOUND,
): Promise<AuditWindow> {
  type Page = { result: AuditLogEntry[]; result_info?: { cursor?: string } };
  const entries: AuditLogEntry[] = [];
  const query = {
    since: read.onCloudflareClock(window.since).toISOString(),
    before: new Date((window.before?.getTime() ?? read.clock.now()) + LOG_READ_AHEAD_MS).toISOString(),
    ...filters,
    limit: AUDIT_PAGE,
    direction: 'desc',
  };
  for (let cursor: string | undefined; ; ) {
    const page: Page = await read.get<Page>(cloudflarePaths.auditLog(read.accountId), cursor ? { ...query, cursor } : query);
    entries.push(...page.result);
    cursor = page.result_info?.cursor;
    // A cursor that comes back with an empty page would ask for ever.
    if (!cursor || page.result.length === 0) return { entries, complete: true };
    if (entries.length >= bound) return { entries, complete: false };
  }
}

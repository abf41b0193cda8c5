import {
  AUDIT_RETENTION_MS,
  readCloudflare,
  SCIM_AUDIT_SINCE,
  type AuditLogEntry,
  type AuditWindow,
  type CloudflareMember,
  type CloudflareScimUser,
} from '../../cloudflare/reads.js';
import { isOktaRequest, scimUserCreations } from '../../cloudflare/audit.js';
import { keepsExternalIds, madeOverScim } from '../../plan/scim-made.js';
import { LOG_READ_AHEAD_MS } from '../../lib/clock.js';
import { SUPER_ADMIN_ROLE_ID } from '../../cloudflare/roles.js';
import { readAppAssignments } from '../../okta/app-assignments.js';
import type { OktaClient } from '../../okta/client.js';
import { readOkta, SYSTEM_LOG_RETENTION_MS, type OktaApp, type OktaLogEvent } from '../../okta/reads.js';
import { SYSTEM_GROUP_PREFIX } from '../../plan/drift.js';
import type { DeprovisioningFacts } from '../../plan/deprovisioning.js';
import type { GovernanceFacts, MemberFact } from '../../plan/ungoverned.js';
import type { Session } from '../session.js';

/** What the report reads, as the two pure steps take it, and where each log begins. */
export interface AccessEvidence {
  governance: Omit<GovernanceFacts, 'expectedOutside' | 'lingering'>;
  deprovisioning: DeprovisioningFacts;
  /** What a reader must know of what was not read, or not kept. */
  notes: string[];
}

/** Okta filters name ids inside quotes: only ids of Okta's alphabet are written into one. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Clauses per System Log or users filter: Okta's filters are bounded in length. */
const CLAUSES_PER_FILTER = 20;
/** SCIM externalIds looked up in Okta at most: more is another identity provider's directory, not a few former assignees. */
const MAX_LOOKUPS = 500;

const later = (...moments: number[]) => new Date(Math.max(...moments));
/** As far back as Cloudflare's audit log holds SCIM requests: 18 months, and not before SCIM was logged. */
const auditReachFrom = (now: Date) => later(now.getTime() - AUDIT_RETENTION_MS, Date.parse(SCIM_AUDIT_SINCE));

/**
 * Everything the access report needs, read once with the readers verify uses (bounded, paced,
 * paginated): Okta's app users and groups, its System Log back to the period's start (or its
 * retention), Cloudflare's members and SCIM users, and its audit log. Reads only.
 */
export async function readAccessEvidence(session: Session, app: OktaApp, since: Date, now: Date): Promise<AccessEvidence> {
  const { okta, scim, accountApi: read } = session;
  const notes: string[] = [];
  const oktaFrom = later(since.getTime(), now.getTime() - SYSTEM_LOG_RETENTION_MS);
  const auditFrom = later(since.getTime(), auditReachFrom(now).getTime());
  const [assignments, scimUsers, members, appEvents] = await Promise.all([
    readAppAssignments(okta, app.id),
    readCloudflare.scimUsers(scim),
    read ? readCloudflare.members(read) : Promise.resolve(undefined),
    oktaEvents(
      okta,
      ['application.user_membership.remove', 'application.provision.user.deactivate', 'group.application_assignment.remove'].map((type) => ({
        type,
        id: app.id,
      })),
      oktaFrom,
      now,
    ),
  ]);
  const appUsers = assignments.users.map((u) => ({ oktaUserId: u.id, login: u.credentials?.userName ?? u.id, externalId: u.externalId }));
  const linked = new Set(appUsers.flatMap((u) => [u.oktaUserId, u.externalId ?? '']));
  const strangers = [...new Set(scimUsers.flatMap((u) => (u.externalId && !linked.has(u.externalId) && !linked.has(u.id) ? [u.externalId] : [])))];
  const lookups = strangers.filter((id) => SAFE_ID.test(id)).slice(0, MAX_LOOKUPS);
  if (strangers.length > lookups.length)
    notes.push(`${strangers.length - lookups.length} SCIM users' externalIds were not looked up in Okta; they are reported as another identity provider's.`);
  const oktaUsers = await usersWithIds(okta, lookups);
  const assignedGroupIds = assignments.groups.map((g) => g.id);
  const { groupEvents, lifecycleEvents, audit, invitations, systemGroups } = await readLogs(session, {
    assignedGroupIds,
    oktaUserIds: [...oktaUsers.keys()],
    oktaFrom,
    auditFrom,
    now,
  });
  notes.push(...reachNotes({ read: Boolean(read), since, oktaFrom, auditFrom, windows: [audit, invitations] }));
  // Where Cloudflare's answers keep no externalId, whether SCIM made a member not linked is the audit log's to say.
  const keeps = keepsExternalIds(scimUsers, linked);
  const untold = scimUsers.filter((u) => madeOverScim(u, keeps) === undefined && !linked.has(u.id));
  const creations = read && untold.length ? await scimUserCreations(read, auditReachFrom(now)) : undefined;
  if (creations && !creations.complete) notes.push("Cloudflare's audit log held more SCIM creations than were read: the oldest were not read.");
  const scimByLogin = new Map(
    scimUsers.map((u) => [
      u.userName.toLowerCase(),
      { id: u.id, active: u.active, ...(u.externalId ? { externalId: u.externalId } : {}), madeOverScim: madeOverScim(u, keeps, creations?.created) },
    ]),
  );
  const memberFacts = members ? memberFactsOf(members, scimByLogin) : scimMembers(scimUsers, systemGroups, scimByLogin);
  // An "Add Member" entry names the membership's id, or the invitee's user id (the variant inviteAuditId): either finds them.
  const emailById = new Map(
    (members ?? []).flatMap((m) => {
      const email = (m.user?.email ?? m.email ?? '').toLowerCase();
      return [[m.id, email] as const, ...(m.user?.id ? [[m.user.id, email] as const] : [])];
    }),
  );
  return {
    notes,
    governance: {
      members: memberFacts,
      appUsers,
      oktaUsers: new Map([...oktaUsers].map(([id, u]) => [id, { login: u.profile.login, status: u.status }])),
      invitedAt: invitedAt(invitations?.entries ?? [], emailById),
      ...(read ? { auditReach: new Date(now.getTime() - AUDIT_RETENTION_MS).toISOString() } : {}),
      superAdminRoleId: SUPER_ADMIN_ROLE_ID,
      ...(keeps === undefined ? {} : { keepsExternalIds: keeps }),
    },
    deprovisioning: {
      events: [...appEvents, ...groupEvents, ...lifecycleEvents],
      appId: app.id,
      assignedLogins: new Set(appUsers.map((u) => u.login.toLowerCase())),
      assignedGroupIds: new Set(assignedGroupIds),
      scimUsers: scimByLogin,
      ...(audit ? { audit: audit.entries.filter((e) => isOktaRequest(e) && /\/scim\/v2\/Users/.test(e.raw?.uri ?? '')) } : {}),
      cloudflareRead: true,
      deactivateUsers: Boolean(app.features?.includes('PUSH_USER_DEACTIVATION')),
      reach: { okta: oktaFrom.toISOString(), cloudflare: auditFrom.toISOString() },
      now: now.toISOString(),
    },
  };
}

/**
 * The logs the report reads after the assignments: removals from the assigned groups and
 * deactivations of this org's users in Okta's System Log; Cloudflare's SCIM deletions in the period
 * and its invitations over the audit log's whole reach; and, without the read token, SCIM's system
 * groups for roles.
 */
async function readLogs(
  { okta, scim, accountApi: read }: Session,
  w: { assignedGroupIds: string[]; oktaUserIds: string[]; oktaFrom: Date; auditFrom: Date; now: Date },
) {
  const [groupEvents, lifecycleEvents, audit, invitations, systemGroups] = await Promise.all([
    oktaEvents(
      okta,
      w.assignedGroupIds.map((id) => ({ type: 'group.user_membership.remove', id })),
      w.oktaFrom,
      w.now,
    ),
    oktaEvents(
      okta,
      w.oktaUserIds.map((id) => ({ type: 'user.lifecycle.deactivate', id })),
      w.oktaFrom,
      w.now,
    ),
    read ? readCloudflare.auditLog(read, { since: w.auditFrom, before: w.now }, { action_type: 'delete' }) : Promise.resolve(undefined),
    read
      ? readCloudflare.auditLog(
          read,
          { since: new Date(w.now.getTime() - AUDIT_RETENTION_MS), before: w.now },
          { resource_product: 'members', action_type: 'create' },
        )
      : Promise.resolve(undefined),
    // Without the read token, roles are read from SCIM's system groups (one per role, `cloudflare-v1-<permission group>`).
    read ? Promise.resolve([]) : readCloudflare.scimGroups(scim),
  ]);
  return { groupEvents, lifecycleEvents, audit, invitations, systemGroups };
}

/** What a reader must know of what was not read, or is no longer kept. */
function reachNotes(x: { read: boolean; since: Date; oktaFrom: Date; auditFrom: Date; windows: Array<AuditWindow | undefined> }): string[] {
  const notes: string[] = [];
  if (!x.read)
    notes.push(
      'No CLOUDFLARE_API_TOKEN ("Account Settings: Read") was given: pending invitations and Cloudflare\'s audit log were not read, so who was invited, and when Cloudflare removed anyone, is not known.',
    );
  if (x.since < x.oktaFrom)
    notes.push(`Okta's System Log keeps 90 days: it reaches back only to ${x.oktaFrom.toISOString()}, not to ${x.since.toISOString()}.`);
  if (x.since < x.auditFrom)
    notes.push(
      `Cloudflare's audit log holds SCIM requests from ${SCIM_AUDIT_SINCE.slice(0, 10)} and keeps 18 months: it reaches back only to ${x.auditFrom.toISOString()}.`,
    );
  for (const window of x.windows)
    if (window && !window.complete)
      notes.push(`Cloudflare's audit log held more than ${window.entries.length} entries in the period: the oldest were not read.`);
  return notes;
}

/** Members as the members API lists them (invitations included), each with its SCIM user where SCIM lists one. */
function memberFactsOf(members: CloudflareMember[], scimByLogin: Map<string, NonNullable<MemberFact['scim']>>): MemberFact[] {
  return members.map((m) => {
    const email = m.user?.email ?? m.email ?? m.id;
    const scimUser = scimByLogin.get(email.toLowerCase());
    return {
      email,
      status: m.status ?? 'accepted',
      roles: (m.roles ?? []).map((r) => ({ id: r.id, name: r.name ?? r.id })),
      ...(scimUser ? { scim: scimUser } : {}),
    };
  });
}

/** Events of these types about these targets, in a bounded window (since and until: a polling read would never end), a filter per 20. */
async function oktaEvents(okta: OktaClient, about: Array<{ type: string; id: string }>, since: Date, now: Date): Promise<OktaLogEvent[]> {
  const until = new Date(now.getTime() + LOG_READ_AHEAD_MS).toISOString();
  const safe = about.filter((a) => SAFE_ID.test(a.id));
  const chunks: Array<typeof safe> = [];
  for (let i = 0; i < safe.length; i += CLAUSES_PER_FILTER) chunks.push(safe.slice(i, i + CLAUSES_PER_FILTER));
  // `and` binds tighter than `or` in Okta's filters: a list of (type and target) clauses needs no parentheses.
  const filterOf = (chunk: typeof safe) => chunk.map((a) => `eventType eq "${a.type}" and target.id eq "${a.id}"`).join(' or ');
  const pages = await Promise.all(
    chunks.map((chunk) => readOkta.logs(okta, { since: okta.onOktaClock(since).toISOString(), until, filter: filterOf(chunk), limit: 1000 })),
  );
  return pages.flat();
}

/** Okta users by id (a filter per 20): those of this org; an id no user has is another directory's. */
async function usersWithIds(okta: OktaClient, ids: string[]) {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CLAUSES_PER_FILTER) chunks.push(ids.slice(i, i + CLAUSES_PER_FILTER));
  const found = await Promise.all(chunks.map((chunk) => readOkta.users(okta, { filter: chunk.map((id) => `id eq "${id}"`).join(' or ') })));
  return new Map(found.flat().map((u) => [u.id, u]));
}

/** "Add Member" entries (an invitation, by the dashboard or the API) by the invitee's lower-case e-mail, of e-mails by member or user id. */
function invitedAt(entries: AuditLogEntry[], emailById: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  // Newest first: the oldest entry for a member is written last, and wins.
  for (const e of entries) {
    const email = emailById.get(e.resource?.id ?? '');
    if (email) out.set(email, e.action.time);
  }
  return out;
}

/** Members as SCIM lists them, without the read token: active users, their roles from the system groups they are in. */
function scimMembers(
  users: CloudflareScimUser[],
  groups: Array<{ id: string; displayName: string }>,
  scimByLogin: Map<string, NonNullable<MemberFact['scim']>>,
): MemberFact[] {
  const roleOf = new Map(groups.filter((g) => g.id.startsWith(SYSTEM_GROUP_PREFIX)).map((g) => [g.id, g]));
  return users
    .filter((u) => u.active)
    .map((u) => ({
      email: u.userName,
      status: 'accepted',
      roles: (u.groups ?? []).flatMap((groupId) => {
        const g = roleOf.get(groupId);
        if (!g) return [];
        const id = g.id.slice(SYSTEM_GROUP_PREFIX.length);
        // A system group named by its id alone (the variant systemGroupName=id) says no role's name: the role is named by its id.
        return [{ id, name: g.displayName === g.id ? `role ${id}` : g.displayName }];
      }),
      scim: scimByLogin.get(u.userName.toLowerCase()) ?? { id: u.id },
    }));
}

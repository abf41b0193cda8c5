import type { StuckState } from './unprovisioned.js';

/**
 * Drift: a difference between Okta and Cloudflare that Okta reports as done. Okta pushes only
 * when something changes in Okta, so such a difference was made in Cloudflare, behind Okta's
 * back, and no wait repairs it. Everything else that differs is work in flight (pending).
 * Pure: verify reports drift as failed checks, and the planner plans its repair, from one rule.
 */

/**
 * When each side was read. The two readings are taken at different moments, by different clocks,
 * and Cloudflare's listings may trail its writes: a difference is drift only if Okta reported the
 * work done well before Cloudflare was read (see `doneBeforeReading`).
 */
export interface ReadingMoments {
  /** When the Cloudflare listings were asked for, on this machine's clock (ms since the epoch). */
  cloudflareReadAt: number;
  /**
   * This machine's clock minus Okta's, at most, from Okta's `Date` headers (whole seconds, read on
   * arrival): an Okta timestamp plus this is no earlier than the moment it names, on this clock.
   */
  oktaClockOffsetMs: number;
  /** How long Cloudflare's listings may trail its writes, and Okta's "done" its SCIM request (--settle). */
  settleMs: number;
}

/** What drift is judged from: read back from both sides (verify's evidence carries all of it). */
export interface DriftFacts {
  moments: ReadingMoments;
  /** Only what Cloudflare answered is evidence: with the SCIM token refused, nothing was read there. */
  scimToken: { ok: boolean };
  /** Logins of every user assigned to the app, directly or through a group. */
  assignedLogins: string[];
  /** Assigned users Okta reports as PROVISIONED and SYNCHRONIZED, by login (lower-case), with when (oktaDoneAt). */
  oktaSynced: Record<string, string>;
  /** Which of Okta's records each `oktaSynced` time is (oktaDoneAt): said in the evidence. */
  oktaSyncedBy?: Record<string, OktaDoneBy>;
  /** Assigned users by login (lower-case): their Okta id, whether they are assigned directly (scope USER), and whether Okta will not provision them by itself. */
  appUsers: Record<string, { id: string; scope: string; stuck?: StuckState; provisioned: boolean }>;
  /** Cloudflare SCIM users by userName (lower-case). */
  /**
   * `provisioned`: made by an identity provider over SCIM (plan/scim-made.ts: its externalId, or the
   * audit log's record of its creation, `provisionedBy: 'audit'`); false for the owner and invited
   * members; undefined where Cloudflare's answer cannot tell.
   */
  cloudflareUsers: Record<string, { id: string; active: boolean; provisioned?: boolean; provisionedBy?: 'audit' }>;
  pushGroups: Array<{
    name: string;
    groupId?: string;
    /** `lastUpdated`: when the mapping itself last changed (set ACTIVE again, say): a push before it is not the last word. */
    mapping?: { id: string; status: string; lastPush?: string | null; lastUpdated?: string; errorSummary?: string | null };
    /** When the group's membership, and the group itself (its name), last changed in Okta. */
    lastMembershipUpdated?: string;
    lastUpdated?: string;
    assignedMemberLogins: string[];
  }>;
  /** Cloudflare SCIM groups of the pushed names, by name. */
  scimGroups: Record<string, { id: string; memberEmails: string[] }>;
  /** Cloudflare SCIM groups that no push names: where a renamed group turns up. */
  otherScimGroups: Array<{ name: string; memberEmails: string[] }>;
}

/** Cloudflare's system groups, one per permission group members hold (its spec): never a push's. */
export const SYSTEM_GROUP_PREFIX = 'cloudflare-v1-';

/** Okta's word for a pushed group deleted in the target: it does not create it again (Okta Help, Group Push troubleshooting). */
const LINKED_GROUP_MISSING = /linked group is missing/i;

export type Drift = MemberDrift | GroupMembersDrift | GroupGoneDrift;

/** An assigned user Okta reports as provisioned that is not an active member in Cloudflare. */
export interface MemberDrift {
  kind: 'member';
  login: string;
  /** The Okta user; `direct` when assigned to the app directly, not through a group. */
  userId?: string;
  direct: boolean;
  syncedAt: string;
  /** Which record of Okta's `syncedAt` is. */
  syncedBy: OktaDoneBy;
  cloudflare: string;
}

/** A pushed group whose Cloudflare members differ after Okta pushed its last membership change. */
export interface GroupMembersDrift {
  kind: 'group-members';
  group: string;
  mappingId: string;
  missing: string[];
  extra: string[];
  lastPush: string;
  lastMembershipUpdated?: string;
}

/** A pushed group Cloudflare no longer has by its name, after Okta pushed its last change: renamed or deleted there. */
export interface GroupGoneDrift {
  kind: 'group-gone';
  group: string;
  mappingId: string;
  sourceGroupId: string;
  lastPush: string;
  lastUpdated?: string;
  /** SCIM groups no push names; a renamed group is among them. */
  otherScimGroups: string[];
  /** The one among them with exactly the group's members: what it was most likely renamed to. */
  renamedTo?: string;
  /** Okta's own message, where it put the mapping in error for it ("Linked group is missing…"). */
  oktaSays?: string;
}

/** Which of Okta's records says when it finished provisioning a user. */
export type OktaDoneBy = 'lastSync' | 'statusChanged';

/**
 * Pure: when Okta finished provisioning an app user, from what real Okta records. `lastSync` where it
 * keeps one; the API reference updates it only for apps with profile import or push, which Cloudflare's
 * guide leaves off, so where there is none, `statusChanged` of a PROVISIONED user: the moment it became
 * so, a push Okta had finished. Neither: no time, and so no drift.
 */
export function oktaDoneAt(u: { status?: string; lastSync?: string; statusChanged?: string | null }): { at: string; by: OktaDoneBy } | undefined {
  if (typeof u.lastSync === 'string') return { at: u.lastSync, by: 'lastSync' };
  if (u.status === 'PROVISIONED' && typeof u.statusChanged === 'string') return { at: u.statusChanged, by: 'statusChanged' };
  return undefined;
}

export function findDrift(facts: DriftFacts): Drift[] {
  if (!facts.scimToken.ok) return [];
  return [...memberDrift(facts), ...facts.pushGroups.flatMap((g) => groupDrift(facts, g))];
}

/**
 * The earliest moment, on this clock, at which a later reading could show as drift a difference
 * this one could not yet tell (`doneBeforeReading` false: Okta's "done" too recent): a pushed
 * group that differs, or a missing member, whose Okta time has not settled. Undefined where no
 * difference waits on time alone. Verify reads again then, not before: every read spends a share
 * of Okta's rate limit that a quick retry would waste.
 */
export function decidableAt(facts: DriftFacts): number | undefined {
  if (!facts.scimToken.ok) return undefined;
  const { moments } = facts;
  const differs = (g: DriftFacts['pushGroups'][number]) => {
    const scimGroup = facts.scimGroups[g.name];
    if (!scimGroup) return true;
    const { missing, extra } = membershipDifference(g.assignedMemberLogins, scimGroup.memberEmails);
    return missing.length > 0 || extra.length > 0;
  };
  const oktaTimes = [
    ...missingMembers(facts).map((l) => facts.oktaSynced[l.toLowerCase()]),
    ...facts.pushGroups.flatMap((g) => (g.mapping?.status === 'ACTIVE' && typeof g.mapping.lastPush === 'string' && differs(g) ? [g.mapping.lastPush] : [])),
  ];
  const ready = oktaTimes
    .map((t) => (typeof t === 'string' ? Date.parse(t) + moments.oktaClockOffsetMs + moments.settleMs : Number.NaN))
    .filter((at) => Number.isFinite(at) && at > moments.cloudflareReadAt);
  return ready.length ? Math.min(...ready) : undefined;
}

/** Assigned logins that are not active Cloudflare members. */
export function missingMembers(facts: Pick<DriftFacts, 'assignedLogins' | 'cloudflareUsers'>): string[] {
  return facts.assignedLogins.filter((l) => !facts.cloudflareUsers[l.toLowerCase()]?.active);
}

/**
 * The one rule where the two readings meet: Okta's "done at `oktaTime`" (Okta's clock) proves a
 * difference lasting only if it happened, on this clock, at least the settle time before Cloudflare
 * was read. Otherwise Cloudflare may have been read before Okta's request, or before its listing
 * showed it: work in flight, not drift. An unknown time proves nothing.
 */
export function doneBeforeReading(oktaTime: string | null | undefined, moments: ReadingMoments): boolean {
  const at = typeof oktaTime === 'string' ? Date.parse(oktaTime) : Number.NaN;
  return Number.isFinite(at) && at + moments.oktaClockOffsetMs + moments.settleMs <= moments.cloudflareReadAt;
}

function memberDrift(facts: DriftFacts): MemberDrift[] {
  return missingMembers(facts)
    .filter((l) => doneBeforeReading(facts.oktaSynced[l.toLowerCase()], facts.moments))
    .map((login) => {
      const key = login.toLowerCase();
      const cf = facts.cloudflareUsers[key];
      const appUser = facts.appUsers[key];
      return {
        kind: 'member',
        login,
        userId: appUser?.id,
        direct: appUser?.scope === 'USER',
        syncedAt: facts.oktaSynced[key],
        syncedBy: facts.oktaSyncedBy?.[key] ?? 'lastSync',
        cloudflare: cf ? `SCIM user ${cf.id} deactivated` : 'no SCIM user',
      };
    });
}

function groupDrift(facts: DriftFacts, g: DriftFacts['pushGroups'][number]): Drift[] {
  const m = g.mapping;
  // Okta itself reports the linked group gone: its word is the evidence, and it will not push it again.
  if (m?.status === 'ERROR' && LINKED_GROUP_MISSING.test(m.errorSummary ?? '') && g.groupId && !facts.scimGroups[g.name])
    return [
      {
        kind: 'group-gone',
        group: g.name,
        mappingId: m.id,
        sourceGroupId: g.groupId,
        lastPush: m.lastPush ?? 'never',
        lastUpdated: g.lastUpdated,
        otherScimGroups: [],
        oktaSays: m.errorSummary ?? undefined,
      },
    ];
  if (m?.status !== 'ACTIVE' || !g.groupId || g.assignedMemberLogins.length === 0 || typeof m.lastPush !== 'string') return [];
  const lastPush = m.lastPush;
  // A push Cloudflare may not have listed yet when it was read proves nothing yet.
  if (!doneBeforeReading(lastPush, facts.moments)) return [];
  const pushedAfter = (time: string | undefined) => pushedSince(lastPush, time);
  // A mapping changed since its last push (a repair sets it INACTIVE, then ACTIVE) has a push to come.
  if (m.lastUpdated !== undefined && !pushedAfter(m.lastUpdated)) return [];
  const scimGroup = facts.scimGroups[g.name];
  if (!scimGroup) {
    if (!pushedAfter(g.lastMembershipUpdated) || !pushedAfter(g.lastUpdated)) return [];
    return [
      {
        kind: 'group-gone',
        group: g.name,
        mappingId: m.id,
        sourceGroupId: g.groupId,
        lastPush,
        lastUpdated: g.lastUpdated,
        otherScimGroups: facts.otherScimGroups.map((o) => o.name),
        renamedTo: likelyRename(g.assignedMemberLogins, facts.otherScimGroups),
      },
    ];
  }
  const { missing, extra } = membershipDifference(g.assignedMemberLogins, scimGroup.memberEmails);
  if (missing.length === 0 && extra.length === 0) return [];
  // Okta pushed after the group's last membership change and after it provisioned each missing
  // member: it has nothing left to do, so the difference was made in Cloudflare and will stay.
  const drift =
    pushedAfter(g.lastMembershipUpdated) && missing.every((l) => pushedAfter(facts.oktaSynced[l]) && doneBeforeReading(facts.oktaSynced[l], facts.moments));
  return drift ? [{ kind: 'group-members', group: g.name, mappingId: m.id, missing, extra, lastPush, lastMembershipUpdated: g.lastMembershipUpdated }] : [];
}

/** Okta follows a pushed group by its Cloudflare id, which no public API shows: a group with exactly its members, and only one, is the likely rename. */
function likelyRename(members: string[], others: DriftFacts['otherScimGroups']): string | undefined {
  const same = others.filter((o) => {
    const { missing, extra } = membershipDifference(members, o.memberEmails);
    return missing.length === 0 && extra.length === 0;
  });
  return same.length === 1 ? same[0].name : undefined;
}

/** Who Okta would have in the group and Cloudflare lacks, and the reverse; lower-case logins. */
export function membershipDifference(wanted: string[], present: string[]): { missing: string[]; extra: string[] } {
  const want = new Set(wanted.map((l) => l.toLowerCase()));
  const have = new Set(present.map((m) => m.toLowerCase()));
  return { missing: [...want].filter((x) => !have.has(x)), extra: [...have].filter((x) => !want.has(x)) };
}

/** Okta's push came at or after `time`; unknown on either side is not "after". */
export function pushedSince(lastPush: string | null | undefined, time: string | undefined): boolean {
  return typeof lastPush === 'string' && time !== undefined && Date.parse(lastPush) >= Date.parse(time);
}

export function memberDifference(missing: string[], extra: string[]): string[] {
  return [
    ...(missing.length ? [`missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`] : []),
    ...(extra.length ? [`extra: ${extra.slice(0, 5).join(', ')}`] : []),
  ];
}

/** A drift's identity across readings: the same difference seen again is the same drift. */
export function driftKey(d: Drift): string {
  return d.kind === 'member' ? `member:${d.login.toLowerCase()}` : `${d.kind}:${d.group}`;
}

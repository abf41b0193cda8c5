/**
 * Pure: how fast Okta's removals landed in Cloudflare. Each person Okta deprovisioned from the app
 * in the period is told from two records: Okta's System Log (what asked: an unassignment, a removal
 * from an assigned group, a deactivation; then Okta's own `application.provision.user.deactivate`)
 * and Cloudflare's audit log (the SCIM "Delete SCIM User" entry). Each moment is the service's own
 * timestamp: both keep UTC, so a delay is their difference.
 */

/** A System Log event as the report reads it. */
export interface LoggedEvent {
  eventType: string;
  published: string;
  outcome?: { result?: string; reason?: string | null };
  target?: Array<{ id?: string; type: string; alternateId: string; displayName?: string }>;
}

/** An audit-log entry as the report reads it. */
export interface AuditRecord {
  action: { time: string; description?: string; type?: string };
  raw?: { uri?: string; user_agent?: string };
  resource?: { id?: string };
}

export type RemovalCause = 'unassigned' | 'removed-from-group' | 'group-unassigned' | 'deactivated' | 'okta';
export type RemovalOutcome = 'removed' | 'still-member' | 'unknown';

export interface Deprovisioning {
  login: string;
  /** What asked Okta to remove them, and when (Okta's System Log); null where the log no longer reaches back. */
  cause: RemovalCause | null;
  causeDetail?: string;
  requestedAt: string | null;
  /** When Okta sent the deactivation, by its `application.provision.user.deactivate` event. */
  oktaSentAt: string | null;
  /** When Cloudflare removed them, by its audit log's SCIM entry; null where no entry says. */
  removedAt: string | null;
  seconds: number | null;
  outcome: RemovalOutcome;
  /** Why the outcome is what it is, where it is not a plain removal. */
  why?: string;
}

export interface DeprovisioningFacts {
  /** Okta's events since the period's start, about this app, its groups' members and users' lifecycles. */
  events: LoggedEvent[];
  appId: string;
  /** Lower-case logins Okta assigns to the app now: they are not being removed. */
  assignedLogins: ReadonlySet<string>;
  /** The ids of the groups assigned to the app now. */
  assignedGroupIds: ReadonlySet<string>;
  /** Cloudflare's SCIM users by lower-case userName: their id and whether Cloudflare lists them as members. */
  /** SCIM users by lower-case login; `madeOverScim` as plan/scim-made.ts tells it (undefined: not told). */
  scimUsers: ReadonlyMap<string, { id: string; active: boolean; madeOverScim?: boolean }>;
  /** Cloudflare's SCIM entries of the period (Okta's user agent), newest first; undefined when the audit log could not be read. */
  audit?: AuditRecord[];
  /** Whether Cloudflare's membership could be read at all (a refused token reads nothing). */
  cloudflareRead: boolean;
  /** Whether the app's Deactivate Users is on (Okta's PUSH_USER_DEACTIVATION feature). */
  deactivateUsers: boolean;
  /** Where each log begins: the later of the period's start and the log's retention. */
  reach: { okta: string; cloudflare: string };
  now: string;
}

const CAUSES: Record<string, RemovalCause> = {
  'application.user_membership.remove': 'unassigned',
  'group.user_membership.remove': 'removed-from-group',
  'group.application_assignment.remove': 'group-unassigned',
  'user.lifecycle.deactivate': 'deactivated',
};
const DEACTIVATE = 'application.provision.user.deactivate';

const userOf = (e: LoggedEvent) => e.target?.find((t) => t.type === 'User');
const groupOf = (e: LoggedEvent) => e.target?.find((t) => t.type === 'UserGroup');
const loginOf = (e: LoggedEvent) => userOf(e)?.alternateId.toLowerCase();
const at = (iso: string) => Date.parse(iso);

/** Every person Okta deprovisioned from the app in the period, oldest request first. */
export function deprovisionings(facts: DeprovisioningFacts): Deprovisioning[] {
  const events = [...facts.events].sort((a, b) => at(a.published) - at(b.published));
  const rows = [...subjects(facts, events)].map((login) => rowFor(login, events, facts));
  return [...rows, ...unmatchedRemovals(facts, rows)].sort(
    (a, b) => (a.requestedAt ?? '').localeCompare(b.requestedAt ?? '') || a.login.localeCompare(b.login),
  );
}

/** Whom Okta was asked to remove: those it sent a deactivation for, and those who lost the app and whom Cloudflare knows. */
function subjects(facts: DeprovisioningFacts, events: LoggedEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    const login = loginOf(e);
    if (!login) continue;
    if (e.eventType === DEACTIVATE) out.add(login);
    const lostTheApp = !facts.assignedLogins.has(login) && facts.scimUsers.get(login)?.madeOverScim === true;
    if (!lostTheApp) continue;
    if (e.eventType === 'application.user_membership.remove' || e.eventType === 'user.lifecycle.deactivate') out.add(login);
    if (e.eventType === 'group.user_membership.remove' && facts.assignedGroupIds.has(groupOf(e)?.id ?? '')) out.add(login);
  }
  return out;
}

function rowFor(login: string, events: LoggedEvent[], facts: DeprovisioningFacts): Deprovisioning {
  const own = events.filter((e) => loginOf(e) === login);
  const sent = own.find((e) => e.eventType === DEACTIVATE);
  const cause = causeOf(own, events, sent, facts);
  const scim = facts.scimUsers.get(login);
  const removal = scim && facts.audit ? firstRemoval(facts.audit, scim.id, cause?.at ?? sent?.published) : undefined;
  const base = {
    login,
    cause: cause?.kind ?? null,
    ...(cause?.detail ? { causeDetail: cause.detail } : {}),
    requestedAt: cause?.at ?? null,
    oktaSentAt: sent?.published ?? null,
  };
  if (removal) {
    const seconds = cause ? Math.round((at(removal.action.time) - at(cause.at)) / 100) / 10 : null;
    return { ...base, removedAt: removal.action.time, seconds, outcome: 'removed' };
  }
  return { ...base, removedAt: null, seconds: null, ...unremoved(login, sent, cause?.at, facts) };
}

/** What asked: the latest cause before Okta's deactivation (or, with none sent, the latest); a group's unassignment where the person's own is missing. */
function causeOf(own: LoggedEvent[], all: LoggedEvent[], sent: LoggedEvent | undefined, facts: DeprovisioningFacts) {
  const until = sent ? at(sent.published) : Number.POSITIVE_INFINITY;
  const byPerson = own.filter(
    (e) =>
      e.eventType in CAUSES &&
      at(e.published) <= until &&
      (e.eventType !== 'group.user_membership.remove' || facts.assignedGroupIds.has(groupOf(e)?.id ?? '') || sent !== undefined),
  );
  const byGroup = sent ? all.filter((e) => e.eventType === 'group.application_assignment.remove' && at(e.published) <= until) : [];
  const chosen = byPerson.at(-1) ?? byGroup.at(-1);
  if (chosen) {
    const group = groupOf(chosen)?.displayName ?? groupOf(chosen)?.alternateId;
    return { kind: CAUSES[chosen.eventType], at: chosen.published, detail: group ? `group ${group}` : undefined };
  }
  // Okta deprovisioned them, and what asked is older than its log reaches, or not logged for this app.
  return sent
    ? { kind: 'okta' as const, at: sent.published, detail: 'what asked is not in the System Log window; Okta logged only its deactivation' }
    : undefined;
}

/** Cloudflare's first removal of this SCIM user at or after the request (a second's grace: timestamps are whole seconds at either end). */
function firstRemoval(audit: AuditRecord[], scimId: string, after: string | undefined): AuditRecord | undefined {
  const from = after ? at(after) - 1000 : Number.NEGATIVE_INFINITY;
  return [...audit]
    .filter((e) => isScimDelete(e) && scimTarget(e) === scimId && at(e.action.time) >= from)
    .sort((a, b) => at(a.action.time) - at(b.action.time))[0];
}

/** Cloudflare's "Delete SCIM User": a member deprovisioned (its changelog's list of SCIM audit actions). */
function isScimDelete(e: AuditRecord): boolean {
  return e.action.description === 'Delete SCIM User' || (e.action.type === 'delete' && /\/scim\/v2\/Users\//.test(e.raw?.uri ?? ''));
}

function scimTarget(e: AuditRecord): string | undefined {
  return e.resource?.id || /\/scim\/v2\/Users\/([^/?]+)/.exec(e.raw?.uri ?? '')?.[1];
}

/** Why a person Okta was asked to remove has no removal in Cloudflare's log. */
function unremoved(
  login: string,
  sent: LoggedEvent | undefined,
  requestedAt: string | undefined,
  facts: DeprovisioningFacts,
): Pick<Deprovisioning, 'outcome' | 'why'> {
  if (!facts.cloudflareRead) return { outcome: 'unknown', why: "Cloudflare's members could not be read" };
  const scim = facts.scimUsers.get(login);
  if (!scim)
    return {
      outcome: 'removed',
      why: "Cloudflare no longer lists them, and keeps no SCIM record of them to find its audit log's entry by: when it removed them is not known",
    };
  if (!scim.active) {
    const why = !facts.audit
      ? 'Cloudflare no longer lists them; when it removed them is in its audit log, which needs CLOUDFLARE_API_TOKEN (Account Settings: Read)'
      : requestedAt && at(requestedAt) < at(facts.reach.cloudflare)
        ? `Cloudflare no longer lists them; its audit log reaches back only to ${facts.reach.cloudflare}`
        : 'Cloudflare no longer lists them, and its audit log holds no SCIM removal of theirs';
    return { outcome: 'removed', why };
  }
  if (sent?.outcome?.result === 'FAILURE')
    return { outcome: 'still-member', why: `Okta's deactivation failed at ${sent.published}: ${sent.outcome.reason ?? 'no reason given'}` };
  if (sent) return { outcome: 'still-member', why: `Okta logged the deactivation as sent at ${sent.published}, and Cloudflare still lists them as a member` };
  if (!facts.deactivateUsers)
    return { outcome: 'still-member', why: "Deactivate Users is off on the app's Provisioning tab: Okta never removes anyone from Cloudflare" };
  const waited = requestedAt ? Math.round((at(facts.now) - at(requestedAt)) / 1000) : undefined;
  return { outcome: 'still-member', why: `Okta has not sent the deactivation yet${waited === undefined ? '' : ` (asked ${waited} s ago)`}` };
}

/**
 * Okta's SCIM removals whose request is older than Okta's System Log reaches (it keeps 90 days):
 * Cloudflare's log shows the removal, Okta's no longer shows what asked. Removals within Okta's
 * reach that no event of this app explains are another Okta app's (they share a user agent).
 */
function unmatchedRemovals(facts: DeprovisioningFacts, rows: Deprovisioning[]): Deprovisioning[] {
  if (!facts.audit) return [];
  const told = new Set(rows.map((r) => r.removedAt && `${facts.scimUsers.get(r.login)?.id}@${r.removedAt}`));
  const loginById = new Map([...facts.scimUsers].map(([login, u]) => [u.id, login]));
  return facts.audit
    .filter((e) => isScimDelete(e) && at(e.action.time) < at(facts.reach.okta) && !told.has(`${scimTarget(e)}@${e.action.time}`))
    .map((e) => ({
      login: loginById.get(scimTarget(e) ?? '') ?? `SCIM user ${scimTarget(e) ?? 'unknown'}`,
      cause: null,
      requestedAt: null,
      oktaSentAt: null,
      removedAt: e.action.time,
      seconds: null,
      outcome: 'unknown' as const,
      why: `Okta's System Log reaches back only to ${facts.reach.okta}: what asked for this removal is no longer there`,
    }));
}

/** Count, median and largest delay, and how many are still members. */
export function deprovisioningSummary(rows: Deprovisioning[]) {
  const delays = rows.flatMap((r) => (r.seconds === null ? [] : [r.seconds])).sort((a, b) => a - b);
  const mid = delays.length >> 1;
  const median = delays.length === 0 ? null : delays.length % 2 ? delays[mid] : Math.round(((delays[mid - 1] + delays[mid]) / 2) * 10) / 10;
  return {
    count: rows.length,
    removed: rows.filter((r) => r.outcome === 'removed').length,
    stillMembers: rows.filter((r) => r.outcome === 'still-member').length,
    unknown: rows.filter((r) => r.outcome === 'unknown').length,
    medianSeconds: median,
    maxSeconds: delays.length ? delays[delays.length - 1] : null,
  };
}

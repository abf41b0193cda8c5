/**
 * Pure: who reaches the Cloudflare account without this Okta app governing them. Okta removes only
 * the members it provisioned through the app: one it linked (its app user's externalId is their
 * SCIM id, or their SCIM externalId is its user's id) and still assigns. Everyone else stays until
 * a person removes them, and the report says why.
 */

export type Came = 'invited' | 'scim-other' | 'scim-unassigned' | 'unknown';

export interface UngovernedMember {
  email: string;
  roles: string[];
  status: string;
  superAdmin: boolean;
  came: Came;
  /** When they joined, where Cloudflare's audit log says. */
  joinedAt?: string;
  why: string;
  /** The admin named them as expected outside Okta (--expect-outside, report.expectedOutside). */
  expected: boolean;
}

export interface MemberFact {
  email: string;
  status: string;
  roles: Array<{ id: string; name: string }>;
  /**
   * Their SCIM user, where Cloudflare's SCIM lists one: its id, the externalId the identity provider
   * that made it set, and whether SCIM made it (plan/scim-made.ts; undefined: not told).
   */
  scim?: { id: string; externalId?: string; madeOverScim?: boolean };
}

export interface GovernanceFacts {
  members: MemberFact[];
  /** This app's users: Okta's user id, login and the SCIM id Okta linked them to. */
  appUsers: Array<{ oktaUserId: string; login: string; externalId?: string | null }>;
  /** Okta users of this org by id, for SCIM externalIds that no app user holds: a former assignee of this app or another's. */
  oktaUsers: ReadonlyMap<string, { login: string; status?: string }>;
  /** Cloudflare's "Add Member" entries (an invitation) by lower-case e-mail or member id: when. */
  invitedAt: ReadonlyMap<string, string>;
  /** Where Cloudflare's audit log begins, for those it holds no entry of. */
  auditReach?: string;
  /** Why Okta has not removed a former assignee, by lower-case login, where the deprovisioning report says. */
  lingering: ReadonlyMap<string, string>;
  superAdminRoleId: string;
  expectedOutside: readonly string[];
  /** Whether Cloudflare's SCIM answers keep identity providers' externalIds (plan/scim-made.ts); undefined: not told. */
  keepsExternalIds?: boolean;
}

/** Everyone outside the app's governance, Super Administrators first, then by e-mail. */
export function ungovernedMembers(facts: GovernanceFacts): UngovernedMember[] {
  const byOktaId = new Map(facts.appUsers.map((u) => [u.oktaUserId, u]));
  const byScimId = new Map(facts.appUsers.flatMap((u) => (u.externalId ? [[u.externalId, u] as const] : [])));
  const expected = new Set(facts.expectedOutside.map((e) => e.toLowerCase()));
  const governed = (m: MemberFact) =>
    m.status !== 'pending' && m.scim !== undefined && (byScimId.has(m.scim.id) || (m.scim.externalId !== undefined && byOktaId.has(m.scim.externalId)));
  return facts.members
    .filter((m) => !governed(m))
    .map((m) => {
      const origin = originOf(m, facts);
      return {
        email: m.email,
        roles: m.roles.map((r) => r.name),
        status: m.status,
        superAdmin: m.roles.some((r) => r.id === facts.superAdminRoleId),
        ...origin,
        expected: expected.has(m.email.toLowerCase()),
      };
    })
    .sort((a, b) => Number(b.superAdmin) - Number(a.superAdmin) || a.email.localeCompare(b.email));
}

function originOf(m: MemberFact, facts: GovernanceFacts): Pick<UngovernedMember, 'came' | 'joinedAt' | 'why'> {
  const invited = facts.invitedAt.get(m.email.toLowerCase());
  if (m.status === 'pending')
    return {
      came: 'invited',
      ...(invited ? { joinedAt: invited } : {}),
      why: 'an invitation not yet accepted: Okta never sees invitations, and whoever accepts it is a member Okta never made',
    };
  const externalId = m.scim?.externalId;
  if (externalId) {
    const former = facts.oktaUsers.get(externalId);
    if (former)
      return {
        came: 'scim-unassigned',
        why: `Okta provisioned them (${former.login}) and no longer assigns them to the app; ${facts.lingering.get(former.login.toLowerCase()) ?? 'Okta has not removed them'}`,
      };
    return {
      came: 'scim-other',
      why: `made through SCIM by another identity provider, app or token (externalId ${externalId} is no user of this Okta org): this app never removes them`,
    };
  }
  if (m.scim?.madeOverScim) return madeWithoutExternalId(m, facts);
  if (invited) return { came: 'invited', joinedAt: invited, why: 'invited by hand (dashboard or API): Okta never made them, so it never removes them' };
  if (facts.keepsExternalIds !== true)
    return {
      came: 'unknown',
      why: `Cloudflare's SCIM answers keep no externalId here, and its audit log holds no record of how they joined${facts.auditReach ? ` since ${facts.auditReach}` : ''}: whether an identity provider made them cannot be told`,
    };
  return {
    came: 'unknown',
    why: `joined before Cloudflare's audit log reaches back${facts.auditReach ? ` (${facts.auditReach})` : ''}, or while it was not read: the account's owner, or a member invited by hand; Okta never made them`,
  };
}

/**
 * Made over SCIM (the audit log says) where Cloudflare's answers keep no externalId to say by whom:
 * Okta's, where the deprovisioning report holds Okta's removal of them from this app; else another's.
 */
function madeWithoutExternalId(m: MemberFact, facts: GovernanceFacts): Pick<UngovernedMember, 'came' | 'why'> {
  const lingering = facts.lingering.get(m.email.toLowerCase());
  if (lingering)
    return {
      came: 'scim-unassigned',
      why: `Okta provisioned them (Cloudflare's audit log records their creation over SCIM, and Okta's System Log its removal of them from the app) and no longer assigns them to the app; ${lingering}`,
    };
  return {
    came: 'scim-other',
    why: "made through SCIM (Cloudflare's audit log), by an identity provider its answers do not name (they keep no externalId): this app does not assign them, so it never removes them",
  };
}

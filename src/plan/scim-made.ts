/**
 * Whether an identity provider made a Cloudflare member over SCIM. Okta sends an externalId on every
 * create (its SCIM guide), and where Cloudflare's SCIM answers keep it, it says so. Whether they keep
 * it is open (the variant idpExternalId): where they do not, a missing externalId says nothing, and
 * the audit log's record of the user's creation over SCIM is the evidence.
 */

/**
 * Pure: whether Cloudflare's SCIM answers keep identity providers' externalIds, told from the users
 * Okta linked (an app user's externalId is their SCIM id): Okta set one on each. Undefined with none.
 */
export function keepsExternalIds(scimUsers: ReadonlyArray<{ id: string; externalId?: string }>, linkedScimIds: ReadonlySet<string>): boolean | undefined {
  const linked = scimUsers.filter((u) => linkedScimIds.has(u.id));
  return linked.length === 0 ? undefined : linked.some((u) => Boolean(u.externalId));
}

/**
 * Pure: whether SCIM made this user: its externalId; else, where answers keep externalIds, not; else
 * a creation over SCIM in the audit log (`createdOverScim`, the ids it read). Undefined: not told.
 */
export function madeOverScim(u: { id: string; externalId?: string }, keeps: boolean | undefined, createdOverScim?: ReadonlySet<string>): boolean | undefined {
  if (u.externalId) return true;
  if (keeps === true) return false;
  return createdOverScim?.has(u.id) ? true : undefined;
}

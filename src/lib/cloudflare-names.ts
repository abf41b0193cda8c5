/**
 * Cloudflare's rules for names, said once: what its SCIM refuses, and its legacy role groups.
 * Pure; the planner, verify's checks, migrate and the inputs all ask here.
 */

/** Cloudflare refuses a SCIM group whose name begins with CF, in any case (400 "Group names cannot begin with \"CF\""). */
export function refusedScimGroupName(name: string): boolean {
  return /^cf/i.test(name);
}

/**
 * A legacy role group, `CF-<account ID> - <Role name>`: Cloudflare's older way of granting a role by
 * assignment (end of life 2025-12-02). Its account (in lower case, as Cloudflare writes IDs) and role;
 * undefined for any other name.
 */
export function legacyRoleGroup(name: string): { accountId: string; role: string } | undefined {
  const m = /^CF-([0-9a-f]{32}) - (.+)$/i.exec(name);
  return m ? { accountId: m[1].toLowerCase(), role: m[2] } : undefined;
}

/** The start every legacy role group of an account shares: what Okta's group search looks for. */
export function legacyGroupPrefix(accountId: string): string {
  return `CF-${accountId} - `;
}

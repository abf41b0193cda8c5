/**
 * Cloudflare's v4 API paths, written once, as Okta's are in okta-paths.ts: the requests a plan
 * shows and the ones the clients send are built from these (SCIM paths are the client's own).
 */
const account = (accountId: string) => `/accounts/${accountId}`;

export const cloudflarePaths = {
  members: (accountId: string) => `${account(accountId)}/members`,
  userGroups: (accountId: string) => `${account(accountId)}/iam/user_groups`,
  /** A user group; `{userGroupId}` stands for one that Okta's push is still to make. */
  userGroup: (accountId: string, userGroupId: string | undefined) => `${account(accountId)}/iam/user_groups/${userGroupId ?? '{userGroupId}'}`,
  auditLog: (accountId: string) => `${account(accountId)}/logs/audit`,
};

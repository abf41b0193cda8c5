import type { MakeScimToken, ReassignUser } from '../../plan/operations.js';

/** The roles of a pushed group's Cloudflare user group, once Okta has pushed it. */
export interface GrantRoles {
  kind: 'grant-roles';
  group: string;
}

/** okta's steps that are more than their requests: its steps (steps.ts) switch on these alone. */
export type OktaOperation = ReassignUser | GrantRoles | MakeScimToken;

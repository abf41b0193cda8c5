import type { OperationBase } from './types.js';

/**
 * The operations that more than one plan holds, each a step more than its requests. A command's
 * own union (commands/<name>/operation.ts) takes those it runs from here; a kind only one command
 * runs is declared in its home.
 */

/** Unassign, then assign again; a manual step where a group keeps the user assigned. */
export interface ReassignUser {
  kind: 'reassign-user';
  login: string;
}

/** A Cloudflare account token for Okta: made, or an earlier run's adopted by rolling it; `revoke`: older ones of the same name. */
export interface MakeScimToken {
  kind: 'make-scim-token';
  name: string;
  permissionGroupId: string;
  adopt?: string;
  revoke: string[];
}

/** Tokens revoked once they are no longer needed (a rotation proved, an app torn down). */
export interface RevokeScimTokens {
  kind: 'revoke-scim-tokens';
  ids: string[];
  name: string;
}

/** The token operations that several commands' plans hold (a saved plan compares them as a reviewer would). */
export const isMakeScimToken = (op: OperationBase): op is MakeScimToken => op.kind === 'make-scim-token';
export const isRevokeScimTokens = (op: OperationBase): op is RevokeScimTokens => op.kind === 'revoke-scim-tokens';

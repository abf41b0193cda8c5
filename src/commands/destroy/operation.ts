import type { RevokeScimTokens } from '../../plan/operations.js';

/** destroy's one step more than its requests: the SCIM token revoked once the app is deactivated. */
export type DestroyOperation = RevokeScimTokens;

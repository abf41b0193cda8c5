import type { MakeScimToken, RevokeScimTokens } from '../../plan/operations.js';

/**
 * rotate-token's steps: the new token made (with --create), handed to Okta (by API where it takes
 * it, else a guided step), proved in use, and only then the old one revoked.
 */
export type RotateOperation = MakeScimToken | { kind: 'token-handover' } | { kind: 'token-proof' } | RevokeScimTokens;

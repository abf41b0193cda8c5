import { REDACTED } from '../lib/redact.js';
import { oktaPaths } from './okta-paths.js';
import { repush, sequence } from './repair.js';
import type { TokenFacts } from './scim-token.js';
import type { Action } from './types.js';

export interface RotateObserved {
  app: { id: string; label: string };
  /** Why Okta already uses the new token (Cloudflare's audit log), if it does: then nothing is to do. */
  alreadyInUse?: string;
  /** An ACTIVE push mapping: pushing it again makes Okta send SCIM requests, which prove the token. */
  activeMappingId?: string;
}

/**
 * Pure: the rotation in order. The new token, already proved against Cloudflare, is handed to Okta
 * (by API where Okta takes it, else a guided step for the token field alone); then a push is asked
 * for and Cloudflare's audit log must show a SCIM request made with the new token.
 */
export function planRotation(o: RotateObserved, scimBaseUrl: string): Action[] {
  const app = oktaPaths.app(o.app.id);
  const done = o.alreadyInUse !== undefined;
  const proof: Action = o.activeMappingId
    ? {
        id: 'token-proof',
        kind: 'update',
        resource: 'token-proof',
        operation: { kind: 'token-proof' },
        summary: 'prove Okta uses the new token',
        detail: "ask Okta to push (a push mapping set INACTIVE, then ACTIVE), then read Cloudflare's audit log for a SCIM request made with the new token",
        ...sequence(repush(app, o.activeMappingId)),
      }
    : {
        id: 'token-proof',
        kind: 'manual',
        resource: 'token-proof',
        summary: 'prove Okta uses the new token',
        detail: 'no ACTIVE push mapping can make Okta push now; push a group (`npx scim-setup okta --push-group …`), then re-run rotate-token',
      };
  return [
    {
      id: 'token-handover',
      kind: done ? 'noop' : 'update',
      resource: 'provisioning',
      operation: { kind: 'token-handover' },
      guided: !done,
      summary: done ? 'Okta already uses the new token' : 'hand the new token to Okta (by API where Okta takes it, else a guided step for the token field)',
      detail: o.alreadyInUse,
      request: done
        ? undefined
        : {
            method: 'POST',
            path: `${app}/connections/default?activate=true`,
            body: { baseUrl: scimBaseUrl, profile: { authScheme: 'TOKEN', token: REDACTED } },
          },
    },
    done ? { ...proof, kind: 'noop', request: undefined, followUps: undefined, detail: undefined } : proof,
  ];
}

/** What a rotation that makes its token is planned from (read at one moment, before anything is sent). */
export interface TokenRotationFacts {
  /** scim-setup's name for the app's token. */
  name: string;
  permissionGroupId: string;
  /** Tokens of that name, newest first. */
  named: TokenFacts[];
  /** The token Okta's latest SCIM request carried (Cloudflare's audit log), where one was seen. */
  inUseId?: string;
  /** Every account token's id: an old token is revoked by API only if it is one of these. */
  accountTokenIds: string[];
  /** Why the newest named token is already proved in use, where it is (an earlier rotation that stopped before revoking). */
  newestInUse?: string;
  /** How a new token is made (its permission, life and ranges), in words for the plan. */
  creationDetail: string;
}

export interface TokenRotationPlan {
  /** The step that makes (or adopts) the new token; undefined when an earlier run's is already in use. */
  make?: Action;
  /** The new token's id where known now (an adopted one); a made one's is known once made. */
  newTokenId?: string;
  /** Revoking the old tokens: last, after the proof. */
  revoke?: Action;
  alreadyInUse?: string;
  /** Old tokens this API cannot revoke (user-owned), or none identified: said at the end. */
  notes: string[];
}

/**
 * Pure: a rotation that makes its token. A token of scim-setup's name that Okta does not use is a
 * rotation an earlier run began: it is finished (adopted by rolling, since nobody holds its value)
 * rather than a third made. One already in use is only left to revoke the old ones.
 */
export function planTokenRotation(f: TokenRotationFacts): TokenRotationPlan {
  const [newest] = f.named;
  const resuming = newest !== undefined && newest.id !== f.inUseId && (f.named.length >= 2 || f.inUseId !== undefined);
  const finishing = newest !== undefined && f.newestInUse !== undefined && (f.named.length >= 2 || (f.inUseId !== undefined && f.inUseId !== newest.id));
  const newId = finishing || resuming ? newest.id : undefined;
  const old = [...new Set([...f.named.map((t) => t.id), ...(f.inUseId ? [f.inUseId] : [])])].filter((id) => id !== newId);
  const revocable = old.filter((id) => f.accountTokenIds.includes(id) || f.named.some((t) => t.id === id));
  const notes = [
    ...old
      .filter((id) => !revocable.includes(id))
      .map((id) => `The old token ${id} is not an account token (user-owned?): revoke it by hand (My Profile → API Tokens) once the rotation is proved.`),
    ...(f.inUseId === undefined && !finishing
      ? [
          "No SCIM request by Okta in the last hour names the token it holds now: only tokens of scim-setup's name are revoked; revoke a token made by hand yourself.",
        ]
      : []),
  ];
  const base = { id: 'scim-token', resource: 'scim-token' as const, subject: f.name };
  const make: Action | undefined = finishing
    ? { ...base, kind: 'noop', summary: `the new token ${newest.id} ("${f.name}") is already in use`, detail: f.newestInUse }
    : resuming
      ? {
          ...base,
          kind: 'update',
          summary: `finish the rotation an earlier run began: adopt token ${newest.id} ("${f.name}") by rolling it for a new value`,
          detail: 'nothing holds the value of a token made by a run that stopped; its id, permission and expiry stay',
          operation: { kind: 'make-scim-token', name: f.name, permissionGroupId: f.permissionGroupId, adopt: newest.id, revoke: [] },
        }
      : {
          ...base,
          kind: 'create',
          summary: `create account API token "${f.name}" for Okta`,
          detail: f.creationDetail,
          operation: { kind: 'make-scim-token', name: f.name, permissionGroupId: f.permissionGroupId, revoke: [] },
        };
  const revoke: Action | undefined = revocable.length
    ? {
        id: 'revoke-old-tokens',
        kind: 'delete',
        resource: 'scim-token',
        subject: f.name,
        summary: `revoke the old token${revocable.length > 1 ? 's' : ''} ${revocable.join(', ')}, once Okta is proved to use the new one`,
        operation: { kind: 'revoke-scim-tokens', ids: revocable, name: f.name },
      }
    : undefined;
  return { make, newTokenId: newId, revoke, alreadyInUse: finishing ? f.newestInUse : undefined, notes };
}

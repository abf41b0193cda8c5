import { connectionBody } from '../../plan/app-template.js';
import { REDACTED } from '../../lib/redact.js';
import { oktaPaths } from '../../plan/okta-paths.js';
import { repush, sequence } from '../../plan/repair.js';
import type { ListedToken } from '../../plan/token-ownership.js';
import { fromWire } from '../../lib/terminal-text.js';
import type { Action } from '../../plan/types.js';
import type { RotateOperation } from './operation.js';

export interface RotateObserved {
  app: { id: string; label: string };
  /** Why Okta already uses the new token (Cloudflare's audit log), if it does: then nothing is to do. */
  alreadyInUse?: string;
  /**
   * A push mapping to push again, which makes Okta send SCIM requests that prove the token: an ACTIVE
   * one, else one in ERROR (a push the old token failed: pushing it again is its repair as well).
   */
  repushMappingId?: string;
}

/** Pure: the mapping whose push again proves the token: an ACTIVE one, else one in ERROR (the re-push repairs it too). */
export function repushMapping(mappings: Array<{ id: string; status?: string }>): string | undefined {
  return (mappings.find((m) => m.status === 'ACTIVE') ?? mappings.find((m) => m.status === 'ERROR'))?.id;
}

/**
 * Pure: the rotation in order. The new token, already proved against Cloudflare, is handed to Okta
 * (by API where Okta takes it, else a guided step for the token field alone); then a push is asked
 * for and Cloudflare's audit log must show a SCIM request made with the new token.
 */
export function planRotation(o: RotateObserved, scimBaseUrl: string): Action<RotateOperation>[] {
  const app = oktaPaths.app(o.app.id);
  const done = o.alreadyInUse !== undefined;
  const proof: Action<RotateOperation> = o.repushMappingId
    ? {
        id: 'token-proof',
        kind: 'update',
        resource: 'token-proof',
        operation: { kind: 'token-proof' },
        summary: 'prove Okta uses the new token',
        detail: "ask Okta to push (a push mapping set INACTIVE, then ACTIVE), then read Cloudflare's audit log for a SCIM request made with the new token",
        ...sequence(repush(app, o.repushMappingId)),
      }
    : {
        id: 'token-proof',
        kind: 'manual',
        resource: 'token-proof',
        summary: 'prove Okta uses the new token',
        detail: 'no push mapping (ACTIVE or in ERROR) can make Okta push now; push a group (`npx scim-setup okta --push-group …`), then re-run rotate-token',
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
            body: connectionBody(scimBaseUrl, REDACTED),
          },
    },
    done ? { ...proof, kind: 'noop', request: undefined, followUps: undefined, detail: undefined } : proof,
  ];
}

/** What a rotation that makes its token is planned from (read at one moment, before anything is sent). */
export interface TokenRotationFacts {
  /** scim-setup's name for this app's token (bound to the app's id). */
  name: string;
  permissionGroupId: string;
  /** scim-setup's own tokens for this app (named for it, with SCIM Provisioning on this account alone), newest first. */
  own: ListedToken[];
  /** Of scim-setup's own tokens for this app, the one Okta's latest SCIM request carried (Okta's user agent), where one was seen. */
  oktaLatestId?: string;
  /** Tokens Okta's requests carried that scim-setup did not make for this app (another Okta app's, or one made by hand). */
  oktaOthers?: string[];
  /** Why the newest own token is already proved in use, where it is (an earlier rotation that stopped before revoking). */
  newestInUse?: string;
  /** How a new token is made (its permission, life and ranges), in words for the plan. */
  creationDetail: string;
}

export interface TokenRotationPlan {
  /** The step that makes the new token; a noop when an earlier run's is already proved in use. */
  make: Action<RotateOperation>;
  /** The new token's id where known now (one already in use); a made one's is known once made. */
  newTokenId?: string;
  /** Revoking scim-setup's old tokens for this app: last, after Okta's own requests with the new one are seen. */
  revoke?: Action<RotateOperation>;
  alreadyInUse?: string;
  /** What was seen and is left alone (a token Okta used that scim-setup did not make), or why no verdict: said at the end. */
  notes: string[];
}

/**
 * Pure: a rotation that makes its token. It never rolls a token (a roll kills the value at once, and
 * whether Okta holds an earlier run's token cannot be told before Okta uses it): it makes a new one,
 * and only once Okta's own requests with it are seen are scim-setup's older tokens for this app
 * revoked. After that no older one can be Okta's: Okta holds one token per app. A rotation an earlier
 * run proved (its token newest, Okta's latest requests carry it) is only left to revoke the rest.
 */
export function planTokenRotation(f: TokenRotationFacts): TokenRotationPlan {
  const [newest] = f.own;
  const finishing = newest !== undefined && f.own.length >= 2 && f.oktaLatestId === newest.id && f.newestInUse !== undefined;
  const old = (finishing ? f.own.slice(1) : f.own).map((t) => t.id);
  const notes = [
    ...(f.oktaLatestId === undefined && !finishing
      ? [
          "No SCIM request by Okta (its user agent) in the last hour carries a token scim-setup made for this app, so it cannot tell whether Okta holds one of them: nothing is revoked until Okta's own requests with the new token are seen, and then only the tokens scim-setup made for this app.",
        ]
      : []),
    ...(f.oktaOthers?.length
      ? [
          `Okta's SCIM requests in the last hour also carried ${f.oktaOthers.length > 1 ? 'tokens' : 'token'} ${f.oktaOthers.join(', ')}, which scim-setup did not make for this app (another Okta app's, or one made by hand): left as ${
            f.oktaOthers.length > 1 ? 'they are' : 'it is'
          }. If this app held one, revoke it by hand (Manage Account → Account API Tokens) once nothing else uses it.`,
        ]
      : []),
  ];
  const base = { id: 'scim-token', resource: 'scim-token' as const, subject: f.name };
  const make: Action<RotateOperation> = finishing
    ? { ...base, kind: 'noop', summary: `the new token ${newest.id} ("${fromWire(f.name, 160)}") is already in use`, detail: f.newestInUse }
    : {
        ...base,
        kind: 'create',
        summary: `create account API token "${fromWire(f.name, 160)}" for Okta`,
        detail: f.creationDetail,
        operation: { kind: 'make-scim-token', name: f.name, permissionGroupId: f.permissionGroupId, revoke: [] },
      };
  const revoke: Action<RotateOperation> | undefined = old.length
    ? {
        id: 'revoke-old-tokens',
        kind: 'delete',
        resource: 'scim-token',
        subject: f.name,
        summary: `revoke scim-setup's old token${old.length > 1 ? 's' : ''} for this app (${old.join(', ')}), once Okta is proved to use the new one`,
        operation: { kind: 'revoke-scim-tokens', ids: old, name: f.name },
      }
    : undefined;
  return { make, newTokenId: finishing ? newest.id : undefined, revoke, alreadyInUse: finishing ? f.newestInUse : undefined, notes };
}

import { REDACTED } from '../lib/redact.js';
import { repush, sequence } from './repair.js';
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
  const app = `/api/v1/apps/${o.app.id}`;
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

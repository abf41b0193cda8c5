import type { TokenCreation } from '../lib/inputs.js';
import { fromWire } from '../lib/terminal-text.js';
import type { Action } from './types.js';

/** What a token in Cloudflare's list says of itself that planning needs (never a value). */
export interface TokenFacts {
  id: string;
  name: string;
  issued_on?: string;
  expires_on?: string;
  /** Its client IP ranges (`condition.request_ip.in`); empty: any address. */
  allowCidrs?: string[];
}

/** The tokens scim-setup made for this app (found by name, newest first), and SCIM's permission group to make another. */
export interface ObservedScimTokens {
  named: TokenFacts[];
  permissionGroupId: string;
}

/** The name a made token carries, so that a later run finds it again. */
export function scimTokenName(appLabel: string): string {
  return `scim-setup: ${appLabel}`;
}

/** Pure: newest first, by when Cloudflare issued them. */
export function newestFirst<T extends { issued_on?: string }>(tokens: T[]): T[] {
  return [...tokens].sort((a, b) => Date.parse(b.issued_on ?? '') - Date.parse(a.issued_on ?? '') || 0);
}

/**
 * Pure: the create request, with exactly one policy: SCIM Provisioning, on this account only.
 * The expiry is counted from `now`, the moment of sending, so that a saved plan applied later
 * still gives the token its whole life.
 */
export function tokenCreateBody(name: string, accountId: string, permissionGroupId: string, creation: TokenCreation, now: Date) {
  return {
    name,
    policies: [{ effect: 'allow' as const, permission_groups: [{ id: permissionGroupId }], resources: { [`com.cloudflare.api.account.${accountId}`]: '*' } }],
    ...(creation.ttlDays === null ? {} : { expires_on: new Date(now.getTime() + creation.ttlDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') }),
    ...(creation.allowCidrs.length > 0 ? { condition: { request_ip: { in: creation.allowCidrs } } } : {}),
  };
}

/** Pure: how the token is described in a plan: what it may do, for how long, from where. */
export function describeCreation(accountId: string, creation: TokenCreation): string {
  const life = creation.ttlDays === null ? 'never expires' : `expires ${creation.ttlDays} days after it is made`;
  const from = creation.allowCidrs.length ? `usable only from ${creation.allowCidrs.join(', ')}` : 'usable from any address';
  return `one permission, SCIM Provisioning, on account ${accountId} only; ${life}; ${from}`;
}

/**
 * Pure: okta's step for the SCIM token when none was given. Okta needs the value only until it
 * provisions: once it does, the token it holds stays. Before that, a token an interrupted run made
 * (found by name) is adopted by rolling it, since nothing holds its value; extra ones are revoked.
 */
export function scimTokenAction(appLabel: string, accountId: string, creation: TokenCreation, observed: ObservedScimTokens, oktaHoldsOne: boolean): Action {
  const name = scimTokenName(appLabel);
  const base = { id: 'scim-token', resource: 'scim-token' as const, subject: name };
  const [newest, ...older] = newestFirst(observed.named);
  if (oktaHoldsOne)
    return {
      ...base,
      kind: 'noop',
      summary: newest
        ? `SCIM token: Okta holds one; scim-setup's is "${fromWire(name, 120)}" (${newest.id}${newest.expires_on ? `, expires ${newest.expires_on}` : ', never expires'})`
        : 'SCIM token: Okta holds one made outside scim-setup (`npx scim-setup rotate-token --create` replaces it with one scim-setup manages)',
    };
  // A token whose ranges differ from those asked cannot be adopted (a roll keeps them): it is revoked and replaced.
  const sameRanges = (t: TokenFacts) => [...(t.allowCidrs ?? [])].sort().join() === [...creation.allowCidrs].sort().join();
  if (newest && !sameRanges(newest))
    return {
      ...base,
      kind: 'create',
      summary: `replace account API token "${fromWire(name, 120)}" (${newest.id}), made by an earlier run with other IP ranges: revoke ${
        observed.named.length > 1 ? `the ${observed.named.length} of that name` : 'it'
      } and create a new one for Okta`,
      detail: describeCreation(accountId, creation),
      operation: { kind: 'make-scim-token', revoke: observed.named.map((t) => t.id), name, permissionGroupId: observed.permissionGroupId },
    };
  if (newest)
    return {
      ...base,
      kind: 'update',
      summary: `adopt account API token "${fromWire(name, 120)}" (${newest.id}), made by an earlier run before Okta had it: roll it for a new value${
        older.length ? `, and revoke ${older.length} older one${older.length > 1 ? 's' : ''} of the same name` : ''
      }`,
      detail: 'nothing holds the value of a token made by a run that stopped, so it gets a new one; its id, permission and expiry stay',
      operation: { kind: 'make-scim-token', adopt: newest.id, revoke: older.map((t) => t.id), name, permissionGroupId: observed.permissionGroupId },
    };
  return {
    ...base,
    kind: 'create',
    summary: `create account API token "${fromWire(name, 120)}" for Okta`,
    detail: describeCreation(accountId, creation),
    operation: { kind: 'make-scim-token', revoke: [], name, permissionGroupId: observed.permissionGroupId },
  };
}

import type { TokenCreation } from '../lib/inputs.js';
import { fromWire } from '../lib/terminal-text.js';
import type { MakeScimToken } from './operations.js';
import type { Action } from './types.js';
import { APP_ID_PLACEHOLDER, appTokens, ownTokens, scimTokenName, type ListedToken, type TokenExpectation } from './token-ownership.js';

/** What okta plans its token from: the account's tokens (never a value), and SCIM's permission group to make another. */
export interface ObservedScimTokens {
  tokens: ListedToken[];
  permissionGroupId: string;
  /** When they were read: a token's life is judged at that moment. */
  readAt: string;
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

/** Pure: what scim-setup would make now, to tell its own tokens by. */
export function tokenExpectation(observed: ObservedScimTokens, accountId: string, creation: TokenCreation): TokenExpectation {
  return { accountId, scimGroupId: observed.permissionGroupId, creation, now: new Date(observed.readAt) };
}

/** Pure: how the token is described in a plan: what it may do, for how long, from where. */
export function describeCreation(accountId: string, creation: TokenCreation): string {
  const life = creation.ttlDays === null ? 'never expires' : `expires ${creation.ttlDays} days after it is made`;
  // Said before anything is made: from outside its ranges, Cloudflare refuses the value itself.
  const from = creation.allowCidrs.length
    ? `usable only from ${creation.allowCidrs.join(', ')} (from elsewhere, this run proves its record and Okta's first SCIM request proves its use)`
    : 'usable from any address';
  return `one permission, SCIM Provisioning, on account ${accountId} only; ${life}; ${from}`;
}

/**
 * Pure: okta's step for the SCIM token when none was given. Okta needs the value only until it
 * provisions: once it does, the token it holds stays. Before that, a token an interrupted run made
 * for this app (bound to it by name, and holding exactly what scim-setup gives) is adopted by
 * rolling it, since nothing holds its value; older ones of its own are revoked. A token named for
 * the app with other rights is not provably scim-setup's and never touched: the command refuses the
 * run before planning (`refuseForeignTokens`).
 */
export function scimTokenAction(
  app: { label: string; id?: string },
  creation: TokenCreation,
  observed: ObservedScimTokens,
  accountId: string,
  oktaHoldsOne: boolean,
): Action<MakeScimToken> {
  const name = scimTokenName(app.label, app.id ?? APP_ID_PLACEHOLDER);
  const shown = fromWire(app.id ? name : scimTokenName(app.label, '<new app id>'), 160);
  const base = { id: 'scim-token', resource: 'scim-token' as const, subject: name };
  const mine = appTokens(observed.tokens, app.id, tokenExpectation(observed, accountId, creation));
  const own = ownTokens(mine);
  if (oktaHoldsOne) {
    const [newest] = own;
    return {
      ...base,
      kind: 'noop',
      summary: newest
        ? `SCIM token: Okta holds one; scim-setup's for this app is "${shown}" (${newest.id}${newest.expires_on ? `, expires ${newest.expires_on}` : ', never expires'})`
        : 'SCIM token: Okta holds one that scim-setup did not make for this app (`npx scim-setup rotate-token --create` replaces it with one scim-setup manages)',
    };
  }
  const [adopt, ...older] = mine.adoptable;
  const rest = [...older, ...mine.replaceable.map((r) => r.token)].map((t) => t.id);
  if (adopt)
    return {
      ...base,
      kind: 'update',
      summary: `adopt account API token "${shown}" (${adopt.id}), made by an earlier run before Okta had it: roll it for a new value${
        rest.length ? `, and revoke ${rest.length} other${rest.length > 1 ? 's' : ''} scim-setup made for this app` : ''
      }`,
      detail: 'nothing holds the value of a token made by a run that stopped, so it gets a new one; its id, permission and expiry stay',
      operation: { kind: 'make-scim-token', adopt: adopt.id, revoke: rest, name, permissionGroupId: observed.permissionGroupId },
    };
  const [replaced] = mine.replaceable;
  return {
    ...base,
    kind: 'create',
    summary: replaced
      ? `replace account API token "${shown}" (${replaced.token.id}), made by an earlier run (${fromWire(replaced.why, 120)}): revoke ${
          rest.length > 1 ? `the ${rest.length} scim-setup made for this app` : 'it'
        } and create a new one for Okta`
      : `create account API token "${shown}" for Okta`,
    detail: describeCreation(accountId, creation),
    operation: { kind: 'make-scim-token', revoke: rest, name, permissionGroupId: observed.permissionGroupId },
  };
}

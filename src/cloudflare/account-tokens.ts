import { AuthError, InputError, RemoteError } from '../lib/errors.js';
import { fromWire } from '../lib/terminal-text.js';
import type { CloudflareClient } from './client.js';
import { CloudflareRequestError } from './client.js';
import type { ObservedScimTokens } from '../plan/scim-token.js';
import { lifeDiffers, namedForApp, rightsBeyondScim, type TokenExpectation } from '../plan/token-ownership.js';
import { SCIM_GROUP_NAMES } from '../plan/scim-write-grant.js';

/** A token policy as the token API reads and writes it. */
export interface TokenPolicy {
  id?: string;
  effect: 'allow' | 'deny';
  permission_groups: Array<{ id: string; name?: string }>;
  resources: Record<string, string>;
}

/** An account-owned API token as `GET /accounts/{id}/tokens` shows it (the SDK's `Token`): never its value. */
export interface AccountToken {
  id: string;
  name: string;
  status: 'active' | 'disabled' | 'expired';
  issued_on?: string;
  modified_on?: string;
  last_used_on?: string;
  expires_on?: string;
  not_before?: string;
  policies?: TokenPolicy[];
  condition?: { request_ip?: { in?: string[]; not_in?: string[] } };
}

export interface TokenCreateBody {
  name: string;
  policies: TokenPolicy[];
  expires_on?: string;
  condition?: { request_ip: { in: string[] } };
}

/** What creating, listing and revoking tokens needs, in the dashboard's words. */
export const TOKENS_PERMISSION = '"Account API Tokens: Edit"';

const tokensPath = (client: CloudflareClient) => `/accounts/${client.accountId}/tokens`;

/**
 * Every account-owned token the API token may list. A refusal is the one thing this module adds
 * words to: without "Account API Tokens", scim-setup cannot make the SCIM token, and says the two
 * ways forward.
 */
export async function listAccountTokens(api: CloudflareClient, options: { includeExpired?: boolean } = {}): Promise<AccountToken[]> {
  return withTokenRights(api, () => api.listAll<AccountToken>(tokensPath(api), 50, options.includeExpired ? { include_expired: true } : {}));
}

/** SCIM's permission group in the catalogue, or an error that says the API token cannot grant it. */
export async function scimPermissionGroup(api: CloudflareClient): Promise<{ id: string; name: string }> {
  const groups = await withTokenRights(api, () =>
    api.get<{ result: Array<{ id?: string; name?: string; is_selectable?: boolean }> }>(`${tokensPath(api)}/permission_groups`, {}),
  );
  const scim = groups.result.filter((g) => typeof g.id === 'string' && SCIM_GROUP_NAMES.includes(String(g.name)));
  const selectable = scim.find((g) => g.is_selectable !== false);
  if (!selectable)
    throw new AuthError(
      scim.length
        ? `The token in CLOUDFLARE_API_TOKEN may not grant "SCIM Provisioning" (the catalogue lists it as not selectable): a token can only give what its maker holds.`
        : `Cloudflare's permission-group catalogue for account ${api.accountId} has no "SCIM Provisioning" group: SCIM is not enabled on this account.`,
      scim.length
        ? `Make CLOUDFLARE_API_TOKEN with an account member who holds SCIM Provisioning (a Super Administrator), or pass a SCIM token made by hand as CLOUDFLARE_SCIM_TOKEN.`
        : 'Ask your Cloudflare account team to enable SCIM provisioning (Enterprise), then re-run.',
      403,
    );
  return { id: selectable.id as string, name: selectable.name as string };
}

/** Creates a token; the value is in this answer only, so it is returned apart from the token's facts. */
export async function createAccountToken(api: CloudflareClient, body: TokenCreateBody): Promise<{ token: AccountToken; value: string }> {
  const r = await withTokenRights(api, () => api.post<{ result: AccountToken & { value?: string } }>(tokensPath(api), body));
  const { value, ...token } = r.result;
  if (typeof value !== 'string' || value === '') throw new InputError('internal: Cloudflare created a token but returned no value');
  return { token, value };
}

/** A new value for the same token (same id, policies and expiry): the old value stops working at once. */
export async function rollAccountToken(api: CloudflareClient, tokenId: string): Promise<string> {
  const r = await withTokenRights(api, () => api.put<{ result: string }>(`${tokensPath(api)}/${tokenId}/value`, {}));
  return r.result;
}

/** One token's facts, or undefined when the account has no such token (revoked, or not an account token). */
export async function getAccountToken(api: CloudflareClient, tokenId: string): Promise<AccountToken | undefined> {
  return withTokenRights(api, () => api.get<{ result: AccountToken }>(`${tokensPath(api)}/${tokenId}`)).then(
    (r) => r.result,
    (error: unknown) => {
      if (error instanceof CloudflareRequestError && error.status === 404) return undefined;
      throw error;
    },
  );
}

/** Revokes a token; one already gone counts as revoked, so that a re-run converges. */
export async function revokeAccountToken(api: CloudflareClient, tokenId: string): Promise<'revoked' | 'already gone'> {
  return withTokenRights(api, () => api.delete(`${tokensPath(api)}/${tokenId}`)).then(
    () => 'revoked' as const,
    (error: unknown) => {
      if (error instanceof CloudflareRequestError && error.status === 404) return 'already gone' as const;
      throw error;
    },
  );
}

/** A SCIM token held here, as one reading: its own verification, and its record where CLOUDFLARE_API_TOKEN may read it. */
export interface HeldTokenReading {
  verified: Awaited<ReturnType<typeof verifiedToken>>;
  /** Its record, with its policies; undefined for a user token, one gone, or an API token that may not read account tokens. */
  record?: AccountToken;
}

/** Reads a held SCIM token once, for all that asks of it in one moment: its life and rights, and whether it may write SCIM. */
export async function readHeldToken(scim: CloudflareClient, api: CloudflareClient | undefined): Promise<HeldTokenReading> {
  return withRecord(await verifiedToken(scim), api);
}

/** A held token's verification, already read, with its record where CLOUDFLARE_API_TOKEN may read it. */
export async function withRecord(verified: HeldTokenReading['verified'], api: CloudflareClient | undefined): Promise<HeldTokenReading> {
  if (!api || !verified.accountOwned) return { verified };
  const record = await getAccountToken(api, verified.id).catch((error: unknown) => {
    // Reading account tokens needs "Account API Tokens: Read": without it, the record is not read.
    if (error instanceof AuthError) return undefined;
    throw error;
  });
  return { verified, record };
}

/** The token a SCIM token's own verification names (account tokens at the account, user tokens at /user), with its life. */
export async function verifiedToken(client: CloudflareClient): Promise<{ id: string; status: string; expires_on?: string; accountOwned: boolean }> {
  const at = (path: string, accountOwned: boolean) =>
    client.get<{ result: { id: string; status: string; expires_on?: string } }>(path).then((r) => ({ ...r.result, accountOwned }));
  return at(`/accounts/${client.accountId}/tokens/verify`, true).catch(() => at('/user/tokens/verify', false));
}

async function withTokenRights<T>(api: CloudflareClient, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AuthError && error.refusal === 'no-permission')
      throw new AuthError(
        `The token in CLOUDFLARE_API_TOKEN may not manage account API tokens in account ${api.accountId} (it lacks ${TOKENS_PERMISSION}). Nothing was changed.`,
        `Either add ${TOKENS_PERMISSION} to that token (Manage Account → Account API Tokens → the token → Edit), or make a SCIM token by hand ("SCIM Provisioning: Edit") and pass it as CLOUDFLARE_SCIM_TOKEN (or --scim-token-file), as before.`,
        403,
        'no-permission',
      );
    throw error;
  }
}

/** What okta plans the token from: every account token (never a value; ownership is the planner's to tell), and SCIM's permission group. */
export async function observeScimTokens(api: CloudflareClient): Promise<ObservedScimTokens> {
  const [tokens, group] = await Promise.all([listAccountTokens(api, { includeExpired: true }), scimPermissionGroup(api)]);
  return { tokens, permissionGroupId: group.id, readAt: new Date(api.clock.now()).toISOString() };
}

/**
 * A token this run made (or rolled) is the token asked for, before Okta is given it: its value
 * verifies as that token at this account, and Cloudflare's own record of it, read back, is bound to
 * the app and holds exactly what scim-setup gives. A create answer is never trusted on its own word.
 */
export async function proveMadeToken(
  api: CloudflareClient,
  made: CloudflareClient,
  expected: { id: string; appId: string; name: string },
  e: TokenExpectation,
): Promise<void> {
  const verified = await verifiedToken(made);
  if (verified.id !== expected.id || !verified.accountOwned)
    throw notAsked(`its value verifies as token ${fromWire(verified.id, 64)}${verified.accountOwned ? '' : ' (a user token)'}, not as ${expected.id}`);
  await proveMadeRecord(api, expected, e);
}

function notAsked(why: string): RemoteError {
  return new RemoteError(
    `Cloudflare's answer for the new SCIM token is not the token asked for: ${why}. It was not handed to Okta.`,
    "Look at the account's API tokens in Cloudflare (Manage Account → Account API Tokens) and revoke what nobody asked for; then re-run, which makes or adopts a token of its own.",
  );
}

/**
 * The made token's record, read with the API token: its name, its one right (SCIM Provisioning on this
 * account), its life and its ranges. All that can be proved from a machine outside the token's ranges,
 * where Cloudflare refuses the value itself.
 */
export async function proveMadeRecord(api: CloudflareClient, expected: { id: string; appId: string; name: string }, e: TokenExpectation): Promise<void> {
  const token = await getAccountToken(api, expected.id);
  if (!token) throw notAsked(`account ${api.accountId} has no token ${expected.id}`);
  if (token.name !== expected.name || !namedForApp(token.name, expected.appId)) throw notAsked(`it is named "${fromWire(token.name, 120)}"`);
  const why = rightsBeyondScim(token, e.accountId, e.scimGroupId) ?? lifeDiffers(token, e);
  if (why) throw notAsked(why);
}

/**
 * The read token is this account's, proved before anything is planned: a token of another account
 * (a fleet entry that names no token of its own and so takes CLOUDFLARE_API_TOKEN) would plan as if
 * nothing were wrong, and fail only once the apply has written. One read that token needs anyway
 * (Account Settings: Read); only Cloudflare's "another account" refusal stops here, any other is
 * said by the read that meets it.
 */
export async function refuseOtherAccountToken(read: CloudflareClient): Promise<void> {
  await read.get(`/accounts/${read.accountId}/iam/permission_groups`, { per_page: 1 }).catch((error: unknown) => {
    if (error instanceof AuthError && error.refusal === 'other-account') throw error;
  });
}

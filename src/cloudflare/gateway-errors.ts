import { AuthError } from '../lib/errors.js';
import { fromWire } from '../lib/terminal-text.js';
import { isRecord } from '../lib/is-record.js';

/**
 * What Cloudflare's API gateway says when it refuses a token, read from its codes, never its words
 * (public reports of real answers; Cloudflare's changelog 2026-08-21 for `documentation_url`):
 * - 400, code 6003 with 6111 in `error_chain`: the Authorization header is not a bearer token;
 * - code 10000 "Authentication error": a token the gateway does not know (wrong, revoked, expired);
 * - 403, code 10000 "Forbidden" with `documentation_url`: a known token without the permission;
 * - 403, code 9109: a token of another account.
 * The two kinds of 10000 share a code, so which one it is comes from asking /tokens/verify.
 */
export interface GatewayRefusal {
  codes: number[];
  documentationUrl?: string;
  /** Code 9109 also refuses a token used outside its client IP ranges, naming the caller's address (public reports: "Cannot use the access token from location: <ip>"). */
  location?: string;
}

/** Pure: every code in the v4 envelope's errors and their chains, and the first documentation link Cloudflare's own site serves. */
export function gatewayRefusal(body: unknown): GatewayRefusal {
  const fields = isRecord(body) ? body : {};
  // Each error of the envelope, and of their chains (bounded: the body is the wire's).
  const flat: Array<Record<string, unknown>> = [];
  const walk = (list: unknown, depth: number) => {
    if (!Array.isArray(list) || depth > 3) return;
    for (const e of list.slice(0, 10)) {
      if (!isRecord(e)) continue;
      flat.push(e);
      walk(e.error_chain, depth + 1);
    }
  };
  walk(fields.errors, 0);
  const codes = flat.map((e) => e.code).filter((c): c is number => typeof c === 'number');
  const link = flat
    .map((e) => e.documentation_url)
    .find((u): u is string => typeof u === 'string' && /^https:\/\/developers\.cloudflare\.com\/[\w./-]{1,300}$/.test(u));
  // The one refusal whose code is shared: 9109 for another account, and for an address outside the token's ranges.
  // On SCIM paths the words are SCIM's `detail` (the spec's error shape), with no code to read.
  const location = [...flat.map((e) => e.message), fields.detail]
    .map((m) => (typeof m === 'string' ? /^Cannot use the access token from location: ([0-9a-fA-F.:]{2,45})$/.exec(m)?.[1] : undefined))
    .find(Boolean);
  return { codes, ...(link ? { documentationUrl: link } : {}), ...(location ? { location } : {}) };
}

/** Whether the refusal may be the token itself rather than what it may do: worth asking /tokens/verify. */
export function mayBeUnknownToken(status: number, refusal: GatewayRefusal): boolean {
  // SCIM's error shape carries no code (the spec's 4XX answers on SCIM paths): a 403 there may be either.
  return status === 401 || (status === 403 && (refusal.codes.includes(10000) || refusal.codes.length === 0));
}

export interface TokenContext {
  env: string;
  permission: string;
  accountId: string;
  /** The request, with the account ID in it replaced. */
  where: string;
  /** Cloudflare's words for the refusal, neutralised. */
  detail: string;
  /** A fleet account's token: its entry, the key that names its variable, and whether it named none (`borrowed` the default). */
  fleet?: { config: string; account: string; key: string; borrowed: boolean };
}

/** Pure: what to change when the token belongs to another account, in the terms the token was chosen in. */
function otherAccountFix(t: TokenContext): string {
  const f = t.fleet;
  if (!f) return `Check CLOUDFLARE_ACCOUNT_ID, or create the token in account ${t.accountId}.`;
  if (f.borrowed)
    return `Account "${f.account}" in ${f.config} names no "${f.key}", so it used ${t.env}, which holds another account's token: add "${f.key}": "<VAR>" to it, naming a variable that holds account ${t.accountId}'s own token.`;
  return `Set ${t.env} to a token of account ${t.accountId}, or correct "accountId" of account "${f.account}" in ${f.config}.`;
}

/**
 * Pure: the refusal in words that say what to change. `tokenLive` is what /tokens/verify said of the
 * same token just after: true (valid and active), false (refused), undefined (not asked or no answer).
 */
export function diagnoseRefusal(status: number, refusal: GatewayRefusal, tokenLive: boolean | undefined, t: TokenContext): AuthError | undefined {
  const { codes } = refusal;
  if (status === 400 && (codes.includes(6003) || codes.includes(6111)))
    return new AuthError(
      `Cloudflare could not read the token in ${t.env} as a bearer token (400 ${t.detail}).`,
      `The value is not a token as Cloudflare writes them (letters, digits, - and _): it most likely carries a stray space, quote or line break from copying. Set ${t.env} to the token alone.`,
      401,
      'unreadable',
    );
  if (refusal.location)
    return new AuthError(
      `Cloudflare refused the token in ${t.env} from this machine's address (${refusal.location}): the token may be used only from its client IP ranges.`,
      `Run from an address the token allows, or widen its ranges (Account API Tokens → the token → Client IP Address Filtering); for the SCIM token, Okta's published IP ranges must be in them.`,
      403,
      'outside-ip-ranges',
      refusal.location,
    );
  if (codes.includes(9109))
    return new AuthError(
      `Cloudflare denied ${t.where} to the token in ${t.env}: it belongs to another account than ${t.accountId} (${status} ${t.detail}).`,
      otherAccountFix(t),
      403,
      'other-account',
    );
  if (tokenLive === false || (status === 401 && tokenLive === undefined))
    return new AuthError(
      `Cloudflare does not know the token in ${t.env}: it is wrong, revoked or expired (${status} ${t.detail}).`,
      `Create an account API token with ${t.permission} in account ${t.accountId} and set ${t.env} to it.`,
      401,
      'unknown-token',
    );
  if (status === 403 || status === 401) {
    const docs = refusal.documentationUrl ? ` Cloudflare's reference for the request: ${fromWire(refusal.documentationUrl)}` : '';
    return new AuthError(
      tokenLive
        ? `Cloudflare denied ${t.where} to the token in ${t.env}: the token is valid and active, but may not do this (${status} ${t.detail}).`
        : `Cloudflare denied ${t.where} to the token in ${t.env} (${status} ${t.detail}).`,
      `Give the token ${t.permission} on account ${t.accountId} (or use one that has it), and check that CLOUDFLARE_ACCOUNT_ID is the account the token belongs to.${docs}`,
      403,
      'no-permission',
    );
  }
  return undefined;
}

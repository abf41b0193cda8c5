import type { AuditEntry } from '../cloudflare/audit.js';
import { getAccountToken, listAccountTokens, verifiedToken, type AccountToken } from '../cloudflare/account-tokens.js';
import { AuthError, CliError } from '../lib/errors.js';
import { newestFirst, scimTokenName } from '../plan/scim-token.js';
import type { Evidence, VerifySession } from './types.js';

const DAY_MS = 86_400_000;

/**
 * The SCIM token's life and rights, read at one moment: the token given (its own verification
 * tells its id and expiry, with no permission needed), the one this run made, or, with no token
 * held here, the one scim-setup made for the app (found by name with CLOUDFLARE_API_TOKEN).
 * Its policies are read where the API token may read account tokens. `scimTraffic` is the round's
 * one reading of Cloudflare's audit log.
 */
export async function readTokenLife(session: VerifySession, scimTraffic: () => Promise<AuditEntry[]>, madeId?: string): Promise<Evidence['tokenLife']> {
  const { scim, read, inputs } = session;
  const now = Date.now();
  try {
    if (inputs.scimToken && !madeId) {
      const v = await verifiedToken(scim);
      const facts = v.accountOwned && read ? await policiesOf(read, v.id) : { rights: undefined };
      return life({ id: v.id, status: v.status, expires_on: v.expires_on }, 'given', v.accountOwned, facts.rights, now);
    }
    if (!read) return { known: false, reason: 'no SCIM token is held here, and no CLOUDFLARE_API_TOKEN to find it by' };
    if (madeId) {
      const token = await getAccountToken(read, madeId);
      return token
        ? life(token, 'made', true, rightsOf(token, inputs.accountId), now)
        : { known: false, reason: `the token this run made (${madeId}) is gone` };
    }
    const name = scimTokenName(inputs.appLabel);
    const [tokens, requests] = await Promise.all([listAccountTokens(read, { includeExpired: true }), scimTraffic()]);
    const named = newestFirst(tokens.filter((t) => t.name === name));
    // Of several (a rotation under way), the one Okta's SCIM requests carry is Okta's; else the newest.
    const used = new Set(requests.map((r) => r.actor?.token_id));
    const token = named.find((t) => used.has(t.id)) ?? named[0];
    if (!token)
      return { known: false, reason: `no SCIM token is given, and Cloudflare has no token named "${name}" (scim-setup names the tokens it makes so)` };
    return life(token, 'named', true, rightsOf(token, inputs.accountId), now);
  } catch (error) {
    if (error instanceof AuthError && error.status === 403) return { known: false, reason: `not readable: ${error.message}` };
    if (error instanceof CliError && !(error instanceof AuthError)) return { known: false, reason: `not readable: ${error.message}` };
    throw error;
  }
}

async function policiesOf(read: NonNullable<VerifySession['read']>, id: string): Promise<{ rights?: Rights }> {
  try {
    const token = await getAccountToken(read, id);
    return { rights: token ? rightsOf(token, read.accountId) : undefined };
  } catch (error) {
    // Reading policies needs "Account API Tokens: Read": without it, only the token's life is checked.
    if (error instanceof AuthError) return {};
    throw error;
  }
}

type Rights = { extra: string[]; otherResources: string[] };

/** Pure: what a token may do beyond SCIM Provisioning on this account. */
export function rightsOf(token: AccountToken, accountId: string): Rights {
  const allows = (token.policies ?? []).filter((p) => p.effect === 'allow');
  const extra = [...new Set(allows.flatMap((p) => p.permission_groups.map((g) => g.name ?? g.id)).filter((n) => !/^SCIM Provisioning/.test(n)))];
  const otherResources = [...new Set(allows.flatMap((p) => Object.keys(p.resources)).filter((r) => r !== `com.cloudflare.api.account.${accountId}`))];
  return { extra, otherResources };
}

function life(
  t: Pick<AccountToken, 'id' | 'expires_on'> & { status: string; name?: string },
  source: 'given' | 'made' | 'named',
  accountOwned: boolean,
  rights: Rights | undefined,
  now: number,
): Evidence['tokenLife'] {
  const expiresAt = t.expires_on ? Date.parse(t.expires_on) : undefined;
  return {
    known: true,
    id: t.id,
    ...(t.name ? { name: t.name } : {}),
    source,
    status: expiresAt !== undefined && expiresAt <= now ? 'expired' : t.status,
    ...(t.expires_on && expiresAt !== undefined ? { expiresOn: t.expires_on, daysLeft: Math.floor((expiresAt - now) / DAY_MS) } : {}),
    accountOwned,
    ...(rights ? { rights } : {}),
  };
}

import { oktaLatestTokenId, type AuditEntry } from '../cloudflare/audit.js';
import { getAccountToken, listAccountTokens, readHeldToken, type AccountToken, type HeldTokenReading } from '../cloudflare/account-tokens.js';
import { CliError } from '../lib/errors.js';
import { namedForApp, newestFirst, scimTokenName } from '../plan/token-ownership.js';
import type { Evidence, VerifySession } from './types.js';

const DAY_MS = 86_400_000;

/**
 * The SCIM token's life and rights, read at one moment: the token given (its own verification
 * tells its id and expiry, with no permission needed), the one this run made, or, with no token
 * held here, the one scim-setup made for the app (found by name with CLOUDFLARE_API_TOKEN).
 * Its policies are read where the API token may read account tokens. `scimTraffic` is the round's
 * one reading of Cloudflare's audit log.
 */
export async function readTokenLife(
  session: VerifySession,
  appId: string,
  scimTraffic: () => Promise<AuditEntry[]>,
  madeId?: string,
  /** The given token's reading, where the round has it in hand (the write proof asks the same). */
  held?: Promise<HeldTokenReading>,
): Promise<Evidence['tokenLife']> {
  const { scim, accountApi: read, inputs } = session;
  const now = session.clock.now();
  try {
    if (inputs.scimToken && !madeId) {
      // Its policies are read where the API token may read account tokens; else only its life is checked.
      const { verified: v, record } = await (held ?? readHeldToken(scim, read));
      const rights = record ? rightsOf(record, inputs.accountId) : undefined;
      return life({ id: v.id, status: v.status, expires_on: v.expires_on, issued_on: record?.issued_on }, 'given', v.accountOwned, rights, now);
    }
    if (!read) return { known: false, reason: 'no SCIM token is held here, and no CLOUDFLARE_API_TOKEN to find it by' };
    if (madeId) {
      const token = await getAccountToken(read, madeId);
      return token
        ? life(token, 'made', true, rightsOf(token, inputs.accountId), now)
        : { known: false, reason: `the token this run made (${madeId}) is gone` };
    }
    const [tokens, requests] = await Promise.all([listAccountTokens(read, { includeExpired: true }), scimTraffic()]);
    const named = newestFirst(tokens.filter((t) => namedForApp(t.name, appId)));
    // Of several (a rotation under way), the one Okta's latest request carries is Okta's; else the newest.
    const latest = oktaLatestTokenId(requests, new Set(named.map((t) => t.id)));
    const token = named.find((t) => t.id === latest) ?? named[0];
    if (!token)
      return {
        known: false,
        reason: `no SCIM token is given, and Cloudflare has no token named for this app ("${scimTokenName(inputs.appLabel, appId)}": scim-setup names the tokens it makes so)`,
      };
    return life(token, 'named', true, rightsOf(token, inputs.accountId), now);
  } catch (error) {
    // A refused or missing permission, or a failed read, leaves the token's life unread: the scim-token check says why the token itself fails.
    if (error instanceof CliError) return { known: false, reason: `not readable: ${error.message}` };
    throw error;
  }
}

type Rights = { extra: string[]; otherResources: string[]; scim: boolean };

/** Pure: what a token may do beyond SCIM Provisioning on this account, and whether it holds SCIM Provisioning there at all. */
export function rightsOf(token: AccountToken, accountId: string): Rights {
  const own = `com.cloudflare.api.account.${accountId}`;
  const allows = (token.policies ?? []).filter((p) => p.effect === 'allow');
  const isScim = (n: string) => /^SCIM Provisioning/.test(n);
  const extra = [...new Set(allows.flatMap((p) => p.permission_groups.map((g) => g.name ?? g.id)).filter((n) => !isScim(n)))];
  const otherResources = [...new Set(allows.flatMap((p) => Object.keys(p.resources)).filter((r) => r !== own))];
  const scim = allows.some((p) => own in p.resources && p.permission_groups.some((g) => isScim(g.name ?? '')));
  return { extra, otherResources, scim };
}

function life(
  t: Pick<AccountToken, 'id' | 'expires_on' | 'issued_on'> & { status: string; name?: string },
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
    ...(expiresAt !== undefined && t.issued_on && !Number.isNaN(Date.parse(t.issued_on))
      ? { lifeDays: Math.round((expiresAt - Date.parse(t.issued_on)) / DAY_MS) }
      : {}),
    accountOwned,
    ...(rights ? { rights } : {}),
  };
}

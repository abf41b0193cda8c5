import type { CloudflareClient } from './client.js';

export interface AuditEntry {
  action: { time: string };
  /** Who made the request: for a token, its id (Cloudflare's audit log v2). */
  actor?: { token_id?: string };
  raw?: { uri?: string };
}

/** A token's id, which the audit log names as the actor: account tokens verify at the account, user tokens at /user. */
export async function tokenId(client: CloudflareClient): Promise<string> {
  const verified = await client
    .get<{ result: { id: string } }>(`/accounts/${client.accountId}/tokens/verify`)
    .catch(() => client.get<{ result: { id: string } }>('/user/tokens/verify'));
  return verified.result.id;
}

/** SCIM requests the token made since `since`, newest first, from the v2 audit log (which needs the read token). */
export async function scimRequestsBy(read: CloudflareClient, actorTokenId: string, since: Date): Promise<AuditEntry[]> {
  return scimRequests(read, since, actorTokenId);
}

/** SCIM requests by any token since `since`: whose tokens Okta's traffic carries. */
export async function scimRequestsByAnyToken(read: CloudflareClient, since: Date): Promise<AuditEntry[]> {
  return scimRequests(read, since);
}

async function scimRequests(read: CloudflareClient, since: Date, actorTokenId?: string): Promise<AuditEntry[]> {
  const audit = await read.get<{ result: AuditEntry[] }>(`/accounts/${read.accountId}/logs/audit`, {
    // Entries carry Cloudflare's clock: `since` moved onto it (never later than it names), and `before`
    // far enough ahead that a clock running fast hides nothing.
    since: read.onCloudflareClock(since).toISOString(),
    before: new Date(Date.now() + 600_000).toISOString(),
    ...(actorTokenId ? { actor_token_id: actorTokenId } : {}),
    limit: 1000,
    direction: 'desc',
  });
  return audit.result.filter((e) => e.raw?.uri?.includes('/scim/v2'));
}

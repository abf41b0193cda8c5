import type { CloudflareClient } from './client.js';

export interface AuditEntry {
  action: { time: string };
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
  const audit = await read.get<{ result: AuditEntry[] }>(`/accounts/${read.accountId}/logs/audit`, {
    since: since.toISOString(),
    before: new Date(Date.now() + 1000).toISOString(),
    actor_token_id: actorTokenId,
    limit: 1000,
    direction: 'desc',
  });
  return audit.result.filter((e) => e.raw?.uri?.includes('/scim/v2'));
}

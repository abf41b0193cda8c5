import type { CloudflareClient } from './client.js';
import { readCloudflare, type AuditLogEntry } from './reads.js';

/** An audit-log entry: who made the request (for a token, its id), and the request as sent. */
export type AuditEntry = AuditLogEntry;

/**
 * Okta's SCIM client names itself in every request (Okta's SCIM guide: `User-Agent: Okta SCIM Client
 * 1.0.0`), and Cloudflare's audit log keeps the request's User-Agent (`raw.user_agent`). Only such
 * requests tell which token Okta holds: another integration's traffic, or scim-setup's own proofs,
 * never do.
 */
export function isOktaRequest(entry: AuditEntry): boolean {
  return /^Okta SCIM Client\b/i.test(entry.raw?.user_agent ?? '');
}

/**
 * Pure: the token Okta's latest SCIM request carried, of entries newest first; with `among`, the
 * latest of those tokens (every Okta app of the org sends with the same user agent, so which
 * app's token is which comes from the tokens scim-setup made for each).
 */
export function oktaLatestTokenId(entries: AuditEntry[], among?: ReadonlySet<string>): string | undefined {
  return entries.find((e) => isOktaRequest(e) && e.actor?.token_id && (!among || among.has(e.actor.token_id)))?.actor?.token_id;
}

/** Pure: the tokens Okta's requests carried that are not among these: another app's, or one made by hand. */
export function oktaOtherTokenIds(entries: AuditEntry[], among: ReadonlySet<string>): string[] {
  return [...new Set(entries.filter(isOktaRequest).flatMap((e) => (e.actor?.token_id && !among.has(e.actor.token_id) ? [e.actor.token_id] : [])))];
}

/** Okta's SCIM requests (its user agent) made with the token since `since`, newest first, from the v2 audit log (which needs the read token). */
export async function oktaRequestsWith(read: CloudflareClient, actorTokenId: string, since: Date): Promise<AuditEntry[]> {
  return (await scimRequests(read, since, actorTokenId)).filter(isOktaRequest);
}

/** Okta's SCIM requests (its user agent) with any token since `since`, newest first: which tokens Okta's traffic carries. */
export async function oktaRequests(read: CloudflareClient, since: Date): Promise<AuditEntry[]> {
  return (await oktaTraffic(read, since)).okta;
}

/**
 * SCIM requests since `since`, newest first: Okta's (its user agent), and those the log records no
 * user agent for at all, which may be anyone's. An account whose audit log keeps no user agent
 * (the sandbox's variant auditUserAgent=absent) shows only the second: Okta's traffic is there,
 * and cannot be told from another client's.
 */
export async function oktaTraffic(read: CloudflareClient, since: Date): Promise<{ okta: AuditEntry[]; unattributed: AuditEntry[] }> {
  const entries = await scimRequests(read, since);
  return { okta: entries.filter(isOktaRequest), unattributed: entries.filter((e) => !e.raw?.user_agent) };
}

async function scimRequests(read: CloudflareClient, since: Date, actorTokenId?: string): Promise<AuditEntry[]> {
  const { entries } = await readCloudflare.auditLog(read, { since }, actorTokenId ? { actor_token_id: actorTokenId } : {});
  return entries.filter((e) => e.raw?.uri?.includes('/scim/v2'));
}

/** Pure: a SCIM user's creation over SCIM, as the audit log records it ("Create SCIM User", a POST to SCIM's /Users). */
export function isScimUserCreation(entry: AuditEntry): boolean {
  if (entry.action.result === 'failure') return false;
  return entry.action.description === 'Create SCIM User' || (entry.raw?.method === 'POST' && /\/scim\/v2\/Users\/?(\?|$)/.test(entry.raw?.uri ?? ''));
}

/**
 * The SCIM users the audit log records as created over SCIM since `since`, by SCIM id (the entry's
 * resource id): with `ids`, those alone (an entry or two each), else every creation in the window.
 * Whether an identity provider made a member, where Cloudflare's SCIM answers keep no externalId.
 */
export async function scimUserCreations(read: CloudflareClient, since: Date, ids?: readonly string[]): Promise<{ created: Set<string>; complete: boolean }> {
  const windows = ids
    ? await Promise.all(ids.map((id) => readCloudflare.auditLog(read, { since }, { action_type: 'create', resource_id: id }, 10)))
    : [await readCloudflare.auditLog(read, { since }, { action_type: 'create' })];
  const entries = windows.flatMap((w) => w.entries).filter(isScimUserCreation);
  return { created: new Set(entries.flatMap((e) => (e.resource?.id ? [e.resource.id] : []))), complete: windows.every((w) => w.complete) };
}

import type { TokenCreation } from '../lib/inputs.js';
import { fromWire } from '../lib/terminal-text.js';
import { InputError } from '../lib/errors.js';

/**
 * Which Cloudflare account tokens scim-setup may treat as its own: revoke, roll (adopt) or hand to
 * Okta. A name alone proves nothing (anyone who may edit account tokens can give a token any name),
 * so a token is scim-setup's for an app only when its name is bound to that app's id *and* it holds
 * exactly what scim-setup gives: SCIM Provisioning, on this account, nothing else. Everything else is
 * never touched; it is said instead.
 */

/** A token as Cloudflare's list or read shows it (never a value). */
export interface ListedToken {
  id: string;
  name: string;
  status?: string;
  issued_on?: string;
  expires_on?: string;
  not_before?: string;
  policies?: Array<{ effect: string; permission_groups: Array<{ id: string; name?: string }>; resources: Record<string, string> }>;
  condition?: { request_ip?: { in?: string[]; not_in?: string[] } };
}

/** What scim-setup gives the tokens it makes, for one account and one run's settings. */
export interface TokenExpectation {
  accountId: string;
  /** SCIM Provisioning's permission group id, as this account's catalogue lists it. */
  scimGroupId: string;
  creation: TokenCreation;
  now: Date;
}

const PREFIX = 'scim-setup: ';
/** Stands for the id of an app a previous action creates, as `{appId}` does in planned requests. */
export const APP_ID_PLACEHOLDER = '{appId}';

/** The name a made token carries: the app's label for people, its id for the binding. */
export function scimTokenName(appLabel: string, appId: string): string {
  return `${PREFIX}${appLabel} (Okta app ${appId})`;
}

/** Pure: the name with the id of the app an earlier action made put in. */
export function resolveTokenName(name: string, appId: string): string {
  return name.replace(APP_ID_PLACEHOLDER, appId);
}

/** Pure: whether a token's name binds it to this Okta app (the label may have changed since; the id cannot). */
export function namedForApp(name: string, appId: string): boolean {
  return name.startsWith(PREFIX) && name.endsWith(` (Okta app ${appId})`);
}

/** Pure: newest first, by when Cloudflare issued them. */
export function newestFirst<T extends { issued_on?: string }>(tokens: T[]): T[] {
  return [...tokens].sort((a, b) => Date.parse(b.issued_on ?? '') - Date.parse(a.issued_on ?? '') || 0);
}

/** Pure: why a token's rights are not exactly SCIM Provisioning on this account, or undefined when they are. */
export function rightsBeyondScim(token: ListedToken, accountId: string, scimGroupId: string): string | undefined {
  const policies = token.policies;
  if (!policies) return 'its policies could not be read';
  if (policies.length !== 1) return `it has ${policies.length} policies (scim-setup gives one)`;
  const [p] = policies;
  if (p.effect !== 'allow') return `its policy is "${p.effect}"`;
  const groups = p.permission_groups.map((g) => g.id);
  if (groups.length !== 1 || groups[0] !== scimGroupId)
    return `it holds ${p.permission_groups.map((g) => g.name ?? g.id).join(', ') || 'no permission'} (scim-setup gives SCIM Provisioning alone)`;
  const resources = Object.entries(p.resources);
  const own = `com.cloudflare.api.account.${accountId}`;
  if (resources.length !== 1 || resources[0][0] !== own || resources[0][1] !== '*')
    return `it reaches ${Object.keys(p.resources).join(', ') || 'no resource'} (scim-setup gives account ${accountId} alone)`;
  return undefined;
}

/** Pure: why a token of scim-setup's rights is not what this run would make (its life, its ranges), or undefined. */
export function lifeDiffers(token: ListedToken, e: TokenExpectation): string | undefined {
  if (token.status !== undefined && token.status !== 'active') return `it is ${token.status}`;
  const expiresAt = token.expires_on ? Date.parse(token.expires_on) : undefined;
  if (expiresAt !== undefined && expiresAt <= e.now.getTime()) return 'it has expired';
  // A minute's grace: Cloudflare stamps to the second, and its clock and ours differ a little.
  if (e.creation.ttlDays !== null && (expiresAt === undefined || expiresAt > e.now.getTime() + e.creation.ttlDays * 86_400_000 + 60_000))
    return `it ${expiresAt === undefined ? 'never expires' : `expires ${token.expires_on}`}, beyond the ${e.creation.ttlDays} days asked`;
  if (token.not_before) return `it is not valid before ${token.not_before}`;
  const ranges = token.condition?.request_ip;
  if ((ranges?.not_in ?? []).length > 0) return 'it excludes IP ranges, which scim-setup never does';
  if ([...(ranges?.in ?? [])].sort().join() !== [...e.creation.allowCidrs].sort().join()) return 'its IP ranges differ from those asked';
  return undefined;
}

/** The tokens bound to one app by name, sorted by what scim-setup may do with them (each newest first). */
export interface AppTokens {
  /** Exactly what this run would make: may be adopted (rolled) where nothing holds its value. */
  adoptable: ListedToken[];
  /** scim-setup's rights, another life or ranges (an earlier run's other settings, or expired): revoked and replaced. */
  replaceable: Array<{ token: ListedToken; why: string }>;
  /** Named for the app with rights scim-setup never gives: not provably its own, never touched. */
  foreign: Array<{ token: ListedToken; why: string }>;
}

/** Pure: the account's tokens that are named for this app, by what scim-setup may do with them. */
export function appTokens(tokens: ListedToken[], appId: string | undefined, e: TokenExpectation): AppTokens {
  const result: AppTokens = { adoptable: [], replaceable: [], foreign: [] };
  if (appId === undefined) return result;
  for (const token of newestFirst(tokens.filter((t) => namedForApp(t.name, appId)))) {
    const beyond = rightsBeyondScim(token, e.accountId, e.scimGroupId);
    if (beyond) {
      result.foreign.push({ token, why: beyond });
      continue;
    }
    const differs = lifeDiffers(token, e);
    if (differs) result.replaceable.push({ token, why: differs });
    else result.adoptable.push(token);
  }
  return result;
}

/** Pure: scim-setup's own tokens for the app, adoptable or not, newest first: the only ones it may revoke. */
export function ownTokens(app: AppTokens): ListedToken[] {
  return newestFirst([...app.adoptable, ...app.replaceable.map((r) => r.token)]);
}

/**
 * Pure: a run that would make, adopt or revoke this app's token stops (exit 2, nothing written) when
 * a token is named for the app with rights scim-setup never gives: somebody else made it, or changed
 * it, and only a person can tell whether anything relies on it.
 */
export function refuseForeignTokens(foreign: AppTokens['foreign']): void {
  if (foreign.length === 0) return;
  const list = foreign.map(({ token, why }) => `${token.id} ("${fromWire(token.name, 120)}"): ${fromWire(why, 200)}`).join('; ');
  throw new InputError(
    `Cloudflare holds ${foreign.length === 1 ? 'a token' : `${foreign.length} tokens`} named for this Okta app with rights scim-setup never gives, so scim-setup cannot prove ${
      foreign.length === 1 ? 'it is' : 'they are'
    } its own and touches nothing: ${list}. Nothing was changed.`,
    'Look at the token in Cloudflare (Manage Account → Account API Tokens): revoke it if nobody should hold it, or rename it if something else uses it; then re-run.',
  );
}

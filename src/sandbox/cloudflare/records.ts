/**
 * The records of a Cloudflare account as the sandbox keeps them (tokens, SCIM users, members, user
 * groups, the audit log), the account's fixed facts (roles, permission groups), and their ids.
 */
import { createHash, randomBytes } from 'node:crypto';

export type Permission = 'scim' | 'accountRead' | 'accountWrite' | 'tokensRead' | 'tokensWrite';

/** A token's policy as Cloudflare's token API writes it: permission groups on resources. */
export interface TokenPolicy {
  id: string;
  effect: 'allow' | 'deny';
  permission_groups: Array<{ id: string; name: string }>;
  resources: Record<string, string>;
}

export interface TokenRecord {
  id: string;
  name: string;
  value: string;
  status: 'active' | 'revoked';
  /** What the token may do in the sandbox: read from its policies on this account. */
  permissions: Set<Permission>;
  accountOwned: boolean;
  policies: TokenPolicy[];
  issuedOn: string;
  modifiedOn: string;
  lastUsedOn?: string;
  /** On or after it the token is refused ("MUST NOT be accepted"), as before `notBefore`. */
  expiresOn?: string;
  notBefore?: string;
  condition?: { request_ip?: { in?: string[]; not_in?: string[] } };
}

/**
 * The account-token permission-group catalogue (`GET /accounts/{id}/tokens/permission_groups`), with
 * the names its API gives (the dashboard's "Edit" is the API's "Write"; SCIM's has no suffix, as the
 * Cloudflare provider's list of accepted permissions names it). Those with a `permission` mean
 * something to the sandbox; the others are there to be chosen, and make a token over-privileged.
 */
export const TOKEN_PERMISSION_GROUPS: Array<{ id: string; name: string; scopes: string[]; permission?: Permission }> = [
  { name: 'SCIM Provisioning', permission: 'scim' as const },
  { name: 'Account Settings Read', permission: 'accountRead' as const },
  { name: 'Account Settings Write', permission: 'accountWrite' as const },
  { name: 'Account API Tokens Read', permission: 'tokensRead' as const },
  { name: 'Account API Tokens Write', permission: 'tokensWrite' as const },
  { name: 'Workers Scripts Write' },
  { name: 'Billing Read' },
  { name: 'DNS Read', zone: true },
].map((g) => ({
  id: hexId(`token-permission-group:${g.name}`),
  name: g.name,
  scopes: ['zone' in g ? 'com.cloudflare.api.account.zone' : 'com.cloudflare.api.account'],
  ...('permission' in g ? { permission: g.permission } : {}),
}));

/** Account tokens per account (research cloudflare.md §f). */
export const ACCOUNT_TOKEN_QUOTA = 500;

export interface ScimUserRecord {
  id: string;
  userName: string;
  givenName: string;
  familyName: string;
  displayName?: string;
  externalId?: string;
  active: boolean;
  memberId?: string;
}

export interface MemberRecord {
  id: string;
  email: string;
  /** An invitation is `pending` until the invitee accepts it (the API's default). */
  status: 'accepted' | 'pending';
  userId: string;
  firstName: string | null;
  lastName: string | null;
  roles: string[];
  scim: boolean;
}

export interface PolicyRecord {
  id: string;
  access: 'allow' | 'deny';
  permission_groups: Array<{ id: string }>;
  /** By id, or inline by scope as Cloudflare's docs write a policy (read back with no id). */
  resource_groups: Array<{ id: string } | { scope: { key: string; objects: Array<{ key: string }> }; created_on: string; modified_on: string }>;
}

export interface UserGroupRecord {
  id: string;
  name: string;
  created_on: string;
  modified_on: string;
  policies: PolicyRecord[];
  members: Set<string>;
  scim: boolean;
  externalId?: string;
}

export interface AuditV2 {
  id: string;
  account: { id: string; name: string };
  action: { type: 'create' | 'update' | 'delete' | 'view'; description: string; result: 'success' | 'failure'; time: string };
  actor: {
    id: string;
    context: string;
    ip_address: string;
    token_id: string;
    token_name: string;
    type: 'account' | 'user' | 'system' | 'cloudflare_admin';
    email?: string;
  };
  raw: { cf_ray_id: string; method: string; status_code: number; uri: string; user_agent?: string };
  resource: { id: string; product: string; type: string; scope: Record<string, unknown>; request: Record<string, unknown>; response: Record<string, unknown> };
  zone: Record<string, never>;
}

/** Real role names of the Cloudflare dashboard, as permission groups. */
export const ROLE_NAMES = [
  'Super Administrator - All Privileges',
  'Administrator',
  'Administrator Read Only',
  'Minimal Account Access',
  'Analytics',
  'Audit Logs Viewer',
  'Billing',
  'DNS',
  'Firewall',
  'Cloudflare Access',
  'Cloudflare Zero Trust',
  'Cloudflare Workers Admin',
  'SSL/TLS, Caching, Performance, Page Rules, and Customization',
];
export const SUPER_ADMIN_ROLE_ID = '33666b9c79b9a5273fc7344ff42f953d';
export const SYSTEM_GROUP_PREFIX = 'cloudflare-v1-';

/** Past its `expires_on` on Cloudflare's clock. */
export function expired(t: TokenRecord, now: string): boolean {
  return t.expiresOn !== undefined && Date.parse(t.expiresOn) <= Date.parse(now);
}

export function newTokenValue(accountOwned: boolean): string {
  return `${accountOwned ? 'cfat_' : 'cfut_'}${randomBytes(30).toString('base64url')}`;
}

export function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

export function roleId(name: string): string {
  return name === ROLE_NAMES[0] ? SUPER_ADMIN_ROLE_ID : hexId(`role:${name}`);
}

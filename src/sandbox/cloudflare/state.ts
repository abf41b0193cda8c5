import { createHash, randomBytes, randomUUID } from 'node:crypto';

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
  status: 'accepted';
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
  raw: { cf_ray_id: string; method: string; status_code: number; uri: string; user_agent: string };
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

function newTokenValue(accountOwned: boolean): string {
  return `${accountOwned ? 'cfat_' : 'cfut_'}${randomBytes(30).toString('base64url')}`;
}

export function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

export function roleId(name: string): string {
  return name === ROLE_NAMES[0] ? SUPER_ADMIN_ROLE_ID : hexId(`role:${name}`);
}

export class CloudflareState {
  readonly tokens = new Map<string, TokenRecord>();
  readonly scimUsers = new Map<string, ScimUserRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly userGroups = new Map<string, UserGroupRecord>();
  readonly audit: AuditV2[] = [];
  readonly resourceGroups = new Map<
    string,
    { id: string; name: string; scope: { key: string; objects: Array<{ key: string }> }; meta: Record<string, string> }
  >();
  readonly permissionGroups = ROLE_NAMES.map((name) => ({
    id: roleId(name),
    name,
    meta: { label: name.toLowerCase().replace(/[^a-z0-9]+/g, '_'), scopes: 'com.cloudflare.api.account' },
  }));
  private clock = 0;
  /** Cloudflare's clock (the true time plus the sandbox's skew, if any). */
  timeNow: () => number = Date.now;

  /** Sets Cloudflare's clock; timestamps made before (the seed's) stay, and new ones follow the new clock. */
  useClock(clock: () => number): void {
    this.timeNow = clock;
    this.clock = 0;
  }

  constructor(
    readonly accountId: string,
    readonly accountName: string,
    ownerEmail: string,
  ) {
    this.addMember(ownerEmail, 'Account', 'Owner', [SUPER_ADMIN_ROLE_ID], false);
  }

  now(): string {
    const t = Math.max(this.timeNow(), this.clock + 1);
    this.clock = t;
    return new Date(t).toISOString();
  }

  /** The resource key of this account in a token policy. */
  get accountResource(): string {
    return `com.cloudflare.api.account.${this.accountId}`;
  }

  /** A token made outside the API (the seed, the control API): one policy with the permissions' groups on this account. */
  addToken(name: string, permissions: Permission[], accountOwned = true, life: Pick<TokenRecord, 'expiresOn' | 'notBefore'> = {}): TokenRecord {
    const groups = TOKEN_PERMISSION_GROUPS.filter((g) => g.permission && permissions.includes(g.permission)).map((g) => ({ id: g.id, name: g.name }));
    const policies: TokenPolicy[] = [
      { id: hexId(`policy:${name}:${randomUUID()}`), effect: 'allow', permission_groups: groups, resources: { [this.accountResource]: '*' } },
    ];
    return this.issueToken({ name, policies, accountOwned, ...life });
  }

  /** A new token with a new value; its permissions are what its policies allow on this account. */
  issueToken(spec: Pick<TokenRecord, 'name' | 'policies' | 'accountOwned' | 'expiresOn' | 'notBefore' | 'condition'>): TokenRecord {
    const now = this.now();
    const token: TokenRecord = {
      ...spec,
      id: randomBytes(16).toString('hex'),
      value: newTokenValue(spec.accountOwned),
      status: 'active',
      permissions: this.permissionsOf(spec.policies),
      issuedOn: now,
      modifiedOn: now,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  /** Rolls a token: the same token (id, policies) under a new value; the old value stops working at once. */
  rollToken(token: TokenRecord): TokenRecord {
    this.tokens.delete(token.value);
    token.value = newTokenValue(token.accountOwned);
    token.modifiedOn = this.now();
    this.tokens.set(token.value, token);
    return token;
  }

  tokenById(id: string): TokenRecord | undefined {
    return [...this.tokens.values()].find((t) => t.id === id && t.status === 'active');
  }

  /** Allow policies on this account (or every account) grant their groups' permissions; a deny takes them away. */
  permissionsOf(policies: TokenPolicy[]): Set<Permission> {
    const onThisAccount = (p: TokenPolicy) => Object.keys(p.resources).some((key) => key === this.accountResource || key === 'com.cloudflare.api.account.*');
    const permissionsIn = (p: TokenPolicy) => p.permission_groups.flatMap((pg) => TOKEN_PERMISSION_GROUPS.find((g) => g.id === pg.id)?.permission ?? []);
    const allowed = new Set(policies.filter((p) => p.effect === 'allow' && onThisAccount(p)).flatMap(permissionsIn));
    for (const denied of policies.filter((p) => p.effect === 'deny' && onThisAccount(p)).flatMap(permissionsIn)) allowed.delete(denied);
    return allowed;
  }

  /**
   * A member of the account. SCIM `/Users` "lists account members" (the spec): one joined any other
   * way (the owner, a dashboard or API invitation) is a SCIM user too, with no externalId.
   */
  addMember(email: string, firstName: string | null, lastName: string | null, roles: string[], scim: boolean, userId = hexId(`user:${email}`)): MemberRecord {
    const member: MemberRecord = { id: hexId(`member:${email}:${randomUUID()}`), email, status: 'accepted', userId, firstName, lastName, roles, scim };
    this.members.set(member.id, member);
    const known = [...this.scimUsers.values()].find((u) => u.userName.toLowerCase() === email.toLowerCase());
    if (!scim && !known)
      this.scimUsers.set(userId, { id: userId, userName: email, givenName: firstName ?? '', familyName: lastName ?? '', active: true, memberId: member.id });
    else if (!scim && known) Object.assign(known, { active: true, memberId: member.id });
    return member;
  }

  /**
   * System groups (the spec: "backed by Cloudflare permission groups, prefixed `cloudflare-v1-`"):
   * one for each permission group some member holds, its id `cloudflare-v1-<permission group id>`.
   */
  systemGroups(): Array<{ id: string; name: string; memberIds: string[] }> {
    return this.permissionGroups
      .map((p) => ({
        id: `${SYSTEM_GROUP_PREFIX}${p.id}`,
        name: p.name,
        memberIds: [...this.members.values()].filter((m) => m.roles.includes(p.id)).map((m) => m.id),
      }))
      .filter((g) => g.memberIds.length > 0);
  }

  removeMember(memberId: string): void {
    this.members.delete(memberId);
    for (const group of this.userGroups.values()) group.members.delete(memberId);
  }

  superAdmins(): MemberRecord[] {
    return [...this.members.values()].filter((m) => m.roles.includes(SUPER_ADMIN_ROLE_ID));
  }

  /** One request in the audit log v2, as Cloudflare writes it: who (the token), what, and the request as sent. */
  record(
    request: { method: string; path: string; headers: Record<string, string | string[] | undefined> },
    token: TokenRecord,
    entry: { type: AuditV2['action']['type']; description: string; status: number; product: string; resourceType: string; resourceId: string },
  ): void {
    this.audit.push({
      id: randomUUID(),
      account: { id: this.accountId, name: this.accountName },
      action: { type: entry.type, description: entry.description, result: entry.status < 400 ? 'success' : 'failure', time: this.now() },
      actor: {
        id: token.id,
        context: 'api_token',
        ip_address: '127.0.0.1',
        token_id: token.id,
        token_name: token.name,
        type: token.accountOwned ? 'account' : 'user',
      },
      // raw.user_agent is the request's, as Cloudflare's audit-log examples show it.
      raw: {
        cf_ray_id: randomBytes(8).toString('hex'),
        method: request.method,
        status_code: entry.status,
        uri: request.path,
        user_agent: String(request.headers['user-agent'] ?? ''),
      },
      resource: { id: entry.resourceId, product: entry.product, type: entry.resourceType, scope: { id: this.accountId }, request: {}, response: {} },
      zone: {},
    });
  }

  snapshot() {
    return {
      accountId: this.accountId,
      tokens: [...this.tokens.values()].map((t) => ({
        id: t.id,
        name: t.name,
        status: t.status,
        permissions: [...t.permissions],
        accountOwned: t.accountOwned,
        policies: t.policies,
        expiresOn: t.expiresOn,
        condition: t.condition,
      })),
      scimUsers: [...this.scimUsers.values()],
      members: [...this.members.values()],
      userGroups: [...this.userGroups.values()].map((g) => ({ ...g, members: [...g.members] })),
      audit: this.audit,
    };
  }
}

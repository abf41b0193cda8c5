import { randomBytes, randomUUID } from 'node:crypto';
import { cfFailure } from './errors.js';
import {
  ACCOUNT_TOKEN_QUOTA,
  hexId,
  newTokenValue,
  ROLE_NAMES,
  roleId,
  SUPER_ADMIN_ROLE_ID,
  SYSTEM_GROUP_PREFIX,
  TOKEN_PERMISSION_GROUPS,
  type AuditV2,
  type MemberRecord,
  type Permission,
  type ScimUserRecord,
  type TokenPolicy,
  type TokenRecord,
  type UserGroupRecord,
} from './records.js';

/** Who asked for a change: the request (its method, path, User-Agent) and the token it carried. The audit log names both. */
export interface Actor {
  request: { method: string; path: string; headers: Record<string, string | string[] | undefined> };
  token: TokenRecord;
}

/** What a SCIM write may change on a user; undefined leaves a field as it is. */
export interface ScimUserChange {
  userName?: string;
  givenName?: string;
  familyName?: string;
  active?: boolean;
}

/** One change to a SCIM group, as a PATCH operation or a PUT carries it. */
export type ScimGroupChange =
  | { kind: 'displayName'; value: string }
  | { kind: 'externalId'; value: string | undefined }
  | { kind: 'members'; how: 'replace' | 'add' | 'remove'; users: string[] };

type MemberChange = 'add' | 'replace' | 'remove';

const MINIMAL_ROLE = roleId('Minimal Account Access');

/**
 * One Cloudflare account: its records, its clock and audit log, and its rules. Every change, from
 * the SCIM API, the v4 API or the sandbox's control API, is one method here that stamps the
 * records it touches and writes the audit-log entry Cloudflare writes, naming who asked; the
 * routes only read requests and shape answers.
 */
export class CloudflareState {
  readonly tokens = new Map<string, TokenRecord>();
  readonly scimUsers = new Map<string, ScimUserRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly userGroups = new Map<string, UserGroupRecord>();
  readonly audit: AuditV2[] = [];
  /** Whether the audit log keeps each request's User-Agent (the variant auditUserAgent). */
  keepsUserAgents = true;
  /** Which id an invitation's "Add Member" entry names (the variant inviteAuditId): the membership's or the invitee's user id. */
  invitationNames: 'member' | 'user' = 'member';
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
  /** Cloudflare's clock (the true time plus the sandbox's skew, if any): the owner and the first tokens are stamped by it too. */
  readonly timeNow: () => number;

  constructor(
    readonly accountId: string,
    readonly accountName: string,
    ownerEmail: string,
    clock: () => number = Date.now,
  ) {
    this.timeNow = clock;
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
  addToken(
    name: string,
    permissions: Permission[],
    accountOwned = true,
    life: Partial<Pick<TokenRecord, 'expiresOn' | 'notBefore' | 'issuedOn'>> = {},
  ): TokenRecord {
    const groups = TOKEN_PERMISSION_GROUPS.filter((g) => g.permission && permissions.includes(g.permission)).map((g) => ({ id: g.id, name: g.name }));
    const policies: TokenPolicy[] = [
      { id: hexId(`policy:${name}:${randomUUID()}`), effect: 'allow', permission_groups: groups, resources: { [this.accountResource]: '*' } },
    ];
    return this.issueToken({ name, policies, accountOwned, ...life });
  }

  /** A new token with a new value; its permissions are what its policies allow on this account. */
  issueToken(spec: Pick<TokenRecord, 'name' | 'policies' | 'accountOwned' | 'expiresOn' | 'notBefore' | 'condition'> & { issuedOn?: string }): TokenRecord {
    const now = this.now();
    // A token made outside the API may have been made earlier (the dashboard, months ago); the API's are made now.
    const issuedOn = spec.issuedOn ?? now;
    const token: TokenRecord = {
      ...spec,
      id: randomBytes(16).toString('hex'),
      value: newTokenValue(spec.accountOwned),
      status: 'active',
      permissions: this.permissionsOf(spec.policies),
      issuedOn,
      modifiedOn: issuedOn,
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

  /** An account API token made through the API, within the account's quota. */
  createAccountToken(spec: Pick<TokenRecord, 'name' | 'policies' | 'expiresOn' | 'notBefore' | 'condition'>, by: Actor): TokenRecord {
    if ([...this.tokens.values()].filter((t) => t.accountOwned && t.status === 'active').length >= ACCOUNT_TOKEN_QUOTA)
      throw cfFailure(by.request.path, 400, `The account has reached its limit of ${ACCOUNT_TOKEN_QUOTA} API tokens`, 1009);
    const token = this.issueToken({ ...spec, accountOwned: true });
    this.recordToken(by, 'create', 'Create account API token', token.id);
    return token;
  }

  rollAccountToken(token: TokenRecord, by: Actor): TokenRecord {
    this.rollToken(token);
    this.recordToken(by, 'update', 'Roll account API token', token.id);
    return token;
  }

  /** A deleted token stops working at once. */
  deleteAccountToken(token: TokenRecord, by: Actor): void {
    this.tokens.delete(token.value);
    this.recordToken(by, 'delete', 'Delete account API token', token.id);
  }

  /** Revoked outside the API (the dashboard; the sandbox's control API): refused from the next request on. */
  revokeToken(token: TokenRecord): void {
    token.status = 'revoked';
    token.modifiedOn = this.now();
  }

  private recordToken(by: Actor, type: 'create' | 'update' | 'delete', description: string, id: string): void {
    this.record(by, { type, description, status: 200, product: 'api_tokens', resourceType: 'account_token', resourceId: id });
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

  /** Members who are Super Administrators: those who accepted; an invitation grants nothing yet. */
  superAdmins(): MemberRecord[] {
    return [...this.members.values()].filter((m) => m.roles.includes(SUPER_ADMIN_ROLE_ID) && m.status === 'accepted');
  }

  /** One request in the audit log v2, as Cloudflare writes it: who (the token), what, and the request as sent. */
  record(
    { request, token }: Actor,
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
      // raw.user_agent is the request's, as Cloudflare's audit-log examples show it (the variant auditUserAgent=absent records none).
      raw: {
        cf_ray_id: randomBytes(8).toString('hex'),
        method: request.method,
        status_code: entry.status,
        uri: request.path,
        ...(this.keepsUserAgents ? { user_agent: String(request.headers['user-agent'] ?? '') } : {}),
      },
      resource: { id: entry.resourceId, product: entry.product, type: entry.resourceType, scope: { id: this.accountId }, request: {}, response: {} },
      zone: {},
    });
  }

  // ---- SCIM users: account membership (the spec: SCIM /Users "lists account members") ----

  createScimUser(
    fields: Required<Pick<ScimUserRecord, 'userName' | 'givenName' | 'familyName'>> & Pick<ScimUserRecord, 'displayName' | 'externalId'>,
    by: Actor,
  ): ScimUserRecord {
    const email = fields.userName.toLowerCase();
    if ([...this.scimUsers.values()].some((u) => u.userName.toLowerCase() === email))
      throw cfFailure(by.request.path, 409, `User ${fields.userName} already exists`, 1000, 'uniqueness');
    const existingMember = [...this.members.values()].find((m) => m.email.toLowerCase() === email);
    const id = existingMember?.userId ?? hexId(`user:${email}`);
    const user: ScimUserRecord = { id, ...fields, active: false, memberId: existingMember?.id };
    this.scimUsers.set(id, user);
    this.setActive(user, true);
    this.record(by, { type: 'create', description: 'Create SCIM User', status: 201, product: 'scim', resourceType: 'user', resourceId: id });
    return user;
  }

  /** A PATCH or PUT of a user; deactivating one is recorded as Cloudflare records it, a delete. */
  changeScimUser(user: ScimUserRecord, change: ScimUserChange, by: Actor, description: 'Update SCIM User' | 'Replace SCIM User'): void {
    if (change.userName !== undefined) user.userName = this.renamed(user, change.userName, by);
    user.givenName = change.givenName ?? user.givenName;
    user.familyName = change.familyName ?? user.familyName;
    const deprovisioned = change.active === false && user.active;
    if (change.active !== undefined) this.setActive(user, change.active);
    this.record(by, {
      type: deprovisioned ? 'delete' : 'update',
      description: deprovisioned ? 'Delete SCIM User' : description,
      status: 200,
      product: 'scim',
      resourceType: 'user',
      resourceId: user.id,
    });
  }

  /** A new userName keeps the member's e-mail domain: a new domain is a new person to Cloudflare. */
  private renamed(user: ScimUserRecord, next: string, by: Actor): string {
    const domain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (!next.includes('@') || domain(next) !== domain(user.userName))
      throw cfFailure(
        by.request.path,
        400,
        `userName ${next} changes the e-mail domain of ${user.userName}: the domain of an account member cannot change`,
        1000,
        'mutability',
      );
    return next;
  }

  /** Activation is account membership: active=false removes the member, except the last Super Administrator. */
  private setActive(user: ScimUserRecord, active: boolean): void {
    if (active && !user.memberId) user.memberId = this.addMember(user.userName, user.givenName, user.familyName, [MINIMAL_ROLE], true, user.id).id;
    if (!active && user.memberId) {
      if (!this.isLastSuperAdmin(user.memberId)) {
        this.removeMember(user.memberId);
        user.memberId = undefined;
      }
    }
    user.active = active;
  }

  private isLastSuperAdmin(memberId: string): boolean {
    const admins = this.superAdmins();
    return admins.length === 1 && admins[0].id === memberId;
  }

  // ---- SCIM groups: IAM user groups that the identity provider manages, and system groups (roles) ----

  createScimGroup(name: string, externalId: string | undefined, by: Actor): UserGroupRecord {
    this.checkGroupName(name, undefined, by);
    if (/[\u0000-\u001f\u007f]/.test(name)) throw cfFailure(by.request.path, 400, 'displayName contains control characters', 1000, 'invalidValue');
    const t = this.now();
    const group: UserGroupRecord = {
      id: hexId(`group:${this.accountId}:${name}:${t}`),
      name,
      created_on: t,
      modified_on: t,
      policies: [],
      members: new Set(),
      scim: true,
      externalId,
    };
    this.userGroups.set(group.id, group);
    this.record(by, { type: 'create', description: 'Create SCIM Group', status: 201, product: 'scim', resourceType: 'group', resourceId: group.id });
    return group;
  }

  /** A PATCH (its operations in order) or a PUT (the name, external id and members, whole) of a SCIM group. */
  changeScimGroup(group: UserGroupRecord, changes: ScimGroupChange[], by: Actor, description: 'Update SCIM Group' | 'Replace SCIM Group'): void {
    for (const change of changes) {
      if (change.kind === 'displayName') {
        if (/^cf/i.test(change.value)) throw cfFailure(by.request.path, 400, 'Group names cannot begin with "CF"', 1000, 'invalidValue');
        group.name = change.value;
      } else if (change.kind === 'externalId') group.externalId = change.value;
      else if (change.how === 'remove') {
        // Removing someone who is no longer a member (deactivated since) leaves the group as it is (RFC 7644 §3.5.2.2).
        for (const user of change.users) {
          const memberId = this.scimUsers.get(user)?.memberId;
          if (memberId) group.members.delete(memberId);
        }
      } else {
        const ids = change.users.map((user) => this.memberOfScimUser(user, by).id);
        if (change.how === 'replace') group.members = new Set(ids);
        else for (const id of ids) group.members.add(id);
      }
    }
    group.modified_on = this.now();
    this.record(by, { type: 'update', description, status: 200, product: 'scim', resourceType: 'group', resourceId: group.id });
  }

  /** The name rules of a SCIM group: not beginning with "CF", and unique (case aside) among the account's user groups. */
  checkGroupName(name: string, self: UserGroupRecord | undefined, by: Actor): void {
    if (/^cf/i.test(name)) throw cfFailure(by.request.path, 400, 'Group names cannot begin with "CF"', 1000, 'invalidValue');
    if ([...this.userGroups.values()].some((g) => g !== self && g.name.toLowerCase() === name.toLowerCase()))
      throw cfFailure(by.request.path, 409, `Group ${name} already exists`, 1000, 'uniqueness');
  }

  /** The account member a SCIM user id stands for; a user who is not one is the request's error. */
  memberOfScimUser(user: string, by: Actor): MemberRecord {
    const member = this.members.get(this.scimUsers.get(user)?.memberId ?? '');
    if (!member) throw cfFailure(by.request.path, 400, `User ${user} is not an account member`, 1000, 'invalidValue');
    return member;
  }

  /** "For system groups, only member management operations are supported": membership is holding the role. */
  changeSystemGroupMembers(groupId: string, changes: Array<{ how: 'add' | 'remove'; users: string[] }>, by: Actor): void {
    const roleId = groupId.slice(SYSTEM_GROUP_PREFIX.length);
    for (const change of changes)
      for (const user of change.users) {
        const member = this.memberOfScimUser(user, by);
        if (change.how === 'add' && !member.roles.includes(roleId)) member.roles.push(roleId);
        if (change.how === 'remove') member.roles = member.roles.filter((r) => r !== roleId);
      }
    this.record(by, { type: 'update', description: 'Update SCIM Group', status: 200, product: 'scim', resourceType: 'group', resourceId: groupId });
  }

  deleteScimGroup(group: UserGroupRecord, by: Actor): void {
    this.userGroups.delete(group.id);
    this.record(by, { type: 'delete', description: 'Delete SCIM Group', status: 204, product: 'scim', resourceType: 'group', resourceId: group.id });
  }

  // ---- The v4 API: members, IAM user groups, resource groups ----

  /**
   * An invitation (the dashboard's "Invite", or the API): `pending` until accepted, the API's default,
   * or `accepted` where the request says so. A member either way, and so a SCIM user with no externalId.
   */
  inviteMember(email: string, roles: string[], by: Actor, status: MemberRecord['status'] = 'pending'): MemberRecord {
    if ([...this.members.values()].some((m) => m.email.toLowerCase() === email.toLowerCase()))
      throw cfFailure(by.request.path, 409, 'Member already exists', 1001);
    const member = this.addMember(email, null, null, roles, false);
    member.status = status;
    this.recordMember(by, 'create', 'Add Member', this.invitationNames === 'member' ? member.id : member.userId);
    return member;
  }

  /** The dashboard's "Remove member", or any API client: a SCIM user's `active` is its membership, so it turns false. */
  removeAccountMember(member: MemberRecord, by: Actor): void {
    if (this.isLastSuperAdmin(member.id)) throw cfFailure(by.request.path, 400, 'Cannot remove the last Super Administrator', 1001);
    this.removeMember(member.id);
    for (const user of this.scimUsers.values())
      if (user.memberId === member.id) {
        user.memberId = undefined;
        user.active = false;
      }
    this.recordMember(by, 'delete', 'Remove Member', member.id);
  }

  createUserGroup(name: string, policies: UserGroupRecord['policies'], by: Actor): UserGroupRecord {
    if ([...this.userGroups.values()].some((g) => g.name.toLowerCase() === name.toLowerCase()))
      throw cfFailure(by.request.path, 400, `A user group named ${name} already exists`, 1004);
    const t = this.now();
    const group: UserGroupRecord = {
      id: hexId(`user-group:${this.accountId}:${name}:${t}`),
      name,
      created_on: t,
      modified_on: t,
      policies,
      members: new Set(),
      scim: false,
    };
    this.userGroups.set(group.id, group);
    this.recordGroup(by, 'create', 'Create User Group', group.id);
    return group;
  }

  /** A group's policies can always be set; its name only when SCIM does not manage it. */
  updateUserGroup(group: UserGroupRecord, change: { name?: string; policies?: UserGroupRecord['policies'] }, by: Actor): void {
    if (change.name !== undefined && change.name !== group.name) refuseIfScim(group, 'name', by);
    if (change.policies !== undefined) group.policies = change.policies;
    if (change.name !== undefined && !group.scim) group.name = change.name;
    group.modified_on = this.now();
    this.recordGroup(by, 'update', 'Update User Group', group.id);
  }

  deleteUserGroup(group: UserGroupRecord, by: Actor): void {
    refuseIfScim(group, 'existence', by);
    this.userGroups.delete(group.id);
    this.recordGroup(by, 'delete', 'Delete User Group', group.id);
  }

  /** Members added, the whole list replaced, or one removed (a member not in the group is Cloudflare's 404). */
  changeUserGroupMembers(group: UserGroupRecord, how: MemberChange, memberIds: string[], by: Actor): void {
    refuseIfScim(group, 'members', by);
    if (how === 'remove') {
      if (!memberIds.every((id) => this.members.has(id) && group.members.delete(id)))
        throw cfFailure(by.request.path, 404, 'Member not found in the user group', 1003);
    } else for (const id of memberIds) if (!this.members.has(id)) throw cfFailure(by.request.path, 400, `Member ${id} not found`, 1003);
    if (how === 'replace') group.members = new Set(memberIds);
    else if (how === 'add') for (const id of memberIds) group.members.add(id);
    group.modified_on = this.now();
    this.recordGroup(by, 'update', 'Update User Group Members', group.id);
  }

  createResourceGroup(name: string, scope: { key: string; objects: Array<{ key: string }> }, by: Actor) {
    const group = { id: hexId(`resource-group:${scope.key}:${randomUUID()}`), name, scope, meta: { editable: 'false' } };
    this.resourceGroups.set(group.id, group);
    this.record(by, {
      type: 'create',
      description: 'Create Resource Group',
      status: 200,
      product: 'resource_groups',
      resourceType: 'resource_group',
      resourceId: group.id,
    });
    return group;
  }

  private recordGroup(by: Actor, type: 'create' | 'update' | 'delete', description: string, id: string): void {
    this.record(by, { type, description, status: 200, product: 'user_groups', resourceType: 'user_group', resourceId: id });
  }

  private recordMember(by: Actor, type: 'create' | 'delete', description: string, id: string): void {
    this.record(by, { type, description, status: 200, product: 'members', resourceType: 'member', resourceId: id });
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

/**
 * "When you manage User Groups with SCIM, you cannot change the name, members, or delete a group
 * through either the Cloudflare dashboard or API" (Cloudflare's user-groups docs); its policies can be set.
 */
function refuseIfScim(group: UserGroupRecord, what: string, by: Actor): void {
  if (group.scim) throw cfFailure(by.request.path, 400, `This user group is managed by SCIM: its ${what} can only change through the identity provider`, 1004);
}

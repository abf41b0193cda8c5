/**
 * The records of the Okta org as the sandbox keeps them (shaped after Okta's own resources, with the
 * provisioning engine's state beside them), and how each appears as a System Log target.
 */
export type UserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';

export interface OktaUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: null;
  lastUpdated: string;
  passwordChanged: null;
  type: { id: string };
  profile: {
    firstName: string;
    lastName: string;
    email: string;
    login: string;
    mobilePhone: string | null;
    secondEmail: string | null;
    [attribute: string]: unknown;
  };
}

export interface OktaGroup {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: 'OKTA_GROUP' | 'BUILT_IN' | 'APP_GROUP';
  profile: { name: string; description?: string };
}

/** What the admin sets on the Provisioning tab (and what the connection API sets where Okta takes it). */
export interface ProvisioningSettings {
  enabled: boolean;
  baseUrl: string;
  token: string;
  createUsers: boolean;
  deactivateUsers: boolean;
  updateUserAttributes: boolean;
  importGroups: boolean;
}

export interface MappingRecord {
  id: string;
  sourceGroupId: string;
  /** Okta's APP_GROUP standing for the group in the target app. */
  targetGroupId: string;
  targetGroupName: string;
  status: 'ACTIVE' | 'INACTIVE' | 'ERROR';
  errorSummary: string | null;
  lastPush: string | null;
  created: string;
  lastUpdated: string;
  /** Engine state: the SCIM id of the target group and the members last pushed. */
  scimGroupId?: string;
  pushedMembers?: string[];
  /** A mapping made with targetGroupId links an existing target group. */
  linkOnly: boolean;
}

export interface AppRecord {
  id: string;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  signOnMode: string;
  created: string;
  lastUpdated: string;
  visibility: { autoLaunch: boolean; autoSubmitToolbar: boolean; hide: { iOS: boolean; web: boolean }; appLinks: Record<string, boolean> };
  accessibility: { selfService: boolean; errorRedirectUrl: string | null; loginRedirectUrl: string | null };
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
  provisioning: ProvisioningSettings | null;
  groups: Map<string, { priority: number; lastUpdated: string; profile: Record<string, unknown> }>;
  users: Map<string, { created: string; lastUpdated: string }>;
  /** Engine state: users pushed to the target, by Okta user id. */
  provisioned: Map<string, { externalId: string; lastSync: string; syncState: 'SYNCHRONIZED' | 'ERROR'; pushedProfile?: string }>;
  /**
   * App users that came into being while Create Users was off: Okta does not provision them when it
   * is turned on, until an admin does ("Provision unprovisioned users", Okta Help).
   */
  unprovisioned: Set<string>;
  /** Users whose provisioning task failed for good (Okta's 429 rule ran out): an admin retries it under Dashboard → Tasks. */
  failedTasks: Map<string, string>;
  mappings: Map<string, MappingRecord>;
}

export interface LogEventRecord {
  uuid: string;
  published: string;
  eventType: string;
  version: '0';
  severity: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG';
  legacyEventType?: string;
  displayMessage: string;
  actor: { id: string; type: string; alternateId: string; displayName: string };
  client: { zone: string; device: string; ipAddress: string };
  outcome: { result: 'SUCCESS' | 'FAILURE' | 'SKIPPED'; reason?: string };
  target: Array<{ id: string; type: string; alternateId: string; displayName: string }>;
  transaction: { type: 'JOB' | 'WEB'; id: string; detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
  authenticationContext: { authenticationStep: number; externalSessionId: string };
  securityContext: Record<string, never>;
  request: { ipChain: unknown[] };
}

export function appTarget(app: AppRecord) {
  return { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label };
}

export function userTarget(user: OktaUser) {
  return { id: user.id, type: 'User', alternateId: user.profile.login, displayName: `${user.profile.firstName} ${user.profile.lastName}` };
}

export function groupTarget(group: OktaGroup) {
  return { id: group.id, type: 'UserGroup', alternateId: group.profile.name, displayName: group.profile.name };
}

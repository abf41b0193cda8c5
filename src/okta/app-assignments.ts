import type { OktaClient } from './client.js';
import { oktaPaths } from '../plan/okta-paths.js';

export interface AppUser {
  id: string;
  scope?: string;
  status?: string;
  syncState?: string;
  lastSync?: string;
  /** When its status last changed: for a PROVISIONED user, when Okta finished provisioning it. */
  statusChanged?: string | null;
  /** The user's id in Cloudflare, once Okta has provisioned it. */
  externalId?: string | null;
  credentials?: { userName?: string };
}

/** An app user as scim-setup holds it: the fields above, without its links, profile and other dates. */
function appUserRead(u: AppUser): AppUser {
  return {
    id: u.id,
    scope: u.scope,
    status: u.status,
    syncState: u.syncState,
    lastSync: u.lastSync,
    statusChanged: u.statusChanged,
    externalId: u.externalId,
    credentials: u.credentials && { userName: u.credentials.userName },
  };
}

export interface OktaGroup {
  id: string;
  lastMembershipUpdated?: string;
  lastUpdated?: string;
  profile?: { name?: string };
}

export interface PushMapping {
  id: string;
  sourceGroupId: string;
  status: 'ACTIVE' | 'INACTIVE' | 'ERROR';
  errorSummary?: string;
  lastPush?: string | null;
  lastUpdated?: string;
}

/** Who and what the app is given to, and what it pushes: read once, for the plan and for drift alike. */
export interface AppAssignments {
  users: AppUser[];
  groups: Array<{ id: string; priority?: number; _embedded?: { group?: OktaGroup } }>;
  mappings: PushMapping[];
}

/** Three lists, a page each for most orgs (500 users, 200 groups, 1000 mappings a page). */
export async function readAppAssignments(okta: OktaClient, appId: string): Promise<AppAssignments> {
  const appPath = oktaPaths.app(appId);
  const [users, groups, mappings] = await Promise.all([
    okta.list<AppUser>(`${appPath}/users`, { limit: 500 }, appUserRead),
    okta.list<AppAssignments['groups'][number]>(`${appPath}/groups`, { limit: 200, expand: 'group' }),
    // Whatever `features` says: real Okta keeps mappings made before provisioning was on (recorded).
    okta.list<PushMapping>(`${appPath}/group-push/mappings`, { limit: 1000 }),
  ]);
  return { users, groups, mappings };
}

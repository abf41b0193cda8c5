import { oktaPaths } from '../plan/okta-paths.js';
import type { OktaGroup, PushMapping } from './app-assignments.js';
import type { OktaClient } from './client.js';

/**
 * Okta's resources as scim-setup reads them, each declared once with the fields it uses (the SDK's
 * models are wider), and the reads that return them: a read names what it gets, not a
 * type parameter at each call. The app's assignments are read in `app-assignments.ts`.
 */
export interface OktaApp {
  id: string;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  visibility?: { autoLaunch?: boolean; autoSubmitToolbar?: boolean; hide?: { iOS?: boolean; web?: boolean } };
  features?: string[];
}

/** A group of the directory (`/api/v1/groups`): an Okta group, or an app's (`APP_GROUP`). */
export interface OktaDirectoryGroup {
  id: string;
  type: string;
  profile: { name: string };
  _embedded?: { stats?: { usersCount?: number } };
}

export interface OktaUser {
  id: string;
  status?: string;
  profile: { login: string };
}

/** Okta's System Log keeps 90 days of events (its System Log API reference). */
export const SYSTEM_LOG_RETENTION_MS = 90 * 86_400_000;

/** A System Log event: what it was, when, how it went, and about whom. */
export interface OktaLogEvent {
  eventType: string;
  displayMessage: string;
  published: string;
  outcome?: { result?: string; reason?: string | null };
  target?: Array<{ id?: string; type: string; alternateId: string; displayName?: string }>;
}

type Query = Record<string, string | number | undefined>;

export const readOkta = {
  apps: (okta: OktaClient, query: Query) => okta.list<OktaApp>(oktaPaths.apps, query),
  app: (okta: OktaClient, appId: string) => okta.get<OktaApp>(oktaPaths.app(appId)),
  groups: (okta: OktaClient, query: Query) => okta.list<OktaDirectoryGroup>(oktaPaths.groups, query),
  /** Okta's quick search (`q`, a prefix of the name): one page, for "did you mean". */
  groupsStartingWith: (okta: OktaClient, prefix: string, limit: number) => okta.get<OktaDirectoryGroup[]>(oktaPaths.groups, { q: prefix, limit }),
  users: (okta: OktaClient, query: Query) => okta.list<OktaUser>(oktaPaths.users, query),
  usersStartingWith: (okta: OktaClient, prefix: string, limit: number) => okta.get<OktaUser[]>(oktaPaths.users, { q: prefix, limit }),
  /** A group's members, every page. */
  groupMembers: (okta: OktaClient, groupId: string) => okta.list<OktaUser>(oktaPaths.groupUsers(groupId), { limit: 1000 }),
  appGroups: (okta: OktaClient, appId: string) =>
    okta.list<{ id: string; _embedded?: { group?: OktaDirectoryGroup } }>(oktaPaths.appGroups(appId), { limit: 200, expand: 'group' }),
  /** One group, with the stamps drift reads (`lastMembershipUpdated`). */
  group: (okta: OktaClient, groupId: string) => okta.get<OktaGroup>(oktaPaths.group(groupId)),
  pushMappings: (okta: OktaClient, appId: string, query: Query = {}) => okta.list<PushMapping>(oktaPaths.pushMappings(appId), { limit: 1000, ...query }),
  /** The provisioning connection, where Okta's API shows it for this app. */
  connection: (okta: OktaClient, appId: string) => okta.get<{ baseUrl?: string }>(oktaPaths.connection(appId)),
  logs: (okta: OktaClient, query: Query) => okta.list<OktaLogEvent>(oktaPaths.logs, query),
};

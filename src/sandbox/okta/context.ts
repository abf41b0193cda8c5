import type { Route } from '../http/types.js';
import type { OktaState } from './state.js';

export type ConnectionApiMode = 'unsupported' | 'supported';

/** What the Okta routes share: the org's state, the options, and the hook that wakes provisioning. */
export interface OktaContext {
  state: OktaState;
  connectionApi: ConnectionApiMode;
  /** Called after any change that provisioning must act on. */
  changed(appId?: string): void;
}

export const SCOPES = {
  appsRead: ['okta.apps.read'],
  appsManage: ['okta.apps.manage'],
  pushRead: ['okta.apps.read', 'okta.groups.read'],
  pushManage: ['okta.apps.manage', 'okta.groups.manage'],
  groupsRead: ['okta.groups.read'],
  groupsManage: ['okta.groups.manage'],
  usersRead: ['okta.users.read'],
  usersManage: ['okta.users.manage'],
  logsRead: ['okta.logs.read'],
};

/** Okta's rate-limit buckets: all of /api/v1/apps* shares one (DESIGN §1, research okta.md §g). */
export const BUCKETS = { apps: 'apps', groups: 'groups', users: 'users', logs: 'logs' };

export type RouteMaker = (method: string, template: string, grants: string[], handler: Route['handler']) => Route;

/** Routes that count against one rate-limit bucket. */
export function routesIn(bucket: string): RouteMaker {
  return (method, template, grants, handler) => ({ method, template, grants, bucket, handler });
}

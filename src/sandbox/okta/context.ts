import type { Req, Res, Route } from '../http/types.js';
import type { OktaState } from './state.js';

export type ConnectionApiMode = 'unsupported' | 'supported';

/** What the Okta routes share: the org (whose methods carry every change out) and the options. */
export interface OktaContext {
  state: OktaState;
  connectionApi: ConnectionApiMode;
}

/** One endpoint's handler: reads the request, asks the org, shapes Okta's answer. */
export type OktaHandler = (ctx: OktaContext, req: Req) => Res;

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

export type RouteMaker = (method: string, template: string, grants: string[], handler: OktaHandler) => Route;

/** Routes that count against one rate-limit bucket, their handlers given the org. */
export function routesIn(bucket: string, ctx: OktaContext): RouteMaker {
  return (method, template, grants, handler) => ({ method, template, grants, bucket, handler: (req) => handler(ctx, req) });
}

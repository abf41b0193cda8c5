import type { Req, Route } from '../http/types.js';
import { scimRoutes } from './routes-scim.js';
import { accountTokenRoutes } from './routes-tokens.js';
import { v4Routes } from './routes-v4.js';
import type { CloudflareState, TokenRecord } from './state.js';

/** Every route, mounted under /client/v4 as at api.cloudflare.com. */
export function routesScimOrV4(state: CloudflareState, tokenOf: (req: Req) => TokenRecord, listingLagMs = 0): Route[] {
  return [...scimRoutes(state, tokenOf, listingLagMs), ...v4Routes(state, tokenOf), ...accountTokenRoutes(state, tokenOf)].map((route) => ({
    ...route,
    template: `/client/v4${route.template}`,
  }));
}

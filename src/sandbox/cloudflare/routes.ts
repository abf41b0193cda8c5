import type { Route } from '../http/types.js';
import type { CloudflareContext } from './context.js';
import { scimRoutes } from './routes-scim.js';
import { accountTokenRoutes } from './routes-tokens.js';
import { v4Routes } from './routes-v4.js';

/** Every route of one account, mounted under /client/v4 as at api.cloudflare.com. */
export function accountRoutes(ctx: CloudflareContext): Route[] {
  return [...scimRoutes(ctx), ...v4Routes(ctx), ...accountTokenRoutes(ctx)].map((route) => ({
    ...route,
    template: `/client/v4${route.template}`,
  }));
}

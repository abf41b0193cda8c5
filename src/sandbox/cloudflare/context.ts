import type { Req, Res, Route } from '../http/types.js';
import { TrailingListing } from '../timing.js';
import type { TokenRecord } from './records.js';
import type { Actor, CloudflareState } from './state.js';

/** What one account's routes share: the account (whose methods carry every change out) and its listings. */
import { defaultVariants, type SandboxVariants } from '../../lib/sandbox-variants.js';

export interface CloudflareContext {
  state: CloudflareState;
  /** The token a request carried (the authenticator has found it in this account). */
  tokenOf(req: Req): TokenRecord;
  /** How long unfiltered SCIM listings trail writes (sandbox timing); 0: they do not. */
  listingLagMs: number;
  /** Unfiltered listings as they stood up to `listingLagMs` ago; lookups by filter or id are fresh. */
  trailing: { users: TrailingListing<unknown>; groups: TrailingListing<unknown> };
  /** The readings of open questions the emulator plays (lib/sandbox-variants.ts). */
  variants: SandboxVariants;
}

export function cloudflareContext(
  state: CloudflareState,
  tokenOf: (req: Req) => TokenRecord,
  listingLagMs = 0,
  variants: SandboxVariants = defaultVariants(),
): CloudflareContext {
  return { state, tokenOf, listingLagMs, variants, trailing: { users: new TrailingListing(listingLagMs), groups: new TrailingListing(listingLagMs) } };
}

/** One endpoint's handler: reads the request, asks the account, shapes Cloudflare's answer. */
export type CloudflareHandler = (ctx: CloudflareContext, req: Req) => Res;

/** Who asked: the request and its token, as the audit log names them. */
export function actor(ctx: CloudflareContext, req: Req): Actor {
  return { request: req, token: ctx.tokenOf(req) };
}

/** A route whose handler is given the account; rate-limited in the API bucket, with the grants its token must carry. */
export function accountRoute(ctx: CloudflareContext) {
  return (method: string, template: string, grants: string[], handler: CloudflareHandler): Route => ({
    method,
    template,
    grants,
    bucket: 'api',
    handler: (req) => handler(ctx, req),
  });
}

export type AccountRouteMaker = ReturnType<typeof accountRoute>;

import type { IncomingHttpHeaders } from 'node:http';

export interface Req<P = Record<string, string>> {
  method: string;
  path: string;
  /** The route's template, e.g. `/api/v1/apps/{appId}`: how requests are counted. */
  template: string;
  params: P;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
  /** Who made the request, as the emulator's authenticator decided. */
  principal: Principal;
  /** The emulator's own public URL, for `_links` and `Link` headers. */
  baseUrl: string;
}

export interface Principal {
  id: string;
  /** Scopes (Okta) or permissions (Cloudflare) this credential carries. */
  grants: Set<string>;
  /** The credential as sent; rate limits are kept per credential on Cloudflare. */
  credential: string;
  name?: string;
  /** The account the credential belongs to (Cloudflare: a token reaches its own account only). */
  account?: string;
}

export interface Res {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export type Handler = (req: Req) => Res | Promise<Res>;

export interface Route {
  method: string;
  template: string;
  handler: Handler;
  /** What the credential must grant; undefined = no auth (token endpoints, control API). */
  grants?: string[];
  /** Rate-limit bucket; undefined = not limited. */
  bucket?: string;
}

/** Thrown by handlers: the emulator turns it into the service's own error shape. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

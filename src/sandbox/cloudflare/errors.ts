import { HttpFailure, type Res, type Route } from '../http/types.js';

export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function isScimPath(path: string): boolean {
  return /\/scim\/v2(\/|$)/.test(path);
}

/** SCIM paths answer in SCIM's error shape; the rest in the v4 envelope. */
export function cfErrorBody(path: string, status: number, message: string, code = 1000, scimType?: string) {
  if (isScimPath(path)) return { schemas: [SCIM_ERROR], status: String(status), detail: message, ...(scimType ? { scimType } : {}) };
  return { success: false, errors: [{ code, message }], messages: [], result: null };
}

export function cfFailure(path: string, status: number, message: string, code = 1000, scimType?: string): HttpFailure {
  return new HttpFailure(status, cfErrorBody(path, status, message, code, scimType), isScimPath(path) ? { 'content-type': 'application/scim+json' } : {});
}

/** A v4 route: rate-limited in the API bucket, with the grants its token must carry. */
export function v4Route(method: string, template: string, grants: string[], handler: Route['handler']): Route {
  return { method, template, grants, bucket: 'api', handler };
}

/** A success in the v4 envelope. */
export function ok(result: unknown): Res {
  return { status: 200, body: envelope(result) };
}

export function envelope(result: unknown, resultInfo?: Record<string, unknown>) {
  return { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
}

/**
 * The API gateway answers before the service behind it: an Authorization header it cannot read is
 * refused in the v4 envelope on every path (public reports show no other shape). Its codes are the ones public reports of real answers show: 6003 with 6111 in its
 * `error_chain` for an Authorization header it cannot read, 10000 "Authentication error" for a token
 * it does not know, 10000 "Forbidden" with a `documentation_url` for a denied request (Cloudflare's
 * changelog 2026-08-21), 971 for a rate limit.
 */
export function gatewayFailure(status: number, code: number, message: string, extra: Record<string, unknown> = {}): HttpFailure {
  return new HttpFailure(status, { success: false, errors: [{ code, message, ...extra }], messages: [], result: null });
}

/**
 * A refused token or request: on SCIM paths in SCIM's error shape, as the spec's 4XX answers for
 * every SCIM operation say (the code is not there to read); elsewhere the gateway's v4 envelope.
 */
export function refusal(path: string, status: number, code: number, message: string, extra: Record<string, unknown> = {}): HttpFailure {
  return isScimPath(path) ? cfFailure(path, status, message, code) : gatewayFailure(status, code, message, extra);
}

/** Token values are URL-safe base64 and the `cfat_`/`cfut_` prefixes: anything else is not a token. */
export const TOKEN_SHAPE = /^Bearer ([A-Za-z0-9_-]+)$/;

export function malformedAuthorization(): HttpFailure {
  return gatewayFailure(400, 6003, 'Invalid request headers', { error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] });
}

/** The page of Cloudflare's API reference for a route, as a denied request links it. */
export function documentationUrl(template: string, method: string): string {
  const resource = template
    .replace(/^\/client\/v4/, '')
    .split('/')
    .filter((part) => part && !part.startsWith('{') && part !== 'accounts' && part !== 'v2')
    .map((part) => part.toLowerCase())
    .join('/subresources/');
  return `https://developers.cloudflare.com/api/resources/${resource}/methods/${method.toLowerCase()}`;
}

import { HttpFailure } from '../http/types.js';

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

export function envelope(result: unknown, resultInfo?: Record<string, unknown>) {
  return { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) };
}

import { randomBytes } from 'node:crypto';
import { HttpFailure } from '../http/types.js';

/** Okta's error body: errorCode, errorSummary, errorLink, errorId, errorCauses. */
export function oktaErrorBody(code: string, summary: string, causes: string[] = []) {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: `oae${randomBytes(11).toString('base64url').slice(0, 19)}`,
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  };
}

export function oktaFailure(status: number, code: string, summary: string, causes: string[] = []): HttpFailure {
  return new HttpFailure(status, oktaErrorBody(code, summary, causes));
}

export const notFound = (what: string) => oktaFailure(404, 'E0000007', `Not found: Resource not found: ${what} (${what.split(' ')[0]})`);
export const validation = (...causes: string[]) => oktaFailure(400, 'E0000001', `Api validation failed: ${causes[0] ?? 'request'}`, causes);
export const provisioningNotEnabled = () =>
  oktaFailure(400, 'E0000001', 'Api validation failed: feature', ['Provisioning is not enabled for the app instance.']);

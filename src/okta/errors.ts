import { AuthError, CliError, RemoteError } from '../lib/errors.js';
import { inWords } from '../lib/errno.js';
import { NetworkError, networkFix } from '../lib/request-policy.js';
import { fromWire } from '../lib/terminal-text.js';

/** An Okta error, kept structured so that callers can branch on status and errorCode. */
export class OktaRequestError extends RemoteError {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly causes: string[],
    fix?: string,
  ) {
    super(message, fix);
  }
}

/** SDK errors carry the request's headers; only the fields worth showing are kept. */
export function toOktaError(error: unknown, orgUrl: string): Error {
  if (error instanceof CliError) return error;
  if (error instanceof NetworkError) {
    return new RemoteError(
      `Cannot reach Okta at ${orgUrl}: ${error.method} ${new URL(error.url).pathname} ${error.timedOut ? 'timed out' : `failed: ${inWords(error.causeText)}`}${error.tally}.`,
      networkFix(error, 'OKTA_ORG_URL'),
    );
  }
  const e = error as {
    status?: number;
    errorCode?: string;
    errorSummary?: string;
    errorCauses?: Array<{ errorSummary?: string }>;
    url?: string;
    message?: string;
    type?: string;
  };
  if (typeof e?.status !== 'number') {
    const text = fromWire(e?.message ?? error);
    return new RemoteError(`Okta request failed: ${text}`, 'Check OKTA_ORG_URL and the Okta credentials, then re-run.');
  }
  // Okta's words come from the wire: one line each, no control characters, bounded.
  const causes = (e.errorCauses ?? [])
    .map((c) => fromWire(c.errorSummary))
    .filter(Boolean)
    .slice(0, 5);
  const path = e.url ? new URL(e.url).pathname : '';
  const summary = `${e.errorSummary ? fromWire(e.errorSummary) : `HTTP ${e.status}`}${causes.length ? ` (${causes.join('; ')})` : ''}`;
  if (e.status === 401) {
    return new AuthError(
      `Okta refused the credentials (401 ${fromWire(e.errorCode)} ${e.errorSummary ? fromWire(e.errorSummary) : 'Unauthorized'}).`.replace(/\s+/g, ' '),
      "The API token is invalid, revoked or expired: create a new one (Security → API → Tokens) and set OKTA_API_TOKEN, or check the service app's client ID and key.",
    );
  }
  if (e.status === 403) {
    return new AuthError(
      `Okta denied ${path} (403 ${fromWire(e.errorCode ?? '')}: ${summary}).`,
      "The token's admin (or the service app) needs the Application Administrator and Group Administrator roles, " +
        'and for a service app the scopes okta.apps.manage okta.groups.manage okta.users.read okta.logs.read.',
      403,
    );
  }
  return new OktaRequestError(
    `Okta answered ${e.status} ${fromWire(e.errorCode ?? '')} on ${path}: ${summary}`.replace(/\s+/g, ' '),
    e.status,
    e.errorCode,
    causes,
  );
}

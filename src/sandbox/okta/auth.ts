import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpFailure, type Principal, type Req, type Route } from '../http/types.js';
import { oktaErrorBody, oktaFailure } from './errors.js';

export const ALL_SCOPES = [
  'okta.apps.read',
  'okta.apps.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.users.read',
  'okta.users.manage',
  'okta.logs.read',
];

export interface ServiceApp {
  clientId: string;
  publicJwk: JsonWebKey;
  scopes: string[];
}

/**
 * SSWS API tokens (all of the admin's rights) and OAuth 2.0 service apps (client credentials
 * with a private_key_jwt assertion checked against the app's public key; scopes as granted).
 */
export class OktaAuth {
  private readonly ssws = new Set<string>();
  private readonly serviceApps = new Map<string, ServiceApp>();
  private readonly accessTokens = new Map<string, { clientId: string; scopes: string[]; expiresAt: number }>();

  addApiToken(token: string): void {
    this.ssws.add(token);
  }

  revokeApiToken(token: string): void {
    this.ssws.delete(token);
  }

  addServiceApp(app: ServiceApp): void {
    this.serviceApps.set(app.clientId, app);
  }

  authenticate(headers: IncomingHttpHeaders): Principal {
    const header = String(headers.authorization ?? '');
    const [scheme, credential] = header.split(/\s+/, 2);
    if (scheme === 'SSWS' && credential && this.ssws.has(credential)) {
      return { id: 'ssws', grants: new Set(ALL_SCOPES), credential };
    }
    if ((scheme === 'Bearer' || scheme === 'DPoP') && credential) {
      const token = this.accessTokens.get(credential);
      if (token && token.expiresAt > Date.now()) return { id: token.clientId, grants: new Set(token.scopes), credential };
    }
    throw new HttpFailure(401, oktaErrorBody('E0000011', 'Invalid token provided'), { 'www-authenticate': 'SSWS realm="Okta"' });
  }

  forbidden(): HttpFailure {
    return oktaFailure(403, 'E0000006', 'You do not have permission to perform the requested action');
  }

  tokenRoute(): Route {
    return { method: 'POST', template: '/oauth2/v1/token', handler: (req) => this.issue(req) };
  }

  private issue(req: Req) {
    const form = new URLSearchParams(req.rawBody);
    const fail = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } });
    if (form.get('grant_type') !== 'client_credentials')
      return fail(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return fail(401, 'invalid_client', 'client_assertion_type is missing or invalid.');
    const claims = this.checkAssertion(form.get('client_assertion') ?? '', `${req.baseUrl}/oauth2/v1/token`);
    if (typeof claims === 'string') return fail(401, 'invalid_client', claims);
    const app = this.serviceApps.get(claims.sub);
    if (!app) return fail(401, 'invalid_client', 'The client_id is not registered.');
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const missing = requested.filter((s) => !app.scopes.includes(s));
    if (requested.length === 0 || missing.length > 0) {
      return fail(400, 'invalid_scope', `The following scopes are not granted to the client: ${missing.join(' ') || '(none requested)'}`);
    }
    const access = randomBytes(24).toString('base64url');
    this.accessTokens.set(access, { clientId: app.clientId, scopes: requested, expiresAt: Date.now() + 3600_000 });
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: access, scope: requested.join(' ') } };
  }

  /** Returns the claims of a valid assertion, or why it is not valid. */
  private checkAssertion(jwt: string, audience: string): { sub: string } | string {
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'The client_assertion is not a JWT.';
    let header: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return 'The client_assertion could not be decoded.';
    }
    const app = claims.sub ? this.serviceApps.get(claims.sub) : undefined;
    if (!app || claims.iss !== claims.sub) return 'Invalid value for client_id parameter.';
    if (claims.aud !== audience) return `The audience claim must be ${audience}.`;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return 'The client_assertion token is expired.';
    const algorithm = header.alg === 'RS256' ? 'RSA-SHA256' : header.alg === 'ES256' ? 'SHA256' : undefined;
    if (!algorithm) return `The client_assertion algorithm ${header.alg} is not supported.`;
    const key = createPublicKey({ key: app.publicJwk, format: 'jwk' });
    const signature = Buffer.from(parts[2], 'base64url');
    const ok = verify(algorithm, Buffer.from(`${parts[0]}.${parts[1]}`), header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
    return ok ? { sub: app.clientId } : 'The client_assertion signature is invalid.';
  }
}

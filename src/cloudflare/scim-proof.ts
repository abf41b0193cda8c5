import { CloudflareRequestError, type CloudflareClient } from './client.js';
import { AuthError, RemoteError } from '../lib/errors.js';

const SERVICE_PROVIDER_CONFIG = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * The SCIM token works against Cloudflare's SCIM endpoint: what Okta will do with it, read-only.
 * It passes only on SCIM answers (the SCIM schemas in the body) from Cloudflare's origin; a 200
 * that is anything else proves nothing. Whether it may also write is `proveScimWrite`, asked
 * before Okta is given a token and once a verification.
 */
export async function checkScimToken(scim: CloudflareClient): Promise<string> {
  const config = await scim.get<{ schemas?: unknown }>(`${scim.scimPath}/ServiceProviderConfig`);
  const users = await scim.get<{ schemas?: unknown; totalResults?: unknown }>(`${scim.scimPath}/Users`, { count: 1 });
  const has = (body: { schemas?: unknown }, schema: string) => Array.isArray(body?.schemas) && body.schemas.includes(schema);
  if (!has(config, SERVICE_PROVIDER_CONFIG) || !has(users, LIST_RESPONSE) || typeof users.totalResults !== 'number') {
    throw new RemoteError(
      "Cloudflare's SCIM endpoint answered 200, but not with SCIM: something other than Cloudflare answered.",
      'Check CLOUDFLARE_API_BASE_URL and any proxy in between, then re-run.',
    );
  }
  // No counts here: an okta run reuses this proof at its end, when counts would be stale.
  return 'GET /scim/v2/ServiceProviderConfig and /scim/v2/Users?count=1 answered 200 with SCIM';
}

/**
 * A user id no SCIM user can have (Cloudflare's are 32 hex digits): a write to it changes nothing,
 * and tells whether the token may write.
 */
const NO_SUCH_USER = 'scim-setup-write-proof-no-such-user';

/**
 * The SCIM token may write SCIM: what Okta's every push needs. A PATCH to a user that cannot exist
 * writes nothing; Cloudflare's gateway refuses a token without the permission before the request
 * reaches SCIM (403), and SCIM answers a permitted one that the user is not there (404). A token
 * that may only read (or only make tokens) is refused here, before Okta is given it.
 */
export async function proveScimWrite(scim: CloudflareClient, tokenEnv = scim.tokenEnv): Promise<string> {
  const path = `${scim.scimPath}/Users/${NO_SUCH_USER}`;
  try {
    await scim.patch(path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: true }] });
  } catch (error) {
    if (error instanceof CloudflareRequestError && error.status === 404) return 'a SCIM write (PATCH of a user that cannot exist) reached SCIM: 404';
    if (error instanceof AuthError && error.refusal === 'no-permission')
      throw new AuthError(
        `The token in ${tokenEnv} may not write SCIM: Cloudflare refused a SCIM write with it (403), so Okta could push nothing with it. It lacks "SCIM Provisioning: Edit".`,
        `Set ${tokenEnv} to an account API token with "SCIM Provisioning: Edit" on this account (check that the SCIM and API token variables are not swapped). Okta was not given this token.`,
        403,
        'no-permission',
      );
    throw error;
  }
  throw new RemoteError(
    `Cloudflare's SCIM endpoint accepted a write to a user that cannot exist (${NO_SUCH_USER}): something other than Cloudflare answered.`,
    'Check CLOUDFLARE_API_BASE_URL and any proxy in between, then re-run.',
  );
}

import type { CloudflareClient } from './client.js';
import { RemoteError } from '../lib/errors.js';

const SERVICE_PROVIDER_CONFIG = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * The SCIM token works against Cloudflare's SCIM endpoint: what Okta will do with it, read-only.
 * It passes only on SCIM answers (the SCIM schemas in the body) from Cloudflare's origin; a 200
 * that is anything else proves nothing.
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

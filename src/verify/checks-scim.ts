import type { CloudflareClient } from '../cloudflare/client.js';

/** The SCIM token works against Cloudflare's SCIM endpoint: what Okta will do with it, read-only. */
export async function checkScimToken(scim: CloudflareClient): Promise<string> {
  await scim.get(`${scim.scimPath}/ServiceProviderConfig`);
  await scim.get(`${scim.scimPath}/Users`, { count: 1 });
  // No counts here: an okta run reuses this proof at its end, when counts would be stale.
  return 'GET /scim/v2/ServiceProviderConfig and /scim/v2/Users?count=1 answered 200';
}

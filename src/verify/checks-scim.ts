import type { CloudflareClient } from '../cloudflare/client.js';

/** The SCIM token works against Cloudflare's SCIM endpoint: what Okta will do with it, read-only. */
export async function checkScimToken(scim: CloudflareClient): Promise<string> {
  await scim.get(`${scim.scimPath}/ServiceProviderConfig`);
  const users = await scim.get<{ totalResults?: number }>(`${scim.scimPath}/Users`, { count: 1 });
  return `GET /scim/v2/ServiceProviderConfig and /scim/v2/Users?count=1 answered 200 (${users.totalResults ?? 0} SCIM users)`;
}

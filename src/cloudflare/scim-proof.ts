import { CloudflareRequestError, type CloudflareClient } from './client.js';
import { AuthError, RemoteError } from '../lib/errors.js';
import { scimWriteGrant } from '../plan/scim-write-grant.js';
import { readHeldToken, type HeldTokenReading } from './account-tokens.js';

const SERVICE_PROVIDER_CONFIG = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * The SCIM token works against Cloudflare's SCIM endpoint: what Okta will do with it, read-only.
 * It passes only on SCIM answers (the SCIM schemas in the body) from Cloudflare's origin; a 200
 * that is anything else proves nothing. Whether it may also write is `proveScimWrite`, asked
 * before Okta is given a token and once a verification.
 */
export async function checkScimToken(scim: CloudflareClient): Promise<string> {
  const [config, users] = await Promise.all([
    scim.get<{ schemas?: unknown }>(`${scim.scimPath}/ServiceProviderConfig`),
    scim.get<{ schemas?: unknown; totalResults?: unknown }>(`${scim.scimPath}/Users`, { count: 1 }),
  ]);
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
 * The SCIM token may write SCIM: what Okta's every push needs. Where CLOUDFLARE_API_TOKEN may read
 * the token's record, its policies decide. Else a PATCH to a user that cannot exist, which writes
 * nothing: a token without the permission is refused (403), a permitted one told the user is not
 * there (404). That tells them apart only where Cloudflare's gateway refuses before SCIM looks the
 * user up (docs/assumptions.md; the variant scimWriteRefusal), so the policies come first. A token
 * that may only read (or only make tokens) is refused here, before Okta is given it.
 */
export async function proveScimWrite(
  scim: CloudflareClient,
  {
    api,
    tokenEnv = scim.tokenEnv,
    held,
  }: {
    api?: CloudflareClient;
    tokenEnv?: string;
    /** The token's reading where the caller has it in hand (verify's round reads it once for its life too). */
    held?: Promise<HeldTokenReading>;
  } = {},
): Promise<string> {
  const byPolicies = api ? await proveScimWriteByPolicies(scim, api, tokenEnv, held) : undefined;
  if (byPolicies) return byPolicies;
  return `${await probeScimWrite(scim, tokenEnv)} (told from a token that may not write where Cloudflare's gateway refuses it first: docs/assumptions.md)`;
}

/**
 * The proof by the token's policies alone, which only reads: where CLOUDFLARE_API_TOKEN may read the
 * token's record, the proof (or the refusal); else undefined, and only the probe, a write, is left.
 */
export async function proveScimWriteByPolicies(
  scim: CloudflareClient,
  api: CloudflareClient,
  tokenEnv = scim.tokenEnv,
  held: Promise<HeldTokenReading> = readHeldToken(scim, api),
): Promise<string | undefined> {
  // A token its own verification does not name, or whose record cannot be read: the probe is the proof left.
  const { verified, record } = (await held.catch(() => undefined)) ?? {};
  if (!verified || !record?.policies) return undefined;
  const grant = scimWriteGrant(record.policies, scim.accountId);
  if (grant === 'not granted')
    throw mayNotWrite(tokenEnv, `its policies (token ${verified.id}, read with CLOUDFLARE_API_TOKEN) grant no SCIM write on account ${scim.accountId}`);
  return grant === 'granted' ? `the policies of token ${verified.id}, read with CLOUDFLARE_API_TOKEN, grant it SCIM writes on this account` : undefined;
}

function mayNotWrite(tokenEnv: string, why: string): AuthError {
  return new AuthError(
    `The token in ${tokenEnv} may not write SCIM: ${why}, so Okta could push nothing with it. It lacks "SCIM Provisioning: Edit".`,
    `Set ${tokenEnv} to an account API token with "SCIM Provisioning: Edit" on this account (check that the SCIM and API token variables are not swapped). Okta was not given this token.`,
    403,
    'no-permission',
  );
}

async function probeScimWrite(scim: CloudflareClient, tokenEnv: string): Promise<string> {
  const path = `${scim.scimPath}/Users/${NO_SUCH_USER}`;
  try {
    await scim.patch(path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: true }] });
  } catch (error) {
    if (error instanceof CloudflareRequestError && error.status === 404) return 'a SCIM write (PATCH of a user that cannot exist) reached SCIM: 404';
    if (error instanceof AuthError && error.refusal === 'no-permission') throw mayNotWrite(tokenEnv, 'Cloudflare refused a SCIM write with it (403)');
    throw error;
  }
  throw new RemoteError(
    `Cloudflare's SCIM endpoint accepted a write to a user that cannot exist (${NO_SUCH_USER}): something other than Cloudflare answered.`,
    'Check CLOUDFLARE_API_BASE_URL and any proxy in between, then re-run.',
  );
}

import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['scimToken'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const scimTokenCheck = defineCheck({
  id: 'scim-token',
  reads: READS,
  run: scimToken,
});

function scimToken(e: Reads): Check {
  if (e.scimToken.ok && e.scimToken.watched)
    return {
      id: 'scim-token',
      status: 'pass',
      summary: "Cloudflare's SCIM endpoint answers; the SCIM token is Okta's alone, watched by its id",
      evidence: [e.scimToken.detail],
    };
  if (e.scimToken.ok)
    return { id: 'scim-token', status: 'pass', summary: "the SCIM token works against Cloudflare's SCIM endpoint", evidence: [e.scimToken.detail] };
  // Not refused, but not proved either: the network or something in it answered, not Cloudflare.
  if (!e.scimToken.auth) {
    return {
      id: 'scim-token',
      status: 'fail',
      summary: "the SCIM token could not be checked: Cloudflare's SCIM endpoint did not answer as Cloudflare",
      evidence: [e.scimToken.message],
      fix: e.scimToken.fix ?? 'Check the network and CLOUDFLARE_API_BASE_URL, then re-run.',
    };
  }
  return {
    id: 'scim-token',
    status: 'fail',
    authRefused: e.scimToken.auth,
    summary: `Cloudflare refused the SCIM token (HTTP ${e.scimToken.status})`,
    evidence: [e.scimToken.message],
    fix: 'Create an account API token with "SCIM Provisioning: Edit" for this account, set CLOUDFLARE_SCIM_TOKEN, and update it on the app\'s Provisioning tab in Okta.',
  };
}

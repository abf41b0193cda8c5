import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['assignedLogins', 'audit', 'expected', 'pushGroups', 'since'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const cloudflareAuditCheck = defineCheck({
  id: 'cloudflare-audit',
  reads: READS,
  run: audit,
});

/**
 * SCIM requests by the SCIM token since `since`. None logged is pending only where the run's changes
 * are bound to send some; a change that sends none (a role, an empty group) has nothing to wait for.
 */
function audit(e: Reads): Check {
  const window = `since ${e.since}`;
  if ('skipped' in e.audit)
    return {
      id: 'cloudflare-audit',
      status: 'skipped',
      summary: "Cloudflare's audit log was not read",
      evidence: [e.audit.skipped],
      fix: e.audit.fix,
    };
  // The token given must be the one Okta's SCIM traffic carries; traffic by another token alone means
  // Okta holds another (another SCIM client may also be at work, so this warns, never fails).
  if (e.audit.count === 0 && e.audit.others.count > 0)
    return {
      id: 'cloudflare-audit',
      status: 'warn',
      summary: `Cloudflare's audit log shows ${e.audit.others.count} SCIM request${e.audit.others.count > 1 ? 's' : ''} ${window}, none by the SCIM token given: Okta may hold another token`,
      evidence: [`given token ${e.audit.tokenId}; requests by ${e.audit.others.tokenIds.slice(0, 3).join(', ')}`],
      fix: "If Okta's Provisioning tab holds another token, hand it this one: `npx scim-setup rotate-token` with CLOUDFLARE_SCIM_TOKEN set to it.",
    };
  // What matters is what Okta sends now: its latest requests by another token than the one given mean Okta holds that
  // one, however much of the window the given token had before.
  const othersLatest = e.audit.others.latest;
  if (e.audit.count > 0 && othersLatest !== undefined && e.audit.latest !== undefined && Date.parse(othersLatest) > Date.parse(e.audit.latest))
    return {
      id: 'cloudflare-audit',
      status: 'warn',
      summary: `Okta's latest SCIM requests (at ${othersLatest}) carry another token than the one given, whose last request was at ${e.audit.latest}: Okta holds another token now`,
      evidence: [`given token ${e.audit.tokenId}: ${e.audit.count} requests ${window}; others: ${e.audit.others.tokenIds.slice(0, 3).join(', ')}`],
      fix: "If Okta's Provisioning tab holds another token, hand it this one: `npx scim-setup rotate-token` with CLOUDFLARE_SCIM_TOKEN set to it.",
    };
  // An account whose audit log records no user agent shows the token's SCIM traffic, and cannot say whose it is.
  if (e.audit.count === 0 && e.audit.unattributed > 0)
    return {
      id: 'cloudflare-audit',
      status: 'warn',
      summary: `Cloudflare's audit log shows ${e.audit.unattributed} SCIM request${e.audit.unattributed > 1 ? 's' : ''} by the SCIM token ${window}, with no user agent recorded: whether Okta made them cannot be told`,
      evidence: [`token ${e.audit.tokenId}; Okta names itself "Okta SCIM Client" in each request, which this log does not keep`],
      fix: "Nothing to do if Okta is the token's only client; members and push-group show what Okta's requests did.",
    };
  if (e.audit.count > 0)
    return {
      id: 'cloudflare-audit',
      status: 'pass',
      summary: `Cloudflare's audit log shows ${e.audit.count} SCIM request${e.audit.count > 1 ? 's' : ''} by the SCIM token ${window}`,
      evidence: e.audit.latest ? [`latest at ${e.audit.latest}`] : [],
    };
  const due = activityDue(e);
  if (!due)
    return {
      id: 'cloudflare-audit',
      status: 'pass',
      summary: `no SCIM request by the SCIM token ${window}, and none was due (no change that provisions anyone)`,
      evidence: [],
    };
  return { id: 'cloudflare-audit', status: 'pending', summary: `Cloudflare's audit log shows no SCIM request by the SCIM token ${window} yet`, evidence: [] };
}

/** Whether the run's changes must have made Okta send SCIM requests by now. */
function activityDue(e: Reads): boolean {
  const x = e.expected;
  if (!x) return false;
  const pushedWithMembers = x.pushedGroups.some((name) => (e.pushGroups.find((g) => g.name === name)?.assignedMemberLogins.length ?? 0) > 0);
  return x.users > 0 || x.assignedGroups.length > 0 || pushedWithMembers || (x.provisioning && e.assignedLogins.length > 0);
}

import { fromWire } from '../../lib/terminal-text.js';
import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['tokenLife', 'accountId'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const scimTokenLifeCheck = defineCheck({
  id: 'scim-token-life',
  reads: READS,
  run: scimTokenLife,
});

const ROTATE = 'npx scim-setup rotate-token --create';

/** How long before its expiry a SCIM token is worth a warning: a monthly rotation has time to run once. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * Pure: the days before expiry from which a token is worth a warning: 30, or a third of a shorter
 * life (a 30-day token warns in its last 10 days, not from its first), so that the warning means
 * "rotate now", not "this is how tokens are".
 */
export function warningDays(lifeDays: number | undefined): number {
  return lifeDays === undefined ? EXPIRY_WARNING_DAYS : Math.min(EXPIRY_WARNING_DAYS, Math.max(1, Math.ceil(lifeDays / 3)));
}

/**
 * The SCIM token's life and rights, where they can be read: expired fails (Okta's provisioning
 * stops with it); expiring within 30 days, more rights than SCIM needs, or a user-owned token warn,
 * each with the rotation that fixes it.
 */
export function scimTokenLife(e: Reads): Check {
  const t = e.tokenLife;
  const id = 'scim-token-life';
  if (!t.known) return { id, status: 'skipped', summary: "the SCIM token's expiry and rights were not read", evidence: [t.reason] };
  const which = `${t.source === 'given' ? 'the SCIM token given' : `the SCIM token ${t.source === 'made' ? 'this run made' : `"${fromWire(t.name ?? '', 120)}"`}`} (${t.id})`;
  const lifeLine = t.expiresOn ? `expires ${t.expiresOn} (${t.daysLeft} day${t.daysLeft === 1 ? '' : 's'} left)` : 'never expires';
  if (t.status !== 'active')
    return {
      id,
      status: 'fail',
      summary: `${which} is ${t.status}: Okta's provisioning to Cloudflare stops with it`,
      evidence: [lifeLine],
      fix: `Rotate it: \`${ROTATE}\` makes a new one, hands it to Okta and proves it in use.`,
    };
  // Without SCIM Provisioning on this account it can push nothing: not a token with too much, a token that cannot do the job.
  if (t.rights && !t.rights.scim)
    return {
      id,
      status: 'fail',
      summary: `${which} does not hold SCIM Provisioning on account ${e.accountId}: Okta can push nothing with it`,
      evidence: [
        lifeLine,
        ...(t.rights.extra.length
          ? [
              `it holds ${t.rights.extra
                .slice(0, 5)
                .map((n) => fromWire(n, 60))
                .join(', ')}`,
            ]
          : []),
      ],
      fix: `\`${ROTATE}\` replaces it with an account-owned token that has SCIM Provisioning on this account only, and proves Okta uses it.`,
    };
  const concerns: string[] = [];
  if (t.daysLeft !== undefined && t.daysLeft < warningDays(t.lifeDays)) concerns.push(`it expires in ${t.daysLeft} day${t.daysLeft === 1 ? '' : 's'}`);
  // A token that never expires stays good wherever it leaks: worth replacing with one that does.
  if (t.expiresOn === undefined) concerns.push('it never expires, so a copy that leaks stays good');
  if (!t.accountOwned) concerns.push("it is user-owned: Cloudflare's guide warns that it breaks when that user leaves or loses access");
  if (t.rights?.extra.length)
    concerns.push(
      `it may do more than SCIM needs (${t.rights.extra
        .slice(0, 5)
        .map((n) => fromWire(n, 60))
        .join(', ')})`,
    );
  if (t.rights?.otherResources.length)
    concerns.push(
      `it reaches more than account ${e.accountId} (${t.rights.otherResources
        .slice(0, 3)
        .map((r) => fromWire(r, 80))
        .join(', ')})`,
    );
  const rightsLine = t.rights
    ? t.rights.extra.length || t.rights.otherResources.length
      ? undefined
      : `its only permission is SCIM Provisioning, on account ${e.accountId}`
    : `its policies were not read (${t.accountOwned ? 'CLOUDFLARE_API_TOKEN may not read account tokens: "Account API Tokens: Read"' : 'a user-owned token'})`;
  const evidence = rightsLine ? [rightsLine] : [];
  if (concerns.length)
    return {
      id,
      status: 'warn',
      summary: `${which}: ${concerns.join('; ')}`,
      evidence: [lifeLine, ...evidence],
      fix: `\`${ROTATE}\` replaces it with an account-owned token that has SCIM Provisioning on this account only, and revokes it once Okta uses the new one.`,
    };
  return { id, status: 'pass', summary: `${which} is active and ${lifeLine}`, evidence };
}

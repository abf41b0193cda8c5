import { OKTA_RATE_LIMIT_RETRIES } from '../../lib/okta-retry-rule.js';
import { RATE_LIMIT_EVENT, retryOutlook } from '../rate-limit.js';
import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** A group push failure Okta retries (its catalogue); `…failed.with.error` is the one it does not. */
const RETRIED_PUSH_EVENT = 'application.provision.group_push.mapping.update.or.delete.failed';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['baseUrl', 'oktaFailures', 'scimToken', 'since'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const oktaLogCheck = defineCheck({
  id: 'okta-log',
  reads: READS,
  run: oktaLog,
});

function oktaLog(e: Reads): Check {
  if (e.oktaFailures.length === 0)
    return { id: 'okta-log', status: 'pass', summary: `Okta's System Log shows no provisioning failure for the app since ${e.since}`, evidence: [] };
  // Paused by Cloudflare's rate limit only: Okta retries by itself, so this is waiting, not failing.
  const pauses = e.oktaFailures.filter((f) => f.eventType === RATE_LIMIT_EVENT);
  const outlook = pauses.length === e.oktaFailures.length ? retryOutlook(pauses.map((f) => f.published)) : undefined;
  if (outlook)
    return {
      id: 'okta-log',
      status: 'pending',
      summary: `Cloudflare rate-limited Okta's provisioning (${outlook.pauses} pause${outlook.pauses > 1 ? 's' : ''} since its last success, the last at ${outlook.last}): Okta retries by itself`,
      evidence: [
        `Okta waits Cloudflare's Retry-After, else 5 minutes, twice as long each time, for at most ${OKTA_RATE_LIMIT_RETRIES} retries: the next is due by ${outlook.dueBy} at the latest (Okta's clock)`,
        ...pauses.slice(0, 3).map((f) => `${f.published}: ${f.reason ?? f.displayMessage}`),
      ],
    };
  // A group push Okta's catalogue says "will be retried" (not …failed.with.error), alone or beside rate-limit pauses: Okta
  // retries it by itself, so it is waiting, not failing, until a later success resolves it or Okta gives up with an error.
  const retried = e.oktaFailures.filter((f) => f.eventType === RETRIED_PUSH_EVENT || f.eventType === RATE_LIMIT_EVENT);
  if (retried.length === e.oktaFailures.length)
    return {
      id: 'okta-log',
      status: 'pending',
      summary: `Okta's System Log shows ${retried.length} provisioning failure${retried.length > 1 ? 's' : ''} Okta retries by itself (its event catalogue: "will be retried"), since ${e.since}`,
      evidence: retried.slice(0, 5).map((f) => `${f.published} ${f.eventType}${f.target ? ` (${f.target})` : ''}: ${f.reason ?? f.displayMessage}`),
    };
  const lines = e.oktaFailures.slice(0, 5).map((f) => `${f.published} ${f.eventType}${f.target ? ` (${f.target})` : ''}: ${f.reason ?? f.displayMessage}`);
  const auth = e.oktaFailures.some((f) => f.eventType === 'application.integration.authentication_failure');
  return {
    id: 'okta-log',
    status: 'fail',
    summary: `Okta's System Log shows ${e.oktaFailures.length} provisioning failure${e.oktaFailures.length > 1 ? 's' : ''} for the app since ${e.since} that no later success resolved`,
    evidence: lines,
    fix: auth
      ? // A refusal names no cause: the token Okta holds, or a Base URL with another account's ID in it.
        `Cloudflare refused Okta's requests: check the Base URL on the app's Provisioning tab first (it must be exactly ${e.baseUrl.expected}, ending in /accounts/<account ID>/scim/v2)${e.scimToken.ok ? ', since the SCIM token given here works against it' : ''}; then put a working SCIM token there and select Test API Credentials.`
      : `Open the app's View Logs in Okta for details. If Okta cannot reach Cloudflare, check the Base URL (it must be exactly ${e.baseUrl.expected}); fix the cause and retry the failed tasks (Dashboard → Tasks).`,
  };
}

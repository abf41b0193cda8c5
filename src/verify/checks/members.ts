import { missingMembers, type Drift, type MemberDrift } from '../../plan/drift.js';
import { bringBackFix } from '../../plan/repair.js';
import { provisioningOn } from '../../plan/types.js';
import { RATE_LIMIT_EVENT } from '../rate-limit.js';
import type { Check, Evidence } from '../types.js';
import { readAt } from './moments.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['adminLinks', 'app', 'appUsers', 'assignedLogins', 'cloudflareUsers', 'oktaFailures', 'oktaSynced', 'moments'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const membersCheck = defineCheck({
  id: 'members',
  reads: READS,
  run: members,
});

function members(e: Reads, drift: Drift[]): Check {
  const missing = missingMembers(e);
  const deactivated = Object.entries(e.cloudflareUsers).filter(([, u]) => !u.active).length;
  const evidence = [
    `${e.assignedLogins.length} users assigned in Okta; ${Object.values(e.cloudflareUsers).filter((u) => u.active).length} active SCIM users in Cloudflare; ${deactivated} deactivated (not members)`,
  ];
  // Nobody assigned is not "all 0 are members": it provisions nobody, which is worth a word.
  if (e.assignedLogins.length === 0)
    return {
      id: 'members',
      status: 'warn',
      summary: 'no user is assigned to the app in Okta, so nobody is provisioned to Cloudflare',
      evidence,
      fix: 'Assign groups or users: `npx scim-setup okta --assign-group <group>` (or --push-group, --assign-user).',
    };
  if (missing.length === 0)
    return { id: 'members', status: 'pass', summary: `all ${e.assignedLogins.length} users assigned in Okta are Cloudflare account members`, evidence };
  const drifted = drift.filter((d): d is MemberDrift => d.kind === 'member');
  if (drifted.length > 0) {
    const when = (d: MemberDrift) =>
      d.syncedBy === 'lastSync' ? 'its lastSync' : 'its statusChanged: it became PROVISIONED then; Okta keeps no lastSync here';
    const sides = (d: MemberDrift) => `${d.login}: Okta PROVISIONED, SYNCHRONIZED at ${d.syncedAt} (${when(d)}); Cloudflare: ${d.cloudflare}`;
    return {
      id: 'members',
      status: 'fail',
      summary: `${drifted.length} assigned user${drifted.length > 1 ? 's' : ''} that Okta reports as provisioned ${drifted.length > 1 ? 'are not Cloudflare members' : 'is not a Cloudflare member'}: changed in Cloudflare, and Okta will not push ${drifted.length > 1 ? 'them' : 'it'} again by itself`,
      evidence: [...evidence, ...drifted.slice(0, 5).map(sides), ...(drifted.length > 5 ? [`and ${drifted.length - 5} more`] : [])],
      fix: bringBackFix(drifted),
    };
  }
  const stuck = stuckUsers(e, missing);
  if (stuck) return { ...stuck, evidence: [...evidence, ...stuck.evidence] };
  const failures = new Set(e.oktaFailures.filter((f) => f.eventType !== RATE_LIMIT_EVENT).map((f) => f.target?.toLowerCase()));
  const rateLimited = new Set(e.oktaFailures.filter((f) => f.eventType === RATE_LIMIT_EVENT).map((f) => f.target?.toLowerCase()));
  const failed = missing.filter((l) => failures.has(l.toLowerCase()));
  const reportedDone = missing.filter((l) => e.oktaSynced[l.toLowerCase()] !== undefined);
  const why = failed.length
    ? ''
    : reportedDone.length
      ? `: Okta reports ${reportedDone.length === missing.length ? 'them' : `${reportedDone.length} of them`} provisioned, but not long enough before Cloudflare was read (${readAt(e)}) to rule out a listing that trails; read again to tell it from drift`
      : missing.some((l) => rateLimited.has(l.toLowerCase()))
        ? ": Cloudflare rate-limited Okta's provisioning, and Okta retries by itself (see the okta-log check)"
        : ': waiting for Okta to provision them (it does not report them PROVISIONED and SYNCHRONIZED yet)';
  return {
    id: 'members',
    status: failed.length ? 'fail' : 'pending',
    summary: `${missing.length} of ${e.assignedLogins.length} assigned users are not Cloudflare members yet${why}`,
    evidence: [...evidence, `missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`],
    fix: failed.length ? 'Okta reported provisioning failures for them: see the okta-log check.' : undefined,
  };
}

/**
 * Assigned users Okta will not provision by itself (plan/unprovisioned.ts): never "pending", since
 * no wait brings them; each kind with what a person, or a run naming them, does about it.
 */
function stuckUsers(e: Reads, missing: string[]): Check | undefined {
  if (!e.app || !provisioningOn(e.app.features)) return undefined;
  const of = (state: string) => missing.filter((l) => e.appUsers[l.toLowerCase()]?.stuck === state);
  const [unprovisioned, failedTasks] = [of('unprovisioned'), of('failed-task')];
  const names = (logins: string[]) => `${logins.slice(0, 5).join(', ')}${logins.length > 5 ? ` and ${logins.length - 5} more` : ''}`;
  if (failedTasks.length)
    return {
      id: 'members',
      status: 'fail',
      summary: `Okta's provisioning of ${failedTasks.length === 1 ? '1 assigned user' : `${failedTasks.length} assigned users`} failed for good and waits for an admin (Okta shows the app user in ERROR)`,
      evidence: [`in ERROR: ${names(failedTasks)}`],
      fix: `In Okta, open Dashboard → Tasks (${e.adminLinks.tasks}), retry the app's failed provisioning tasks, then run verify. If Cloudflare rate-limited them, the okta-log check shows it.`,
    };
  if (unprovisioned.length)
    return {
      id: 'members',
      status: 'fail',
      summary: `${unprovisioned.length === 1 ? '1 assigned user was' : `${unprovisioned.length} assigned users were`} assigned before provisioning was on: Okta does not provision ${unprovisioned.length === 1 ? 'it' : 'them'} by itself`,
      evidence: [`never provisioned (ACTIVE, sync DISABLED, no external id): ${names(unprovisioned)}`],
      fix: `Run \`npx scim-setup okta\` naming them (--assign-user, or --assign-group for the one group that assigns them): it assigns them afresh where that deprovisions nobody. Or in Okta, select Provision User on the app's Assignments tab: ${e.adminLinks.assignments}`,
    };
  return undefined;
}

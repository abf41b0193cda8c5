import {
  findDrift,
  memberDifference,
  membershipDifference,
  missingMembers,
  pushedSince,
  type Drift,
  type GroupGoneDrift,
  type GroupMembersDrift,
  type MemberDrift,
} from '../plan/drift.js';
import { fromWire } from '../lib/terminal-text.js';
import { visibilityDrift } from '../plan/planner.js';
import { provisioningOn } from '../plan/types.js';
import { OKTA_RATE_LIMIT_RETRIES } from '../lib/okta-retry-rule.js';
import { RATE_LIMIT_EVENT, retryOutlook } from './rate-limit.js';
import type { Check, Evidence } from './types.js';

const LEGACY_GROUP = /^CF-([0-9a-f]{32}) - (.+)$/;

/**
 * Pure: evidence → checks. A check that has not converged is `pending`, never `fail`: provisioning
 * is asynchronous, and only evidence of a failure (an ERROR, a refused token, a log entry) fails.
 * `drift` is what the caller holds proven (by default, what this one reading proves).
 */
export function evaluate(e: Evidence, drift: Drift[] = findDrift(e)): Check[] {
  return [scimToken(e), scimTokenLife(e), oktaProvisioning(e), ...pushedGroups(e, drift), ...roles(e), members(e, drift), oktaLog(e), audit(e), ...warnings(e)];
}

function scimToken(e: Evidence): Check {
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

function oktaProvisioning(e: Evidence): Check {
  const app = e.app;
  if (!app)
    return { id: 'okta-provisioning', status: 'fail', summary: 'the Okta app was not found', evidence: [], fix: 'Run `npx scim-setup okta` to create it.' };
  const problems: string[] = [];
  if (app.status !== 'ACTIVE') problems.push(`the app is ${app.status}`);
  if (!provisioningOn(app.features)) problems.push(`provisioning is not on (features: ${app.features.join(', ') || 'none'})`);
  if (app.features.includes('PUSH_PROFILE_UPDATES')) problems.push('Update User Attributes is on; Cloudflare does not support it');
  problems.push(...visibilityDrift(app.visibility));
  const { expected, okta } = e.baseUrl;
  if (okta !== null && okta.replace(/\/+$/, '') !== expected) problems.push(`its Base URL is ${okta}; this account's is ${expected}`);
  const evidence = [
    `app ${app.id} "${app.label}": status ${app.status}, features ${app.features.join(', ') || 'none'}`,
    okta === null
      ? `Base URL: not readable through Okta's API for this app; okta-log and cloudflare-audit show whether Okta reaches ${expected}`
      : `Base URL: ${okta}`,
  ];
  if (problems.length === 0)
    return {
      id: 'okta-provisioning',
      status: 'pass',
      summary: `Okta has provisioning on with Create Users and Deactivate Users, without Update User Attributes; the app is active and hidden${okta === null ? '' : "; its Base URL is this account's"}`,
      evidence,
    };
  return {
    id: 'okta-provisioning',
    status: 'fail',
    summary: `Okta's app is not set up as the guide asks: ${problems.join('; ')}`,
    evidence,
    fix: "Run `npx scim-setup okta`, or fix it on the app's General and Provisioning tabs.",
  };
}

function pushedGroups(e: Evidence, drift: Drift[]): Check[] {
  return e.pushGroups.map((g) => {
    const id = `push-group:${g.name}`;
    if (!g.mapping)
      return { id, status: 'fail', summary: `group "${g.name}" is not pushed`, evidence: [], fix: `Run \`npx scim-setup okta --push-group "${g.name}"\`.` };
    if (g.mapping.status === 'ERROR') {
      return {
        id,
        status: 'fail',
        // Okta's words, quoted as the wire's always are: one line, bounded.
        summary: `the push of "${g.name}" is in ERROR: ${g.mapping.errorSummary ? fromWire(g.mapping.errorSummary) : 'no summary'}`,
        evidence: [`mapping ${g.mapping.id}`],
        fix: /^cf/i.test(g.name)
          ? `Rename "${g.name}" in Okta so that it does not start with CF, then push it again.`
          : /linked group is missing/i.test(g.mapping.errorSummary ?? '')
            ? `The group was deleted in Cloudflare, and Okta does not create it again. Run \`npx scim-setup okta --push-group "${g.name}"\`: it unlinks the push and pushes the group afresh by name.`
            : 'Fix the cause (often the SCIM token), then run `npx scim-setup okta` with the same groups: it pushes the group again (INACTIVE, then ACTIVE).',
      };
    }
    if (g.mapping.status !== 'ACTIVE')
      return {
        id,
        status: 'fail',
        summary: `the push of "${g.name}" is ${g.mapping.status}`,
        evidence: [`mapping ${g.mapping.id}`],
        fix: 'Run `npx scim-setup okta` to activate it.',
      };
    if (g.assignedMemberLogins.length === 0)
      return {
        id,
        status: 'warn',
        summary: `group "${g.name}" has no assigned members, so Okta does not push it`,
        evidence: [`mapping ${g.mapping.id} ACTIVE`],
        fix: 'Add members to the group in Okta, or create the group in Cloudflare first.',
      };
    const scimGroup = e.scimGroups[g.name];
    const drifted = drift.find((d): d is GroupGoneDrift | GroupMembersDrift => d.kind !== 'member' && d.group === g.name);
    if (drifted?.kind === 'group-gone') return groupGone(id, drifted);
    if (!scimGroup)
      return {
        id,
        status: 'pending',
        summary: `group "${g.name}" is not in Cloudflare yet: waiting for Okta to push it`,
        evidence: [`mapping ${g.mapping.id} ACTIVE`, 'no SCIM group of that name', waitingForPush(g)],
      };
    const { missing, extra } = membershipDifference(g.assignedMemberLogins, scimGroup.memberEmails);
    const want = new Set(g.assignedMemberLogins.map((l) => l.toLowerCase()));
    const have = new Set(scimGroup.memberEmails.map((m) => m.toLowerCase()));
    const evidence = [`SCIM group ${scimGroup.id}: ${have.size} members; Okta: ${want.size} assigned members`];
    if (e.userGroups && !e.userGroups[g.name])
      return { id, status: 'pending', summary: `group "${g.name}" is a SCIM group but not yet an IAM user group`, evidence };
    if (e.userGroups) evidence.push(`IAM user group ${e.userGroups[g.name].id}`);
    if (missing.length || extra.length) {
      if (drifted?.kind === 'group-members')
        return {
          id,
          status: 'fail',
          summary: `group "${g.name}" in Cloudflare differs from Okta, which pushed it after its last membership change: changed in Cloudflare, and Okta will not push it again by itself`,
          evidence: [
            ...evidence,
            ...memberDifference(missing, extra),
            `Okta: last push ${drifted.lastPush}; last membership change ${drifted.lastMembershipUpdated}`,
          ],
          fix: `Run \`npx scim-setup okta\` to push "${g.name}" again (it sets the push mapping inactive, then active), or in Okta, on the app's Push Groups tab, select Push Now for "${g.name}"; then run verify.`,
        };
      const pushedAlready = pushedSince(g.mapping.lastPush, g.lastMembershipUpdated);
      return {
        id,
        status: 'pending',
        summary: pushedAlready
          ? `group "${g.name}" in Cloudflare differs from Okta, which reports it pushed, but not long enough before Cloudflare was read (${readAt(e)}) to rule out a listing that trails; read again to tell it from drift`
          : `group "${g.name}" in Cloudflare differs from Okta: waiting for Okta to push its change`,
        evidence: [...evidence, ...memberDifference(missing, extra), waitingForPush(g)],
      };
    }
    return {
      id,
      status: 'pass',
      summary: `group "${g.name}" is in Cloudflare with the same ${want.size} members as in Okta${e.userGroups ? '' : ' (IAM user group not checked: no CLOUDFLARE_API_TOKEN)'}`,
      evidence,
    };
  });
}

/** When Cloudflare was read, on this clock, and the settle time a difference must outlast. */
function readAt(e: Evidence): string {
  return `${new Date(e.moments.cloudflareReadAt).toISOString()}; settle ${Math.round(e.moments.settleMs / 1000)}s`;
}

/** What a pending group waits for, from Okta's own times: a change in Okta after its last push. */
function waitingForPush(g: Evidence['pushGroups'][number]): string {
  const last = g.mapping?.lastPush ? `last push ${g.mapping.lastPush}` : 'not pushed yet';
  return `Okta: ${last}; membership last changed ${g.lastMembershipUpdated ?? 'at an unknown time'}${g.mapping?.lastUpdated ? `; mapping last changed ${g.mapping.lastUpdated}` : ''}`;
}

function groupGone(id: string, d: GroupGoneDrift): Check {
  const others = d.otherScimGroups;
  const what = d.renamedTo ? `renamed in Cloudflare to "${d.renamedTo}"` : others.length ? 'renamed or deleted in Cloudflare' : 'deleted in Cloudflare';
  return {
    id,
    status: 'fail',
    summary: `group "${d.group}" is not in Cloudflare by that name, though Okta pushed it after its last change: ${what}, and Okta will not push it again by itself`,
    evidence: [
      `mapping ${d.mappingId} ACTIVE`,
      'no SCIM group of that name',
      d.renamedTo
        ? `SCIM group "${d.renamedTo}" has exactly its members and no push names it: the group under its new name`
        : others.length
          ? `SCIM groups that no push names (a renamed one would be here): ${others
              .slice(0, 5)
              .map((n) => `"${n}"`)
              .join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}`
          : 'every SCIM group is named by a push: none was renamed',
      `Okta: last push ${d.lastPush}; group last changed ${d.lastUpdated}`,
    ],
    fix: others.length
      ? `Run \`npx scim-setup okta\`: it makes Okta push "${d.group}" again (the push mapping set inactive, then active), and Okta's push names the group back.`
      : `Run \`npx scim-setup okta\`: it pushes "${d.group}" afresh (it unlinks the push mapping and creates it again by name).`,
  };
}

function members(e: Evidence, drift: Drift[]): Check {
  const missing = missingMembers(e);
  const deactivated = Object.entries(e.cloudflareUsers).filter(([, u]) => !u.active).length;
  const evidence = [
    `${e.assignedLogins.length} users assigned in Okta; ${Object.values(e.cloudflareUsers).filter((u) => u.active).length} active SCIM users in Cloudflare; ${deactivated} deactivated (not members)`,
  ];
  // Nobody assigned is not "all 0 are members": it provisions nobody, which is worth a word (#24 item 26).
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
    const sides = (d: MemberDrift) => `${d.login}: Okta PROVISIONED, SYNCHRONIZED at ${d.syncedAt}; Cloudflare: ${d.cloudflare}`;
    const viaGroup = drifted.filter((d) => !d.direct).map((d) => d.login);
    return {
      id: 'members',
      status: 'fail',
      summary: `${drifted.length} assigned user${drifted.length > 1 ? 's' : ''} that Okta reports as provisioned ${drifted.length > 1 ? 'are not Cloudflare members' : 'is not a Cloudflare member'}: changed in Cloudflare, and Okta will not push ${drifted.length > 1 ? 'them' : 'it'} again by itself`,
      evidence: [...evidence, ...drifted.slice(0, 5).map(sides), ...(drifted.length > 5 ? [`and ${drifted.length - 5} more`] : [])],
      fix: viaGroup.length
        ? `Okta pushes a user only when the user changes in Okta, and a user assigned through a group cannot be re-assigned alone by API. In Okta, remove each of ${viaGroup.slice(0, 5).join(', ')}${viaGroup.length > 5 ? ' …' : ''} from the assigned group and add it back${viaGroup.length < drifted.length ? '; run `npx scim-setup okta` for the users assigned directly (it assigns them again)' : ''}; then run verify.`
        : 'Run `npx scim-setup okta`: it assigns each user named again, and Okta then reactivates them in Cloudflare. Then run verify.',
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
function stuckUsers(e: Evidence, missing: string[]): Check | undefined {
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

function oktaLog(e: Evidence): Check {
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
  const lines = e.oktaFailures.slice(0, 5).map((f) => `${f.published} ${f.eventType}${f.target ? ` (${f.target})` : ''}: ${f.reason ?? f.displayMessage}`);
  const auth = e.oktaFailures.some((f) => f.eventType === 'application.integration.authentication_failure');
  return {
    id: 'okta-log',
    status: 'fail',
    summary: `Okta's System Log shows ${e.oktaFailures.length} provisioning failure${e.oktaFailures.length > 1 ? 's' : ''} for the app since ${e.since} that no later success resolved`,
    evidence: lines,
    fix: auth
      ? // A refusal names no cause: the token Okta holds, or a Base URL with another account's ID in it (#24 item 4).
        `Cloudflare refused Okta's requests: check the Base URL on the app's Provisioning tab first (it must be exactly ${e.baseUrl.expected}, ending in /accounts/<account ID>/scim/v2)${e.scimToken.ok ? ', since the SCIM token given here works against it' : ''}; then put a working SCIM token there and select Test API Credentials.`
      : `Open the app's View Logs in Okta for details. If Okta cannot reach Cloudflare, check the Base URL (it must be exactly ${e.baseUrl.expected}); fix the cause and retry the failed tasks (Dashboard → Tasks).`,
  };
}

/**
 * SCIM requests by the SCIM token since `since`. None logged is pending only where the run's changes
 * are bound to send some; a change that sends none (a role, an empty group) has nothing to wait for.
 */
const ROTATE = 'npx scim-setup rotate-token --create';
/** How long before its expiry a SCIM token is worth a warning: a monthly rotation has time to run once. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * The SCIM token's life and rights, where they can be read: expired fails (Okta's provisioning
 * stops with it); expiring within 30 days, more rights than SCIM needs, or a user-owned token warn,
 * each with the rotation that fixes it.
 */
export function scimTokenLife(e: Pick<Evidence, 'tokenLife' | 'accountId'>): Check {
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
  const concerns: string[] = [];
  if (t.daysLeft !== undefined && t.daysLeft < EXPIRY_WARNING_DAYS) concerns.push(`it expires in ${t.daysLeft} day${t.daysLeft === 1 ? '' : 's'}`);
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

function audit(e: Evidence): Check {
  const window = `since ${e.since}`;
  if ('skipped' in e.audit)
    return {
      id: 'cloudflare-audit',
      status: 'skipped',
      summary: "Cloudflare's audit log was not read",
      evidence: [e.audit.skipped],
      fix: 'Set CLOUDFLARE_API_TOKEN to a token with "Account Settings: Read" to check it.',
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
function activityDue(e: Evidence): boolean {
  const x = e.expected;
  if (!x) return false;
  const pushedWithMembers = x.pushedGroups.some((name) => (e.pushGroups.find((g) => g.name === name)?.assignedMemberLogins.length ?? 0) > 0);
  return x.users > 0 || x.assignedGroups.length > 0 || pushedWithMembers || (x.provisioning && e.assignedLogins.length > 0);
}

function warnings(e: Evidence): Check[] {
  const out: Check[] = [];
  for (const g of e.pushGroups) {
    if (/^cf/i.test(g.name))
      out.push({
        id: `warn-cf-prefix:${g.name}`,
        status: 'warn',
        summary: `pushed group "${g.name}" starts with "CF": Cloudflare refuses such SCIM group names`,
        evidence: [],
        fix: 'Rename the group in Okta.',
      });
    const ug = e.userGroups?.[g.name];
    if (ug && ug.policies === 0)
      out.push({
        id: `warn-no-role:${g.name}`,
        status: 'warn',
        summary: `user group "${g.name}" has no role in Cloudflare: its members can reach nothing through it`,
        evidence: [`user group ${ug.id}: 0 policies`],
        fix:
          `Give it a role: npx scim-setup okta --push-group ` +
          `"${g.name}" --role "${g.name}=<Role>" (or pushGroups ` +
          `roles in the config), or in the dashboard ` +
          `under Manage Account → Members → User Groups.`,
      });
  }
  const legacy = e.assignedGroupNames.filter((n) => LEGACY_GROUP.test(n));
  if (legacy.length) {
    out.push({
      id: 'warn-legacy-groups',
      status: 'warn',
      summary: `deprecated CF-<accountID> - <Role> groups are still assigned: ${legacy.join(', ')}`,
      evidence: [],
      fix:
        'SCIM virtual groups reached end of life on 2025-12-02: ' +
        'replace them with pushed user groups with roles ' +
        '(`npx scim-setup migrate` does it without anyone losing ' +
        'access; `npx scim-setup migrate --dry-run` shows how).',
    });
  }
  const assigned = new Set(e.assignedLogins.map((l) => l.toLowerCase()));
  const leaving = (e.superAdminEmails ?? []).filter((email) => {
    const u = e.cloudflareUsers[email.toLowerCase()];
    return u?.active && u.provisioned && !assigned.has(email.toLowerCase());
  });
  if (leaving.length)
    out.push({
      id: 'warn-super-admins',
      status: 'warn',
      summary: `Super Administrators provisioned over SCIM but not assigned in Okta will be deactivated: ${leaving.join(', ')}`,
      evidence: [],
      fix: 'Assign them to the app in Okta, or make sure another Super Administrator remains.',
    });
  return out;
}

function roles(e: Evidence): Check[] {
  return Object.entries(e.wantedRoles).map(([group, wanted]) => {
    const id = `roles:${group}`;
    const names = wanted.map((r) => r.name).join(', ');
    const userGroup = e.userGroups?.[group];
    if (!userGroup)
      return { id, status: 'pending', summary: `user group "${group}" is not in Cloudflare yet, so its roles (${names}) are not either`, evidence: [] };
    const missing = wanted.filter((r) => !userGroup.grantedRoleIds.includes(r.id)).map((r) => r.name);
    const evidence = [`user group ${userGroup.id}: ${userGroup.policies} polic${userGroup.policies === 1 ? 'y' : 'ies'}`];
    if (missing.length === 0) return { id, status: 'pass', summary: `user group "${group}" has ${names} on the whole account`, evidence };
    return {
      id,
      status: 'fail',
      summary: `user group "${group}" lacks ${missing.join(', ')}`,
      evidence,
      fix: 'Run `npx scim-setup okta` with the same roles to add them.',
    };
  });
}

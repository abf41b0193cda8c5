import { oktaTraffic, scimUserCreations, type AuditEntry } from '../cloudflare/audit.js';
import type { CloudflareClient } from '../cloudflare/client.js';
import { readHeldToken, verifiedToken, type HeldTokenReading } from '../cloudflare/account-tokens.js';
import { AUDIT_RETENTION_MS, readCloudflare } from '../cloudflare/reads.js';
import { keepsExternalIds, madeOverScim } from '../plan/scim-made.js';
import { AuthError, CliError } from '../lib/errors.js';
import { findAccountResourceGroup, resolveRoles, SUPER_ADMIN_ROLE_ID } from '../cloudflare/roles.js';
import { grantedRoles, toWrite } from '../plan/roles.js';
import { toObservedApp } from '../okta/observe.js';
import { readAppAssignments, type AppAssignments, type AppUser } from '../okta/app-assignments.js';
import type { OktaClient } from '../okta/client.js';
import { readOkta, type OktaLogEvent } from '../okta/reads.js';
import { oktaDoneAt, SYSTEM_GROUP_PREFIX, type DriftFacts } from '../plan/drift.js';
import { stuckState } from '../plan/unprovisioned.js';
import { assignmentsTabLink, tasksLink } from '../plan/guided-step.js';
import { checkScimToken, proveScimWrite } from '../cloudflare/scim-proof.js';
import { resolvedBy } from './log-pairs.js';
import { keyed } from '../lib/keyed.js';
import { readTokenLife } from './token-life.js';
import type { Evidence, ExpectedActivity, VerifySession } from './types.js';

/** Drift facts, with the rest of what was read on the way that verify's checks use. */
export type ReadBack = DriftFacts & Pick<Evidence, 'pushGroups' | 'assignedGroupNames'>;

/**
 * Reads both sides as they are now: Okta's app users, groups and push mappings, and Cloudflare's
 * SCIM users and groups. `okta` reads this before planning (to repair drift) and verify after.
 */
export async function readBothSides(
  okta: OktaClient,
  scim: CloudflareClient,
  appId: string,
  wantedPushGroups: string[],
  scimWorks: boolean,
  options: {
    /** --settle: how long Cloudflare's listings may trail its writes. */
    settleMs: number;
    /** The app's assignments where the caller has them, or is reading them. */
    known?: Promise<AppAssignments | undefined> | AppAssignments;
  },
): Promise<ReadBack> {
  // The moment Cloudflare is read, on this clock: its listings show it as of then, less their lag.
  const cloudflareReadAt = scim.clock.now();
  // Okta's side goes on to its pushed groups' members as soon as its assignments are in, beside Cloudflare's listings.
  const [{ appUsers, appGroups, pushedNames, pushGroups }, cfUsers, cfGroups] = await Promise.all([
    Promise.resolve(options.known)
      .then((known) => known ?? readAppAssignments(okta, appId))
      .then((assignments) => readOktaSide(okta, assignments, wantedPushGroups)),
    scimWorks ? readCloudflare.scimUsers(scim) : Promise.resolve([]),
    scimWorks ? readCloudflare.scimGroups(scim) : Promise.resolve([]),
  ]);
  const assignedLogins = appUsers.map(login);
  // Each group's members, gathered in one pass over the users (not one pass per group).
  const members = new Map<string, string[]>();
  for (const u of cfUsers)
    for (const groupId of u.groups ?? []) {
      const listed = members.get(groupId);
      if (listed) listed.push(u.userName);
      else members.set(groupId, [u.userName]);
    }
  const membersOf = (groupId: string) => members.get(groupId) ?? [];
  const scimGroups: DriftFacts['scimGroups'] = {};
  for (const g of cfGroups.filter((g) => pushedNames.includes(g.displayName) && !g.id.startsWith(SYSTEM_GROUP_PREFIX)))
    scimGroups[g.displayName] = { id: g.id, memberEmails: membersOf(g.id) };
  // Whether Cloudflare's answers keep the externalId Okta set: told from those Okta linked.
  const keeps = keepsExternalIds(cfUsers, new Set(appUsers.flatMap((u) => (u.externalId ? [u.externalId] : []))));
  const synced = appUsers
    .filter((u) => u.status === 'PROVISIONED' && u.syncState === 'SYNCHRONIZED')
    .map((u) => ({ key: login(u).toLowerCase(), done: oktaDoneAt(u) }));
  return {
    // Okta's clock as its answers so far bound it, read after them.
    moments: { cloudflareReadAt, oktaClockOffsetMs: okta.clockOffsetMs, settleMs: options.settleMs },
    scimToken: { ok: scimWorks },
    assignedLogins,
    oktaSynced: keyed(synced.map(({ key, done }) => [key, done?.at ?? 'an unknown time'])),
    oktaSyncedBy: keyed(synced.flatMap(({ key, done }) => (done ? [[key, done.by] as const] : []))),
    appUsers: keyed(
      appUsers.map((u) => [
        login(u).toLowerCase(),
        { id: u.id, scope: u.scope ?? 'USER', stuck: stuckState(u), provisioned: Boolean(u.externalId) || u.status === 'PROVISIONED' },
      ]),
    ),
    cloudflareUsers: keyed(cfUsers.map((u) => [u.userName.toLowerCase(), { id: u.id, active: u.active, provisioned: madeOverScim(u, keeps) }])),
    pushGroups,
    scimGroups,
    // System groups (`cloudflare-v1-<permission group>`, one per role members hold) are no push's: never a renamed one.
    otherScimGroups: cfGroups
      .filter((g) => !pushedNames.includes(g.displayName) && !g.id.startsWith(SYSTEM_GROUP_PREFIX))
      .map((g) => ({ name: g.displayName, memberEmails: membersOf(g.id) })),
    assignedGroupNames: appGroups.map((g) => g._embedded?.group?.profile?.name ?? g.id),
  };
}

/** The login Okta gives Cloudflare for an app user. */
function login(u: AppUser): string {
  return u.credentials?.userName ?? u.id;
}

/** Okta's side of the comparison: the app's assignments, and the members of each group it pushes or is to push. */
async function readOktaSide(okta: OktaClient, { users: appUsers, groups: appGroups, mappings }: AppAssignments, wantedPushGroups: string[]) {
  const groupIdByName = new Map(appGroups.map((g) => [g._embedded?.group?.profile?.name ?? g.id, g.id]));
  const assigned = new Set(appUsers.map((u) => login(u).toLowerCase()));
  // What is pushed is what Okta says (every mapping of the app), plus any group the inputs name.
  const groupById = new Map(appGroups.flatMap((g) => (g._embedded?.group ? [[g.id, g._embedded.group] as const] : [])));
  const mappedGroups = await Promise.all(mappings.map(async (m) => groupById.get(m.sourceGroupId) ?? (await readOkta.group(okta, m.sourceGroupId))));
  for (const [i, m] of mappings.entries()) {
    groupById.set(m.sourceGroupId, mappedGroups[i]);
    groupIdByName.set(mappedGroups[i].profile?.name ?? m.sourceGroupId, m.sourceGroupId);
  }
  const mappedNames = mappings.map((m, i) => mappedGroups[i].profile?.name ?? m.sourceGroupId);
  const pushedNames = [...new Set([...wantedPushGroups, ...mappedNames])];
  const pushGroups = await Promise.all(
    pushedNames.map(async (name) => {
      const groupId = groupIdByName.get(name);
      const members = groupId ? await readOkta.groupMembers(okta, groupId) : [];
      return {
        name,
        groupId,
        mapping: mappings.find((m) => m.sourceGroupId === groupId),
        lastMembershipUpdated: groupId ? groupById.get(groupId)?.lastMembershipUpdated : undefined,
        lastUpdated: groupId ? groupById.get(groupId)?.lastUpdated : undefined,
        assignedMemberLogins: members.map((m) => m.profile.login).filter((l) => assigned.has(l.toLowerCase())),
      };
    }),
  );
  return { appUsers, appGroups, pushedNames, pushGroups };
}

/** Why the audit log was not read, and what the person can do about it: each cause its own. */
const AUDIT_WITHOUT_READ_TOKEN = {
  skipped: 'no CLOUDFLARE_API_TOKEN ("Account Settings: Read") was given',
  fix: 'Set CLOUDFLARE_API_TOKEN to a token with "Account Settings: Read" to check it.',
};
const AUDIT_WITHOUT_SCIM = {
  // Which SCIM requests are Okta's is told by the SCIM token's id, and its check failed.
  skipped: "the SCIM token did not pass its check, so which SCIM requests are Okta's cannot be told",
  fix: 'Mend what the scim-token check says, then re-run verify.',
};

/** Reads back everything the checks need, in one pass, with independent reads in parallel. */
export async function collectEvidence(
  session: VerifySession,
  appId: string,
  since: Date,
  expected: ExpectedActivity | undefined,
  scimTokenProof?: string,
  madeTokenId?: string,
  scimWrite: ScimWriteProof = {},
): Promise<Evidence> {
  const { okta, scim, accountApi: read, desired, inputs } = session;
  // No SCIM token held here (verify after scim-setup made it): SCIM is read with CLOUDFLARE_API_TOKEN, and Okta's token watched by its id.
  const watched = !inputs.scimToken && !madeTokenId;
  // Cloudflare's audit log is read once a round: for Okta's traffic (cloudflare-audit) and, with no token held, to tell which token is Okta's.
  let scimTraffic: ReturnType<typeof oktaTraffic> | undefined;
  const trafficOf = () => {
    if (!read) throw new Error('internal: the audit log is read only with CLOUDFLARE_API_TOKEN');
    scimTraffic ??= oktaTraffic(read, since);
    return scimTraffic;
  };
  const trafficSince = () => trafficOf().then((t) => t.okta);
  // The given token is read once a round, for its life and rights and, in the first, for its right to write.
  const held = inputs.scimToken && !madeTokenId ? readHeldToken(scim, read) : undefined;
  held?.catch(() => undefined);
  const tokenLife = readTokenLife(session, appId, trafficSince, madeTokenId, held);
  // Awaited below on every path; handled now, so that its failure while the other reads run is never an unhandled rejection.
  tokenLife.catch(() => undefined);
  const scimToken = await proveScimToken(scim, scimTokenProof, watched, scimWrite, read, held);
  const scimWorks = scimToken.ok;
  const [rawApp, connection, sides, failures, userGroups, audit] = await Promise.all([
    readOkta.app(okta, appId),
    // Where Okta shows it (apps that take the connection API), the Base URL it sends to; else it cannot be read back.
    readOkta.connection(okta, appId).then(
      (c) => c?.baseUrl ?? null,
      () => null,
    ),
    readBothSides(okta, scim, appId, desired.pushGroups, scimWorks, { settleMs: inputs.settleMs }),
    readOkta.logs(okta, {
      since: okta.onOktaClock(since).toISOString(),
      filter: `target.id eq "${appId}" and outcome.result eq "FAILURE"`,
      limit: 1000,
    }),
    // User groups accept the SCIM token too, so roles are checked even without the read token.
    readCloudflare.userGroups(read ?? scim).catch((error) => (scimWorks || read ? Promise.reject(error) : undefined)),
    read && scimWorks
      ? tokenLife.then((life) => auditActivity(scim, trafficOf, life.known ? life.id : undefined, watched))
      : Promise.resolve(read ? AUDIT_WITHOUT_SCIM : AUDIT_WITHOUT_READ_TOKEN),
  ]);
  const app = toObservedApp(rawApp);
  const wantedNames = Object.values(desired.groupRoles).flat();
  const [roleIds, accountResourceGroupId]: [Record<string, string>, string | undefined] =
    wantedNames.length && scimWorks ? await Promise.all([resolveRoles(read ?? scim, wantedNames), findAccountResourceGroup(read ?? scim)]) : [{}, undefined];
  const wantedRoles = Object.fromEntries(
    Object.entries(desired.groupRoles).map(([group, names]) => [group, names.map((name) => ({ name, id: roleIds[name] }))]),
  );
  // Members (50 a page) are read only when someone an identity provider may have provisioned is
  // active in Cloudflare and no longer assigned in Okta: only then can a Super Administrator be about
  // to be deactivated. SCIM lists every member (the owner, invited members): Okta never touches those.
  const assignedSet = new Set(sides.assignedLogins.map((l) => l.toLowerCase()));
  const unassigned = Object.entries(sides.cloudflareUsers).filter(([userName, u]) => u.active && u.provisioned !== false && !assignedSet.has(userName));
  const superAdmins = read && unassigned.length ? await superAdminEmails(read) : read ? [] : undefined;
  const cloudflareUsers = read && superAdmins ? await toldFromAudit(read, sides.cloudflareUsers, unassigned, superAdmins) : sides.cloudflareUsers;
  return {
    ...sides,
    cloudflareUsers,
    accountId: inputs.accountId,
    scimToken,
    tokenLife: await tokenLife,
    app: { id: rawApp.id, label: rawApp.label, status: app.status, features: app.features, visibility: app.visibility },
    userGroups: userGroups && userGroupsEvidence(userGroups, inputs.accountId, accountResourceGroupId),
    wantedRoles,
    superAdminEmails: superAdmins,
    oktaFailures: await unresolvedFailures(okta, appId, failures),
    audit,
    since: since.toISOString(),
    expected,
    adminLinks: { assignments: assignmentsTabLink(inputs.orgUrl, rawApp.id), tasks: tasksLink(inputs.orgUrl) },
    baseUrl: { expected: desired.scimBaseUrl, okta: connection },
  };
}

/**
 * Okta's SCIM requests in Cloudflare's audit log (Okta's user agent: another integration's, or
 * scim-setup's own, never count), by the SCIM token's id: the one given (or made), or, with none
 * held here, scim-setup's own for the app. With none known, every request of Okta's counts.
 */
async function auditActivity(
  scim: CloudflareClient,
  traffic: () => Promise<{ okta: AuditEntry[]; unattributed: AuditEntry[] }>,
  knownId: string | undefined,
  watched: boolean,
): Promise<Evidence['audit']> {
  const id = knownId ?? (watched ? undefined : (await verifiedToken(scim)).id);
  const { okta: entries, unattributed } = await traffic();
  if (id === undefined)
    return { count: entries.length, latest: entries[0]?.action.time, tokenId: 'any', others: { count: 0, tokenIds: [] }, unattributed: unattributed.length };
  const mine = entries.filter((e) => e.actor?.token_id === id);
  const others = entries.filter((e) => e.actor?.token_id !== undefined && e.actor.token_id !== id);
  return {
    count: mine.length,
    latest: mine[0]?.action.time,
    tokenId: id,
    others: { count: others.length, tokenIds: [...new Set(others.flatMap((e) => e.actor?.token_id ?? []))], latest: others[0]?.action.time },
    unattributed: unattributed.filter((e) => e.actor?.token_id === id).length,
  };
}
const isProvisioning = (e: OktaLogEvent) => e.eventType.startsWith('application.provision.') || e.eventType.startsWith('application.integration.');
const subject = (e: OktaLogEvent) => e.target?.find((t) => t.type === 'User' || t.type === 'UserGroup')?.alternateId;

/**
 * Failures that Okta did not get past: a failure that a later success resolves, as Okta's event
 * catalogue pairs them (log-pairs.ts), is resolved. Successes are read only when there are
 * failures to weigh.
 */
async function unresolvedFailures(okta: VerifySession['okta'], appId: string, failures: OktaLogEvent[]): Promise<Evidence['oktaFailures']> {
  const relevant = failures.filter(isProvisioning);
  if (relevant.length === 0) return [];
  const since = relevant.map((f) => f.published).sort()[0];
  const successes = (await readOkta.logs(okta, { since, filter: `target.id eq "${appId}" and outcome.result eq "SUCCESS"`, limit: 1000 })).filter(
    isProvisioning,
  );
  const logged = (e: OktaLogEvent) => ({ eventType: e.eventType, published: e.published, subject: subject(e) });
  const resolved = (f: OktaLogEvent) => resolvedBy(logged(f), successes.map(logged));
  return relevant
    .filter((f) => !resolved(f))
    .map((f) => ({
      eventType: f.eventType,
      displayMessage: f.displayMessage,
      reason: f.outcome?.reason ?? undefined,
      target: f.target?.find((t) => t.type === 'User')?.alternateId,
      published: f.published,
    }));
}

/** A verification's one proof that the SCIM token may write, shared by its rounds. */
export interface ScimWriteProof {
  proof?: Promise<string>;
}

/**
 * The SCIM token proved (or the proof a run already made), and, for a token held here, that it may
 * write SCIM (once a verification), or why Cloudflare refused it. A token watched by its id is read
 * with CLOUDFLARE_API_TOKEN, which Okta never holds: its writes are Okta's to show (cloudflare-audit).
 */
async function proveScimToken(
  scim: CloudflareClient,
  proof: string | undefined,
  watched: boolean,
  write: ScimWriteProof,
  api: CloudflareClient | undefined,
  held: Promise<HeldTokenReading> | undefined,
): Promise<Evidence['scimToken']> {
  const read = proof !== undefined ? Promise.resolve(proof) : checkScimToken(scim);
  const written = () => {
    write.proof ??= proveScimWrite(scim, { api, held });
    return write.proof;
  };
  return read
    .then(async (detail) => (watched ? detail : `${detail}; ${await written()}`))
    .then(
      (detail) => ({ ok: true as const, detail: watched ? `${detail}, read with CLOUDFLARE_API_TOKEN` : detail, ...(watched ? { watched } : {}) }),
      (error: unknown) => {
        if (!(error instanceof CliError)) throw error;
        return {
          ok: false as const,
          status: error instanceof AuthError ? error.status : 0,
          message: error.message,
          auth: error instanceof AuthError,
          fix: error.fix,
        };
      },
    );
}

/**
 * Where Cloudflare's SCIM answers cannot say whether SCIM made a Super Administrator about to lose the
 * app (they keep no externalId), the audit log's record of their creation over SCIM says it.
 */
async function toldFromAudit(
  read: CloudflareClient,
  users: DriftFacts['cloudflareUsers'],
  unassigned: Array<[string, DriftFacts['cloudflareUsers'][string]]>,
  superAdmins: string[],
): Promise<DriftFacts['cloudflareUsers']> {
  const admins = new Set(superAdmins.map((e) => e.toLowerCase()));
  const untold = unassigned.filter(([userName, u]) => u.provisioned === undefined && admins.has(userName));
  if (untold.length === 0) return users;
  const since = new Date(read.clock.now() - AUDIT_RETENTION_MS);
  const { created } = await scimUserCreations(
    read,
    since,
    untold.map(([, u]) => u.id),
  );
  return keyed(Object.entries(users).map(([userName, u]) => [userName, created.has(u.id) ? { ...u, provisioned: true, provisionedBy: 'audit' } : u]));
}

/** The e-mails of the account's Super Administrators (members, 50 a page). */
async function superAdminEmails(read: CloudflareClient): Promise<string[]> {
  const members = await readCloudflare.members(read);
  // An invitation not yet accepted grants nothing: a pending Super Administrator is no other one to rely on.
  return members.filter((m) => m.status !== 'pending' && m.roles?.some((r) => r.id === SUPER_ADMIN_ROLE_ID)).flatMap((m) => m.user?.email ?? m.email ?? []);
}

/** The account's user groups by name: their policies, and the roles those grant on the whole account. */
function userGroupsEvidence(
  groups: Array<{ id: string; name: string; policies?: Parameters<typeof toWrite>[0] }>,
  accountId: string,
  resourceGroupId: string | undefined,
): NonNullable<Evidence['userGroups']> {
  return Object.fromEntries(
    groups.map((g) => [
      g.name,
      { id: g.id, policies: (g.policies ?? []).length, grantedRoleIds: grantedRoles(toWrite(g.policies), { accountId, resourceGroupId }) },
    ]),
  );
}

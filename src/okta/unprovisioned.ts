import type { DriftFacts } from '../plan/drift.js';
import { assignmentsTabLink } from '../plan/guided-step.js';
import type { UnprovisionedFacts } from '../plan/unprovisioned.js';
import type { AppAssignments } from './app-assignments.js';
import type { OktaClient } from './client.js';
import { readOkta } from './reads.js';

/**
 * What the repair of users Okta left unprovisioned needs, read only when there are some: the
 * members of each assigned group (a page of up to 1000 each), to know which groups assign them and
 * whether unassigning a group would deprovision anyone.
 */
export async function readUnprovisioned(
  okta: OktaClient,
  orgUrl: string,
  appId: string,
  appUsers: DriftFacts['appUsers'],
  groups: AppAssignments['groups'],
): Promise<UnprovisionedFacts | undefined> {
  const users = Object.entries(appUsers)
    .filter(([, u]) => u.stuck === 'unprovisioned')
    .map(([login, u]) => ({ login, id: u.id, direct: u.scope === 'USER' }));
  if (users.length === 0) return undefined;
  const byGroup = await Promise.all(
    groups.map(async (g) => {
      const members = (await readOkta.groupMembers(okta, g.id)).map((m) => m.profile.login.toLowerCase()).filter((login) => appUsers[login]);
      return {
        id: g.id,
        name: g._embedded?.group?.profile?.name ?? g.id,
        ...(g.priority === undefined ? {} : { priority: g.priority }),
        members,
        anyProvisioned: members.some((login) => appUsers[login]?.provisioned),
      };
    }),
  );
  return { users, groups: byGroup, assignmentsLink: assignmentsTabLink(orgUrl, appId) };
}

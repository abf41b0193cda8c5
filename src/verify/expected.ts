import type { Action } from '../plan/types.js';
import type { ExpectedActivity } from './types.js';

/**
 * What the run's applied actions make Okta send to Cloudflare: provisioning turned on, users
 * assigned, and groups assigned or pushed that have members (a group's count came with the plan's
 * reads; an unknown count is taken as members, so that nothing due is missed). Each action is
 * read by what it is about (`subject`) and what it changes, never by its id.
 */
export function expectedActivity(
  actions: Action[],
  applied: Array<{ id: string; result: string }>,
  groups: Record<string, { members?: number }>,
): ExpectedActivity {
  const doneIds = new Set(applied.filter((a) => a.result === 'done').map((a) => a.id));
  const done = actions.filter((a) => doneIds.has(a.id));
  const sends = (a: Action, part: string) => [a.request, ...(a.followUps ?? [])].some((r) => r?.path.includes(part));
  const subjects = (which: (a: Action) => boolean) => done.filter(which).flatMap((a) => (a.subject ? [a.subject] : []));
  const withMembers = (name: string) => groups[name]?.members !== 0;
  // A repair is a change Okta answers with a push, like the action it repeats.
  const pushedGroups = subjects((a) => a.resource === 'push-mapping' || (a.resource === 'repair' && sends(a, '/group-push/')));
  const reassigned = (a: Action) => a.operation?.kind === 'reassign-user';
  return {
    provisioning: done.some((a) => a.resource === 'provisioning'),
    assignedGroups: subjects((a) => a.resource === 'group-assignment' || (a.resource === 'repair' && !reassigned(a) && sends(a, '/groups/'))).filter(
      (name) => !pushedGroups.includes(name) && withMembers(name),
    ),
    pushedGroups,
    users: done.filter((a) => a.resource === 'user-assignment' || reassigned(a)).length,
  };
}

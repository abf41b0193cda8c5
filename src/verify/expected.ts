import type { ExpectedActivity } from './types.js';

/**
 * What the run's applied actions make Okta send to Cloudflare: provisioning turned on, users
 * assigned, and groups assigned or pushed that have members (a group's count came with the plan's
 * reads; an unknown count is taken as members, so that nothing due is missed).
 */
export function expectedActivity(applied: Array<{ id: string; result: string }>, groups: Record<string, { members?: number }>): ExpectedActivity {
  const done = applied.filter((a) => a.result === 'done').map((a) => a.id);
  const named = (prefix: string) => done.filter((id) => id.startsWith(`${prefix}:`)).map((id) => id.slice(prefix.length + 1));
  const withMembers = (name: string) => groups[name]?.members !== 0;
  // A repair is a change Okta answers with a push, like the action it repeats.
  const pushedGroups = [...named('push-mapping'), ...named('repair:push')];
  return {
    provisioning: done.includes('provisioning'),
    assignedGroups: named('group-assignment').filter((name) => !pushedGroups.includes(name) && withMembers(name)),
    pushedGroups,
    users: named('user-assignment').length + named('repair:user').length,
  };
}

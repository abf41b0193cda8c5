import type { OktaClient } from '../okta/client.js';
import type { ExpectedActivity } from './types.js';

/**
 * What the run's applied actions make Okta send to Cloudflare. An assigned group provisions
 * only if it has members, so each assigned (not pushed) group is looked at once (one member is
 * enough); pushed groups' members are read by the verification itself.
 */
export async function expectedActivity(okta: OktaClient, applied: Array<{ id: string; result: string }>, groups: Record<string, { id: string }>): Promise<ExpectedActivity> {
  const done = applied.filter((a) => a.result === 'done').map((a) => a.id);
  const named = (prefix: string) => done.filter((id) => id.startsWith(`${prefix}:`)).map((id) => id.slice(prefix.length + 1));
  const pushedGroups = named('push-mapping');
  const assignedOnly = named('group-assignment').filter((name) => !pushedGroups.includes(name) && groups[name]);
  const withMembers = await Promise.all(assignedOnly.map(async (name) => ((await okta.get<unknown[]>(`/api/v1/groups/${groups[name].id}/users`, { limit: 1 })).length > 0 ? name : undefined)));
  return {
    provisioning: done.includes('provisioning'),
    assignedGroups: withMembers.filter((n): n is string => n !== undefined),
    pushedGroups,
    users: named('user-assignment').length,
  };
}

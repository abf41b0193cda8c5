import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['userGroups', 'wantedRoles'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const rolesCheck = defineCheck({
  id: 'roles:',
  reads: READS,
  run: roles,
});

function roles(e: Reads): Check[] {
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

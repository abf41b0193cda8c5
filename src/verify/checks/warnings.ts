import { legacyRoleGroup, refusedScimGroupName } from '../../lib/cloudflare-names.js';
import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['assignedGroupNames', 'assignedLogins', 'cloudflareUsers', 'pushGroups', 'superAdminEmails', 'userGroups'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const warningsCheck = defineCheck({
  id: 'warn-',
  reads: READS,
  run: warnings,
});

function warnings(e: Reads): Check[] {
  const out: Check[] = [];
  for (const g of e.pushGroups) {
    if (refusedScimGroupName(g.name))
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
  const legacy = e.assignedGroupNames.filter((n) => legacyRoleGroup(n) !== undefined);
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
      // Where SCIM's answer kept no externalId, the audit log is what showed SCIM made them: said, as it is the weaker proof.
      evidence: leaving
        .filter((email) => e.cloudflareUsers[email.toLowerCase()]?.provisionedBy === 'audit')
        .map((email) => `${email}: Cloudflare's audit log records their creation over SCIM (its SCIM answers keep no externalId)`),
      fix: 'Assign them to the app in Okta, or make sure another Super Administrator remains.',
    });
  return out;
}

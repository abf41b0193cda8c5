import { refusedScimGroupName } from '../../lib/cloudflare-names.js';
import {
  memberDifference,
  membershipDifference,
  pushedSince,
  type Drift,
  type GroupGoneDrift,
  type GroupMembersDrift,
  type MemberDrift,
} from '../../plan/drift.js';
import { bringBackFix, droppedLogins, lacksOnlyDropped } from '../../plan/repair.js';
import { fromWire } from '../../lib/terminal-text.js';
import type { Check, Evidence } from '../types.js';
import { readAt } from './moments.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['pushGroups', 'scimGroups', 'userGroups', 'moments'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const pushedGroupsCheck = defineCheck({
  id: 'push-group:',
  reads: READS,
  run: pushedGroups,
});

function pushedGroups(e: Reads, drift: Drift[]): Check[] {
  return e.pushGroups.map((g) => {
    const id = `push-group:${g.name}`;
    return g.mapping?.status === 'ACTIVE' && g.assignedMemberLogins.length > 0 ? inCloudflare(e, g, g.mapping, drift) : mappingCheck(id, g);
  });
}

type PushGroup = Reads['pushGroups'][number];

/** A push that cannot be in Cloudflare as wanted: none, in ERROR, not ACTIVE, or of a group with no assigned members. */
function mappingCheck(id: string, g: PushGroup): Check {
  if (!g.mapping)
    return { id, status: 'fail', summary: `group "${g.name}" is not pushed`, evidence: [], fix: `Run \`npx scim-setup okta --push-group "${g.name}"\`.` };
  if (g.mapping.status === 'ERROR') {
    return {
      id,
      status: 'fail',
      // Okta's words, quoted as the wire's always are: one line, bounded.
      summary: `the push of "${g.name}" is in ERROR: ${g.mapping.errorSummary ? fromWire(g.mapping.errorSummary) : 'no summary'}`,
      evidence: [`mapping ${g.mapping.id}`],
      fix: refusedScimGroupName(g.name)
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
  // ACTIVE, and so (as pushedGroups sends only these here) a group with no assigned members.
  return {
    id,
    status: 'warn',
    summary: `group "${g.name}" has no assigned members, so Okta does not push it`,
    evidence: [`mapping ${g.mapping.id} ACTIVE`],
    fix: 'Add members to the group in Okta, or create the group in Cloudflare first.',
  };
}

/** An ACTIVE push of a group with members: is the group in Cloudflare, with Okta's members? */
function inCloudflare(e: Reads, g: PushGroup, mapping: NonNullable<PushGroup['mapping']>, drift: Drift[]): Check {
  const id = `push-group:${g.name}`;
  const scimGroup = e.scimGroups[g.name];
  const drifted = drift.find((d): d is GroupGoneDrift | GroupMembersDrift => d.kind !== 'member' && d.group === g.name);
  if (drifted?.kind === 'group-gone') return groupGone(id, drifted);
  if (!scimGroup)
    return {
      id,
      status: 'pending',
      summary: `group "${g.name}" is not in Cloudflare yet: waiting for Okta to push it`,
      evidence: [`mapping ${mapping.id} ACTIVE`, 'no SCIM group of that name', waitingForPush(g)],
    };
  const { missing, extra } = membershipDifference(g.assignedMemberLogins, scimGroup.memberEmails);
  const want = new Set(g.assignedMemberLogins.map((l) => l.toLowerCase()));
  const have = new Set(scimGroup.memberEmails.map((m) => m.toLowerCase()));
  const evidence = [`SCIM group ${scimGroup.id}: ${have.size} members; Okta: ${want.size} assigned members`];
  if (e.userGroups && !e.userGroups[g.name])
    return { id, status: 'pending', summary: `group "${g.name}" is a SCIM group but not yet an IAM user group`, evidence };
  if (e.userGroups) evidence.push(`IAM user group ${e.userGroups[g.name].id}`);
  if (missing.length || extra.length) {
    const dropped = drift.filter((d): d is MemberDrift => d.kind === 'member');
    if (drifted?.kind === 'group-members' && lacksOnlyDropped(drifted, droppedLogins(dropped)))
      return {
        id,
        status: 'fail',
        summary: `group "${g.name}" in Cloudflare lacks only users Cloudflare dropped from the account: pushing it again cannot add them (Okta would put the push in ERROR); bring them back, and the group follows`,
        evidence: [...evidence, ...memberDifference(missing, extra), 'see the members check'],
        fix: bringBackFix(dropped.filter((d) => drifted.missing.some((l) => l.toLowerCase() === d.login.toLowerCase()))),
      };
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
    const pushedAlready = pushedSince(mapping.lastPush, g.lastMembershipUpdated);
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

import type { Sandbox } from '../../src/sandbox/sandbox.js';

/** What a setup leaves behind, without ids or times: two runs that converge leave the same. */
export function endState(s: Sandbox) {
  const okta = s.okta.state;
  const name = (id: string) => okta.groups.get(id)?.profile.name ?? id;
  return {
    apps: [...okta.apps.values()].map((a) => ({
      label: a.label,
      status: a.status,
      visibility: { ...a.visibility, appLinks: undefined },
      provisioning: a.provisioning
        ? {
            ...a.provisioning,
            baseUrl: a.provisioning.baseUrl === s.scimBaseUrl ? 'the SCIM base URL' : a.provisioning.baseUrl,
            token: a.provisioning.token === s.env.CLOUDFLARE_SCIM_TOKEN ? 'the SCIM token' : 'another',
          }
        : null,
      groups: [...a.groups.keys()].map(name).sort(),
      users: [...a.users.keys()].sort(),
      mappings: [...a.mappings.values()].map((m) => `${name(m.sourceGroupId)}→${m.targetGroupName}:${m.status}`).sort(),
    })),
    members: s.cloudflare.state.members.size,
    userGroups: [...s.cloudflare.state.userGroups.values()].map((g) => `${g.name}:${g.members.size}`).sort(),
  };
}

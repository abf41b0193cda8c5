/**
 * Okta's management API paths, written once: the requests a plan shows and the ones the
 * clients send are built from these, and the client's rate-limit buckets are told from them.
 */
const V1 = '/api/v1';

const app = (appId: string) => `${V1}/apps/${appId}`;
const group = (groupId: string) => `${V1}/groups/${groupId}`;

export const oktaPaths = {
  apps: `${V1}/apps`,
  app,
  appGroups: (appId: string) => `${app(appId)}/groups`,
  appGroup: (appId: string, groupId: string) => `${app(appId)}/groups/${groupId}`,
  pushMappings: (appId: string) => `${app(appId)}/group-push/mappings`,
  pushMapping: (appId: string, mappingId: string) => `${app(appId)}/group-push/mappings/${mappingId}`,
  connection: (appId: string) => `${app(appId)}/connections/default`,
  feature: (appId: string, name: string) => `${app(appId)}/features/${name}`,
  lifecycle: (appId: string, to: 'activate' | 'deactivate') => `${app(appId)}/lifecycle/${to}`,
  groups: `${V1}/groups`,
  group,
  groupUsers: (groupId: string) => `${group(groupId)}/users`,
  groupUser: (groupId: string, userId: string) => `${group(groupId)}/users/${userId}`,
  users: `${V1}/users`,
  logs: `${V1}/logs`,
} as const;

const FAMILIES = ['apps', 'groups', 'users', 'logs'] as const;
export type OktaBucket = (typeof FAMILIES)[number] | 'other';

/** Every bucket Okta's requests are paced in (the others are Cloudflare's). */
export const OKTA_BUCKETS: ReadonlySet<string> = new Set<OktaBucket>([...FAMILIES, 'other']);

/** Okta's rate-limit buckets, as the client must track them (research okta.md §g): one per family of paths. */
export function bucketOfPath(path: string): OktaBucket {
  for (const bucket of FAMILIES) if (path.startsWith(`${V1}/${bucket}`)) return bucket;
  return 'other';
}

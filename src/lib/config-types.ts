/** What a config file holds, as read and checked (lib/config-file.ts), apart from the reading: its parser loads only for a run given one. */

/** The shape of a config file (JSON or YAML). Secrets are not allowed in it. */
export interface ConfigFile {
  okta?: { orgUrl?: string; appLabel?: string; clientId?: string; keyId?: string; scopes?: string | string[]; rateShare?: string };
  cloudflare?: { accountId?: string; apiBaseUrl?: string };
  assignGroups?: string[];
  pushGroups?: Array<string | { name: string; roles?: string[] }>;
  assignUsers?: string[];
  wait?: string;
  /** `scim-setup report`: the people the admin expects outside Okta (the owner, a break-glass account). */
  report?: { expectedOutside?: string[] };
  /** A fleet: one entry per Cloudflare account, each with its own Okta app (lib/fleet.ts). */
  accounts?: FleetAccount[];
}

/** One Cloudflare account of a fleet config; what it leaves out comes from the top level. */
export interface FleetAccount {
  name: string;
  accountId: string;
  appLabel?: string;
  assignGroups?: string[];
  pushGroups?: Array<string | { name: string; roles?: string[] }>;
  assignUsers?: string[];
  /** The env var holding this account's SCIM token; with neither this nor scimTokenFile, scim-setup makes one. */
  scimTokenEnv?: string;
  scimTokenFile?: string;
  /** The env var holding an API token for this account, where CLOUDFLARE_API_TOKEN does not reach it. */
  apiTokenEnv?: string;
  /** Where in the file each of its token keys is ("line 12, column 5"), set by the fleet check: an unset variable is said at its line. */
  placed?: Partial<Record<'scimTokenEnv' | 'apiTokenEnv', string>>;
}

/** A config file as read: its path, for messages, and its validated content. */
export interface LoadedConfig {
  path: string;
  data: ConfigFile;
}

/** A problem at a node of the file (its line and column are said; a node the parser did not place is said without). */
export type Report = (node: unknown, message: string, fix: string) => void;

import type { Drift } from './drift.js';
import type { ObservedScimTokens } from './scim-token.js';
import type { ObservedMapping, ObservedApp, ObservedRoles } from './types.js';
import type { UnprovisionedFacts } from './unprovisioned.js';

/** What Okta holds now, read with as few requests as the API allows. */
export interface Observed {
  app?: ObservedApp;
  /** Other scim2testapp instances with the same label: reported, never multiplied. */
  duplicateApps: Array<{ id: string; label: string; created: string }>;
  /** Labels of the org's other scim2testapp apps: a new app beside them may provision the same account twice. */
  otherAppLabels?: string[];
  /** Resolved groups; `members` where Okta gave a count (expand=stats). */
  groups: Record<string, { id: string; name: string; members?: number }>;
  users: Record<string, { id: string; login: string }>;
  assignedGroupIds: string[];
  assignedUserIds: string[];
  /** Names of the groups assigned to the app, as Okta lists them (what a run leaves alone is said). */
  assignedGroupNames?: Record<string, string>;
  mappings: ObservedMapping[];
  /** Cloudflare's side of roles; read only when roles are wanted. */
  roles?: ObservedRoles;
  /** Differences Okta reports as done; read only once the app provisions. */
  drift?: Drift[];
  /** Users Okta left unprovisioned (assigned before provisioning was on); read only once the app provisions. */
  unprovisioned?: UnprovisionedFacts;
  /** The tokens scim-setup made for this app; read only when it is to make one. */
  scimTokens?: ObservedScimTokens;
}

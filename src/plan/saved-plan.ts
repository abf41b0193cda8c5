import { readFile } from 'node:fs/promises';
import { InputError } from '../lib/errors.js';
import type { SavedInputs } from '../lib/inputs.js';
import type { Action, Desired, Plan } from './types.js';

export const PLAN_FORMAT_VERSION = 1;

/** A plan saved with --out: versioned, no secrets (a token fingerprint only). */
export interface SavedPlan {
  formatVersion: number;
  kind: 'scim-setup-plan';
  createdAt: string;
  orgUrl: string;
  accountId: string;
  desired: Desired;
  appId: string | null;
  actions: Action[];
}

export function toSavedPlan(plan: Plan, desired: Desired, orgUrl: string, accountId: string, appId: string | undefined, now: Date): SavedPlan {
  return { formatVersion: PLAN_FORMAT_VERSION, kind: 'scim-setup-plan', createdAt: now.toISOString(), orgUrl, accountId, desired, appId: appId ?? null, actions: plan.actions };
}

export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let data: SavedPlan;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as SavedPlan;
  } catch (error) {
    throw new InputError(`--plan ${path}: cannot read a saved plan (${(error as Error).message.split('\n')[0]}).`, 'Pass a file written by `scim-setup okta --dry-run --out <file>`.');
  }
  if (data?.kind !== 'scim-setup-plan' || !Array.isArray(data.actions)) throw new InputError(`--plan ${path}: not a scim-setup plan.`, 'Pass a file written by `scim-setup okta --dry-run --out <file>`.');
  if (data.formatVersion !== PLAN_FORMAT_VERSION) throw new InputError(`--plan ${path}: plan format ${data.formatVersion} is not supported by this version (${PLAN_FORMAT_VERSION}).`, 'Make the plan again with this version of scim-setup.');
  return data;
}

/** The inputs a saved plan carries, for the run that applies it. */
export function savedInputs(saved: SavedPlan, path: string): SavedInputs {
  const d = saved.desired;
  return { path, orgUrl: saved.orgUrl, accountId: saved.accountId, scimBaseUrl: d.scimBaseUrl, appLabel: d.appLabel, assignGroups: d.assignGroups, pushGroups: d.pushGroups, groupRoles: d.groupRoles, assignUsers: d.assignUsers };
}

/** Where an input comes from when it differs: the saved plan fills in all that the run is not given. */
const INPUT_SOURCES: Partial<Record<keyof Desired, string>> = {
  appLabel: '--app-label', accountId: '--account-id or CLOUDFLARE_ACCOUNT_ID', scimBaseUrl: '--api-base-url or CLOUDFLARE_API_BASE_URL', scimTokenFingerprint: 'the SCIM token (CLOUDFLARE_SCIM_TOKEN or --scim-token-file)',
  assignGroups: '--assign-group', pushGroups: '--push-group', groupRoles: '--role', assignUsers: '--assign-user',
};

/** Pure: inputs given to this run that contradict the saved plan (a flag, or where to connect). */
export function inputContradictions(saved: SavedPlan, given: { orgUrl: string; desired: Desired }): string[] {
  const diffs: string[] = [];
  if (saved.orgUrl !== given.orgUrl) diffs.push(`Okta org: plan ${saved.orgUrl}, given ${given.orgUrl} (--org-url or OKTA_ORG_URL)`);
  for (const key of Object.keys(saved.desired) as Array<keyof Desired>) {
    if (JSON.stringify(saved.desired[key]) !== JSON.stringify(given.desired[key])) diffs.push(`${key}: plan ${JSON.stringify(saved.desired[key])}, given ${JSON.stringify(given.desired[key])} (${INPUT_SOURCES[key] ?? key})`);
  }
  return diffs;
}

/** Pure: what changed in Okta or Cloudflare since the plan was made, in the ways that change its actions; empty means apply it. */
export function planDifferences(saved: SavedPlan, fresh: SavedPlan): string[] {
  const diffs: string[] = [];
  if (saved.appId !== fresh.appId) diffs.push(`Okta app: plan ${saved.appId ?? '(none yet)'}, now ${fresh.appId ?? '(none)'}`);
  const byId = new Map(fresh.actions.map((a) => [a.id, a]));
  for (const a of saved.actions) {
    const now = byId.get(a.id);
    if (!now) diffs.push(`action ${a.id}: in the plan, not needed now`);
    else if (now.kind !== a.kind || JSON.stringify(now.request) !== JSON.stringify(a.request)) diffs.push(`action ${a.id}: plan ${a.kind}, now ${now.kind}${now.detail ? ` (${now.detail})` : ''}`);
    byId.delete(a.id);
  }
  for (const id of byId.keys()) diffs.push(`action ${id}: needed now, not in the plan`);
  return diffs;
}

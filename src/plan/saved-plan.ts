import { readFile } from 'node:fs/promises';
import { InputError } from '../lib/errors.js';
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

/** Pure: what differs between a saved plan and the plan made now; empty means apply it. */
export function planDifferences(saved: SavedPlan, fresh: SavedPlan): string[] {
  const diffs: string[] = [];
  if (saved.orgUrl !== fresh.orgUrl) diffs.push(`Okta org: plan ${saved.orgUrl}, now ${fresh.orgUrl}`);
  if (saved.accountId !== fresh.accountId) diffs.push(`Cloudflare account: plan ${saved.accountId}, now ${fresh.accountId}`);
  for (const key of Object.keys(saved.desired) as Array<keyof Desired>) {
    if (JSON.stringify(saved.desired[key]) !== JSON.stringify(fresh.desired[key])) diffs.push(`input ${key}: plan ${JSON.stringify(saved.desired[key])}, now ${JSON.stringify(fresh.desired[key])}`);
  }
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

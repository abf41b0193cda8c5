import { createHash } from 'node:crypto';
import { InputError } from '../lib/errors.js';
import { isRecord } from '../lib/is-record.js';
import type { SavedInputs } from '../lib/inputs.js';
import { isMakeScimToken, isRevokeScimTokens } from './operations.js';
import type { Action, Desired, Plan } from './types.js';

export const PLAN_FORMAT_VERSION = 1;
/** A plan for thousands of groups is well under this. */
export const MAX_PLAN_BYTES = 8 * 1024 * 1024;

/** The commands that save and apply plans. */
export type PlanCommand = 'okta' | 'destroy' | 'migrate' | 'rotate-token';

/** A command's own flags that shape its plan (destroy's --delete-cloudflare-groups, say): a plan carries them. */
export type PlanOptions = Record<string, boolean | string>;

/** A plan saved with --out: versioned, no secrets (a token fingerprint only). */
export interface SavedPlan {
  formatVersion: number;
  kind: 'scim-setup-plan';
  /** Absent in plans from before other commands saved theirs: those are okta's. */
  command?: PlanCommand;
  options?: PlanOptions;
  createdAt: string;
  orgUrl: string;
  accountId: string;
  desired: Desired;
  appId: string | null;
  actions: Action[];
}

export function toSavedPlan(
  plan: Plan,
  desired: Desired,
  orgUrl: string,
  accountId: string,
  appId: string | undefined,
  now: Date,
  command: PlanCommand = 'okta',
  options: PlanOptions = {},
): SavedPlan {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    kind: 'scim-setup-plan',
    command,
    options,
    createdAt: now.toISOString(),
    orgUrl,
    accountId,
    desired,
    appId: appId ?? null,
    actions: plan.actions,
  };
}

/** A saved plan as read: the plan, and the SHA-256 of the file's bytes (what a reviewer pins with --plan-sha256). */
export interface ReadPlan {
  plan: SavedPlan;
  sha256: string;
}

/**
 * Pure: a saved plan's bytes (or why they could not be read) → the plan, or an input error that
 * says why not. Reading the file is the caller's (commands/plan-file.ts): plan/ does no I/O.
 */
export function parseSavedPlan(path: string, read: { bytes: Buffer } | { unreadable: string }, command: PlanCommand = 'okta'): ReadPlan {
  const make = `\`npx scim-setup ${command} --dry-run --out <file>\``;
  if ('unreadable' in read) throw new InputError(`--plan ${path}: not a saved plan: ${read.unreadable}.`, `Pass a file written by ${make}.`);
  const { bytes } = read;
  let data: SavedPlan;
  try {
    // Checked below, field by field, before anything reads it as a plan.
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    // The parser's message quotes the file; a wrong file may be a secret, so none of it is shown.
    throw new InputError(`--plan ${path}: not a saved plan: it is not JSON.`, `Pass a file written by ${make}.`);
  }
  if (data?.kind !== 'scim-setup-plan' || !Array.isArray(data.actions))
    throw new InputError(`--plan ${path}: not a scim-setup plan.`, `Pass a file written by ${make}.`);
  const broken = planShapeProblem(data);
  if (broken) throw new InputError(`--plan ${path}: the plan is damaged (${broken}); was it edited by hand?`, `Make the plan again with ${make}.`);
  if (data.formatVersion !== PLAN_FORMAT_VERSION)
    throw new InputError(
      `--plan ${path}: plan format ${data.formatVersion} is not supported by this version (${PLAN_FORMAT_VERSION}).`,
      'Make the plan again with this version of scim-setup.',
    );
  const planned = data.command ?? 'okta';
  if (planned !== command)
    throw new InputError(
      `--plan ${path}: this is a plan of \`npx scim-setup ${planned}\`, not of \`npx scim-setup ${command}\`.`,
      `Apply it with \`npx scim-setup ${planned} --plan ${path}\`, or make one with ${make}.`,
    );
  return { plan: data, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Where a run sends its credentials: the Okta org and the Cloudflare SCIM base (API base and account). */
export interface PlanTargets {
  orgUrl: string;
  accountId: string;
  scimBaseUrl: string;
}

/**
 * Pure: where the saved plan was made for, against where this run's own inputs (flags, env, config,
 * defaults) connect. A plan never chooses a destination: any difference refuses it.
 */
export function targetMismatches(saved: SavedPlan, given: PlanTargets): string[] {
  const out: string[] = [];
  if (saved.orgUrl !== given.orgUrl) out.push(`Okta org: the plan names ${saved.orgUrl}; this run connects to ${given.orgUrl}`);
  if (saved.accountId !== given.accountId || saved.desired.accountId !== given.accountId)
    out.push(`Cloudflare account: the plan names ${saved.accountId}; this run's is ${given.accountId}`);
  if (saved.desired.scimBaseUrl !== given.scimBaseUrl)
    out.push(`Cloudflare SCIM base: the plan names ${saved.desired.scimBaseUrl}; this run connects to ${given.scimBaseUrl}`);
  return out;
}

const ACTION_KINDS = new Set(['create', 'update', 'delete', 'manual', 'noop']);

/** Pure: the first thing wrong with a plan's shape, or undefined; a hand-edited plan is refused, not crashed on. */
export function planShapeProblem(data: SavedPlan): string | undefined {
  const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
  const isTextList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!isText(data.orgUrl) || !isText(data.accountId)) return 'orgUrl or accountId is missing';
  const d: Partial<Desired> | undefined = data.desired;
  if (!d || typeof d !== 'object') return '"desired" is missing';
  for (const key of ['appLabel', 'accountId', 'scimBaseUrl', 'scimTokenFingerprint'] as const) if (!isText(d[key])) return `desired.${key} is missing`;
  for (const key of ['assignGroups', 'pushGroups', 'assignUsers'] as const) if (!isTextList(d[key])) return `desired.${key} is not a list of names`;
  if (!d.groupRoles || typeof d.groupRoles !== 'object' || !Object.values(d.groupRoles).every(isTextList))
    return 'desired.groupRoles is not a map of role lists';
  if (
    data.options !== undefined &&
    (typeof data.options !== 'object' || !Object.values(data.options).every((v) => typeof v === 'boolean' || typeof v === 'string'))
  )
    return '"options" is not a map of flags';
  const badAction = data.actions.findIndex((a) => !a || typeof a !== 'object' || !isText(a.id) || !ACTION_KINDS.has(a.kind) || !isText(a.resource));
  if (badAction >= 0) return `action ${badAction + 1} is not an action`;
  return undefined;
}

/** The inputs a saved plan carries, for the run that applies it. */
export function savedInputs(saved: SavedPlan, path: string): SavedInputs {
  const d = saved.desired;
  return {
    path,
    orgUrl: saved.orgUrl,
    accountId: saved.accountId,
    scimBaseUrl: d.scimBaseUrl,
    appLabel: d.appLabel,
    assignGroups: d.assignGroups,
    pushGroups: d.pushGroups,
    groupRoles: d.groupRoles,
    assignUsers: d.assignUsers,
  };
}

/** Where an input comes from when it differs: the saved plan fills in all that the run is not given. */
const INPUT_SOURCES: Partial<Record<keyof Desired, string>> = {
  appLabel: '--app-label',
  accountId: '--account-id or CLOUDFLARE_ACCOUNT_ID',
  scimBaseUrl: '--api-base-url or CLOUDFLARE_API_BASE_URL',
  scimTokenFingerprint: 'the SCIM token (CLOUDFLARE_SCIM_TOKEN or --scim-token-file)',
  assignGroups: '--assign-group',
  pushGroups: '--push-group',
  groupRoles: '--role',
  assignUsers: '--assign-user',
};

/** Pure: inputs given to this run that contradict the saved plan (a flag, or where to connect). */
export function inputContradictions(saved: SavedPlan, given: { desired: Desired; options?: PlanOptions }): string[] {
  const diffs: string[] = [];
  for (const [key, value] of Object.entries(given.options ?? {}))
    if (saved.options?.[key] !== undefined && saved.options[key] !== value)
      diffs.push(`${key}: plan ${JSON.stringify(saved.options[key])}, given ${JSON.stringify(value)} (${flagOf(key)})`);
  // Where to connect (the org, the SCIM base) is checked first and apart, by targetMismatches.
  for (const key of Object.keys(saved.desired) as Array<keyof Desired>) {
    if (key === 'scimBaseUrl') continue;
    if (JSON.stringify(saved.desired[key]) !== JSON.stringify(given.desired[key]))
      diffs.push(
        `${key}: plan ${JSON.stringify(saved.desired[key])}, given ${JSON.stringify(given.desired[key])} (${sourceOf(key, saved.desired, given.desired)})`,
      );
  }
  return diffs;
}

/** The flag behind a difference; a pushed group is assigned too, so an assigned group may come from --push-group alone. */
function sourceOf(key: keyof Desired, saved: Desired, given: Desired): string {
  if (key !== 'assignGroups') return INPUT_SOURCES[key] ?? key;
  const differing = [
    ...saved.assignGroups.filter((g) => !given.assignGroups.includes(g)),
    ...given.assignGroups.filter((g) => !saved.assignGroups.includes(g)),
  ];
  const pushed = new Set([...saved.pushGroups, ...given.pushGroups]);
  const implied = differing.filter((g) => pushed.has(g));
  if (implied.length === 0) return '--assign-group';
  return `${implied.length === differing.length ? '' : '--assign-group, and '}implied by --push-group: a pushed group is assigned too`;
}

/** deleteCloudflareGroups → --delete-cloudflare-groups. */
/** An operation as a reviewer would compare it: what it makes, adopts or revokes. */
function operationWords(a: Action): string {
  const op = a.operation;
  if (!op) return 'no operation';
  if (isMakeScimToken(op))
    return `${op.adopt ? `adopt ${op.adopt}` : `make "${op.name}"`} (permission group ${op.permissionGroupId})${op.revoke.length ? `, revoke ${op.revoke.join(', ')}` : ''}`;
  if (isRevokeScimTokens(op)) return `revoke ${op.ids.join(', ') || 'nothing'}`;
  return JSON.stringify(op);
}

function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * What applying a saved plan has done so far, kept beside it (`<plan>.progress`): the plan's digest,
 * the app it made, and the actions it finished. A re-run of the same plan after a stop (a guided step
 * waiting, an interruption) carries on from there: the plan's own work is not a changed world.
 */
export interface PlanProgress {
  planSha256: string;
  appId?: string;
  /** The actions it did, or asked a person to do (a guided step it showed). */
  done: string[];
}

/** Pure: a progress record as read back, or undefined when it is not one (or not this plan's). */
export function parseProgress(text: string, planSha256: string): PlanProgress | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data)) return undefined;
  const { planSha256: sha, appId, done } = data;
  if (sha !== planSha256 || !Array.isArray(done) || !done.every((d) => typeof d === 'string')) return undefined;
  return { planSha256, ...(typeof appId === 'string' && /^[A-Za-z0-9]{1,64}$/.test(appId) ? { appId } : {}), done };
}

/**
 * Pure: what changed in Okta or Cloudflare since the plan was made, in the ways that change its
 * actions; empty means apply it. An action is what it sends and what it operates on: a reviewed
 * "revoke token A" never becomes "revoke token B" (the ids it revokes or adopts, the permission
 * group, the name), and a plan for one account is never applied to another. What the plan itself
 * did (`progress`: the app it made, the actions it finished) is not a change: the rest is applied.
 */
export function planDifferences(saved: SavedPlan, fresh: SavedPlan, progress?: PlanProgress): string[] {
  const diffs: string[] = [];
  if (saved.accountId !== fresh.accountId) diffs.push(`Cloudflare account: plan ${saved.accountId}, now ${fresh.accountId}`);
  // The app the plan made stands where the plan wrote `{appId}`.
  const madeIt = saved.appId === null && progress?.appId !== undefined && progress.appId === fresh.appId;
  const actions: Action[] = madeIt ? JSON.parse(JSON.stringify(saved.actions).replaceAll('{appId}', progress.appId ?? '')) : saved.actions;
  if (saved.appId !== fresh.appId && !madeIt) diffs.push(`Okta app: plan ${saved.appId ?? '(none yet)'}, now ${fresh.appId ?? '(none)'}`);
  const done = new Set(progress?.done ?? []);
  const byId = new Map(fresh.actions.map((a) => [a.id, a]));
  for (const a of actions) {
    const now = byId.get(a.id);
    byId.delete(a.id);
    // Finished by this plan: now nothing to do, or (a manual step, a guided one) still what it was.
    if (done.has(a.id) && (!now || now.kind === 'noop')) continue;
    if (!now) diffs.push(`action ${a.id}: in the plan, not needed now`);
    else if (now.kind !== a.kind || JSON.stringify([now.request, now.followUps]) !== JSON.stringify([a.request, a.followUps]))
      diffs.push(`action ${a.id}: plan ${a.kind}, now ${now.kind}${now.detail ? ` (${now.detail})` : ''}`);
    else if (JSON.stringify(now.operation ?? null) !== JSON.stringify(a.operation ?? null))
      diffs.push(`action ${a.id}: plan ${operationWords(a)}, now ${operationWords(now)}`);
  }
  // Once the plan made its app, actions that read it appear with nothing to do (its visibility as wanted): not a change.
  for (const [id, now] of byId) if (!(madeIt && now.kind === 'noop')) diffs.push(`action ${id}: needed now, not in the plan`);
  return diffs;
}

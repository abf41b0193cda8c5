import { APP_TEMPLATE } from '../plan/app-template.js';
import { InputError } from '../lib/errors.js';
import { filterString } from '../lib/filter-string.js';
import { nearMatches } from '../lib/near-matches.js';
import { fromWire } from '../lib/terminal-text.js';
import type { Desired, ObservedApp } from '../plan/types.js';
import type { Observed } from '../plan/observed.js';
import { readAppAssignments, type AppAssignments } from './app-assignments.js';
import type { OktaClient } from './client.js';
import { readOkta, type OktaApp } from './reads.js';
import { appLabelHint, type Inputs } from '../lib/inputs.js';

/** Names per search request: long enough to keep requests few, short enough for any URL limit. */
const NAMES_PER_SEARCH = 40;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toObservedApp(raw: OktaApp): ObservedApp {
  const v = raw.visibility ?? {};
  return {
    id: raw.id,
    label: raw.label,
    status: raw.status,
    created: raw.created,
    visibility: {
      autoLaunch: v.autoLaunch === true,
      autoSubmitToolbar: v.autoSubmitToolbar === true,
      hide: { iOS: v.hide?.iOS === true, web: v.hide?.web === true },
    },
    features: raw.features ?? [],
  };
}

/** The scim2testapp instances labelled as wanted, oldest first. */
export async function findApps(okta: OktaClient, label: string): Promise<OktaApp[]> {
  return appsLabelled(await scimApps(okta), label);
}

/** The apps with this label, and the labels of the org's other scim2testapp apps: one listing for both. */
export async function findAppsAndOthers(okta: OktaClient, label: string): Promise<{ labelled: OktaApp[]; otherLabels: string[] }> {
  const apps = await scimApps(okta);
  return { labelled: appsLabelled(apps, label), otherLabels: [...new Set(apps.filter((a) => a.label !== label).map((a) => a.label))] };
}

/**
 * Pure: what to say of an app label no scim2testapp app has, when others exist: their labels,
 * nearest first, and the likely one.
 */
export function otherLabelsHint(label: string, others: string[]): { listed: string; nearest?: string } | undefined {
  if (others.length === 0) return undefined;
  const [nearest] = nearMatches(label, others, 1);
  const listed = others
    .slice(0, 10)
    .map((l) => `"${fromWire(l, 80)}"`)
    .join(', ');
  return { listed, ...(nearest ? { nearest: fromWire(nearest, 80) } : {}) };
}

/** Every scim2testapp app of the org, in one listing. */
function scimApps(okta: OktaClient): Promise<OktaApp[]> {
  return readOkta.apps(okta, { filter: `name eq "${APP_TEMPLATE.name}"`, limit: 200 });
}

/** Pure: the apps with this label, oldest first (the one scim-setup uses). */
function appsLabelled(apps: OktaApp[], label: string): OktaApp[] {
  return apps.filter((a) => a.label === label).sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

/** The app a command acts on, from one listing; none is an input error naming the labels that exist. */
export async function requireApp(okta: OktaClient, inputs: Pick<Inputs, 'appLabel' | 'orgUrl' | 'appLabelIn'>): Promise<OktaApp> {
  const apps = await scimApps(okta);
  const [app] = appsLabelled(apps, inputs.appLabel);
  if (!app) throw appNotFound(apps, inputs);
  return app;
}

/**
 * The error for an app label that names no scim2testapp app: it lists the labels the org's apps of
 * this kind have, nearest first, so that a slip (`cloudflare scim`) is one flag away.
 */
function appNotFound(apps: OktaApp[], { appLabel: label, orgUrl, appLabelIn }: Pick<Inputs, 'appLabel' | 'orgUrl' | 'appLabelIn'>): InputError {
  const hint = otherLabelsHint(label, [...new Set(apps.map((a) => a.label))]);
  return new InputError(
    `No Okta app "${label}" (scim2testapp) exists in ${orgUrl}${hint ? `; its scim2testapp apps are labelled ${hint.listed}` : ''}.`,
    hint?.nearest
      ? `Did you mean ${appLabelHint(hint.nearest, appLabelIn)}? Otherwise run \`npx scim-setup okta\` first.`
      : appLabelIn
        ? `Run \`npx scim-setup okta\` first, or give the app's label: ${appLabelHint('<label>', appLabelIn)}.`
        : 'Run `npx scim-setup okta` first, or pass the --app-label of the app.',
  );
}

/** Resolves group names exactly, in as few search requests as the names allow; unknown names are an input error. */
export async function resolveGroups(okta: OktaClient, names: string[]): Promise<Record<string, { id: string; name: string; members?: number }>> {
  const found: Record<string, { id: string; name: string; members?: number }> = {};
  // The searches at once (the request policy paces them); their answers taken in the names' order.
  const answers = await Promise.all(
    chunks(names, NAMES_PER_SEARCH).map((chunk) => {
      const search = chunk.map((n) => `profile.name eq ${filterString(n)}`).join(' or ');
      // expand=stats brings each group's member count in the same request: empty groups are warned of.
      return readOkta.groups(okta, { search, limit: 10000, expand: 'stats' });
    }),
  );
  for (const groups of answers) {
    for (const g of groups) {
      // A pushed group has an APP_GROUP twin of the same name in Okta; the source is the user group.
      if (g.type === 'APP_GROUP') continue;
      if (found[g.profile.name] && found[g.profile.name].id !== g.id) {
        throw new InputError(
          `Two Okta groups are named "${g.profile.name}" (${found[g.profile.name].id}, ${g.id}).`,
          'Rename one of them in Okta so that the name is unique.',
        );
      }
      found[g.profile.name] = { id: g.id, name: g.profile.name, members: g._embedded?.stats?.usersCount };
    }
  }
  const missing = names.filter((n) => !found[n]);
  if (missing.length > 0) throw await unknownNames(okta, missing, 'group');
  return found;
}

export async function resolveUsers(okta: OktaClient, logins: string[]): Promise<Record<string, { id: string; login: string }>> {
  const found: Record<string, { id: string; login: string }> = {};
  for (const chunk of chunks(logins, NAMES_PER_SEARCH)) {
    const search = chunk.map((l) => `profile.login eq ${filterString(l)}`).join(' or ');
    for (const u of await readOkta.users(okta, { search, limit: 200 })) found[u.profile.login] = { id: u.id, login: u.profile.login };
  }
  const missing = logins.filter((l) => !found[l]);
  if (missing.length > 0) throw await unknownNames(okta, missing, 'user');
  return found;
}

/** Unknown names listed in a message, and looked up for "did you mean": enough to fix a typo, bounded for a wrong list of thousands. */
const LISTED_UNKNOWN = 20;
const SUGGESTED_UNKNOWN = 10;

/** Only on the error path: one prefix query per unknown name (the first few), for "did you mean". */
async function unknownNames(okta: OktaClient, names: string[], kind: 'group' | 'user'): Promise<InputError> {
  const lines: string[] = [];
  for (const [i, name] of names.slice(0, LISTED_UNKNOWN).entries()) {
    if (i >= SUGGESTED_UNKNOWN) {
      lines.push(`  - "${name}"`);
      continue;
    }
    const prefix = name.slice(0, 2);
    const candidates =
      kind === 'group'
        ? (await readOkta.groupsStartingWith(okta, prefix, 100)).filter((g) => g.type !== 'APP_GROUP').map((g) => g.profile.name)
        : (await readOkta.usersStartingWith(okta, prefix, 10)).map((u) => u.profile.login);
    const near = nearMatches(name, candidates);
    lines.push(`  - "${name}"${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(', ')}?` : '; no similar name found.'}`);
  }
  if (names.length > LISTED_UNKNOWN) lines.push(`  … and ${names.length - LISTED_UNKNOWN} more`);
  return new InputError(
    `Unknown Okta ${kind}${names.length > 1 ? `s (${names.length})` : ''}:\n${lines.join('\n')}`,
    'Group names and user logins are matched exactly; fix them in your flags or config file. Nothing was changed.',
  );
}

/** Every input error of settled reads at once (an unknown group does not hide an unknown user); any other error as it is. */
function throwRejections(settled: ReadonlyArray<PromiseSettledResult<unknown>>): void {
  // One failure may reach several reads (the app listing's reaches its assignments): said once.
  const failures = [...new Set(settled.flatMap((r): unknown[] => (r.status === 'rejected' ? [r.reason] : [])))];
  const other = failures.find((e) => !(e instanceof InputError));
  if (other) throw other;
  const errors = failures.filter((e): e is InputError => e instanceof InputError);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new InputError(errors.map((e) => e.message).join('\n'), [...new Set(errors.map((e) => e.fix).filter(Boolean))].join(' '));
}

/** A settled read's value (its error once `throwRejections` has let it through). */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** `observe`'s reads under way: each part as soon as it is known, for reads that need only that part. */
export interface Observing {
  /** The app scim-setup uses (the oldest labelled as wanted), once the org's apps are listed. */
  app: Promise<OktaApp | undefined>;
  /** Its assignments, asked for as soon as the app is known (not after the groups and users resolve). */
  assignments: Promise<AppAssignments | undefined>;
  /** Everything the planner needs, read once; with the app's assignments as read, for drift. */
  whole: Promise<{ observed: Observed; assignments?: AppAssignments }>;
}

export function observe(okta: OktaClient, desired: Desired): Observing {
  const listing = findAppsAndOthers(okta, desired.appLabel);
  const app = listing.then(({ labelled }) => labelled[0]);
  const assignments = app.then((first) => (first ? readAppAssignments(okta, first.id) : undefined));
  const whole = Promise.allSettled([
    listing,
    resolveGroups(okta, desired.assignGroups),
    desired.assignUsers.length ? resolveUsers(okta, desired.assignUsers) : Promise.resolve<Record<string, { id: string; login: string }>>({}),
    assignments,
  ]).then((settled) => {
    throwRejections(settled);
    return observedFrom(settledValue(settled[0]), settledValue(settled[1]), settledValue(settled[2]), settledValue(settled[3]));
  });
  // `whole` settles every part, so a caller that reads only `whole` leaves no rejection unheard.
  app.catch(() => undefined);
  return { app, assignments, whole };
}

/** Pure: what the planner is given, from the reads' answers. */
function observedFrom(
  { labelled: apps, otherLabels }: { labelled: OktaApp[]; otherLabels: string[] },
  groups: Observed['groups'],
  users: Observed['users'],
  assignments: AppAssignments | undefined,
): { observed: Observed; assignments?: AppAssignments } {
  const [first, ...duplicates] = apps;
  const observed: Observed = {
    app: first ? toObservedApp(first) : undefined,
    duplicateApps: duplicates.map((d) => ({ id: d.id, label: d.label, created: d.created })),
    otherAppLabels: otherLabels,
    groups,
    users,
    assignedGroupIds: [],
    assignedUserIds: [],
    mappings: [],
  };
  if (!assignments) return { observed };
  observed.assignedGroupIds = assignments.groups.map((g) => g.id);
  observed.assignedGroupNames = Object.fromEntries(assignments.groups.map((g) => [g.id, g._embedded?.group?.profile?.name ?? g.id]));
  // A user assigned through a group only still needs its direct assignment.
  observed.assignedUserIds = assignments.users.filter((u) => u.scope === 'USER').map((u) => u.id);
  observed.mappings = assignments.mappings.map((m) => ({ id: m.id, sourceGroupId: m.sourceGroupId, status: m.status, errorSummary: m.errorSummary }));
  return { observed, assignments };
}

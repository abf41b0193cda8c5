import { createPrivateKey } from 'node:crypto';
import { DEFAULT_APP_LABEL } from './app-label.js';
import { isIP } from 'node:net';
import type { ConfigFile } from './config-file.js';
import { durationMs } from './duration.js';
import { InputError, type InputProblem } from './errors.js';
import type { Interactivity } from './tty.js';
import {
  InvalidValue,
  isLoopbackHost,
  validateAccountId,
  validateApiBaseUrl,
  validateLabel,
  validateNames,
  validateOrgUrl,
  validatePushGroups,
  validateToken,
} from './validate.js';

export const DEFAULT_API_BASE_URL = 'https://api.cloudflare.com/client/v4';
export const DEFAULT_SCIM_TOKEN_TTL_DAYS = 90;
/** How long Cloudflare's listings may trail its writes before a difference can be drift (docs/drift.md). */
export const DEFAULT_SETTLE = '10s';
export const DEFAULT_OKTA_SCOPES = ['okta.apps.read', 'okta.apps.manage', 'okta.groups.read', 'okta.groups.manage', 'okta.users.read', 'okta.logs.read'];

export type OktaAuth = { kind: 'ssws'; token: string } | { kind: 'privateKey'; clientId: string; privateKey: string; keyId?: string; scopes: string[] };

/** The one validated input model shared by `okta` and `verify`. */
export interface Inputs {
  orgUrl: string;
  oktaAuth: OktaAuth;
  accountId: string;
  /** Absent where the command may go without one: scim-setup makes it (okta), or reads with CLOUDFLARE_API_TOKEN (verify, destroy). */
  scimToken?: string;
  /** Set when scim-setup is to make the SCIM token (none given, and CLOUDFLARE_API_TOKEN may make one). */
  tokenCreation?: TokenCreation;
  cloudflareApiToken?: string;
  /** The env vars the Cloudflare tokens came from, where one did (errors name the variable to fix). */
  tokenEnv: { scim?: string; read?: string };
  apiBaseUrl: string;
  scimBaseUrl: string;
  appLabel: string;
  assignGroups: string[];
  pushGroups: string[];
  /** Cloudflare roles (permission group names) for pushed groups, by group name. */
  groupRoles: Record<string, string[]>;
  assignUsers: string[];
  waitMs: number;
  /** Cap on waiting out one 429 (Retry-After, X-Rate-Limit-Reset). */
  maxWaitMs: number;
  requestTimeoutMs: number;
  /** --settle: a difference younger than this, between Okta's "done" and Cloudflare's reading, is pending, never drift. */
  settleMs: number;
  /** --okta-rate-share: the fraction of each Okta rate-limit bucket the run may fill, others' use included (0 < share ≤ 1). */
  oktaRateShare: number;
  warnings: string[];
  /** A fleet account's: where its app label is given (hints name that, not --app-label). */
  appLabelIn?: AppLabelPlace;
}

/** How a token scim-setup makes is made: its life and, when asked, where it may be used from. */
export interface TokenCreation {
  /** Days from its making to its expiry; null: it never expires. */
  ttlDays: number | null;
  /** Client IP ranges (CIDR); empty: any address. */
  allowCidrs: string[];
}

/**
 * Whether the command needs a SCIM token given: `required` (migrate, a rotation to a token made by
 * hand); `create` (okta: without one, it makes one with CLOUDFLARE_API_TOKEN); `read` (verify,
 * destroy: without one, CLOUDFLARE_API_TOKEN reads SCIM, as the spec allows Account Settings tokens).
 */
export type ScimTokenNeed = 'required' | 'create' | 'read';

/** A secret read at the edge (file or stdin), with where it came from. */
export interface SecretValue {
  value: string;
  source: string;
  /** Said once the value is used: a file others may read. */
  warning?: string;
}

export type SecretName = 'oktaToken' | 'scimToken' | 'cloudflareApiToken' | 'oktaPrivateKey';

/**
 * The flags the inputs are read from, typed. A session fills every key from the
 * command's options (`commands/session.ts` `inputFlagsOf`, typed by `DeclaredFlags`), so that a
 * flag renamed in its declaration, or a key added here, is a compile error there.
 */
export interface InputFlags {
  orgUrl?: string;
  accountId?: string;
  apiBaseUrl?: string;
  oktaClientId?: string;
  oktaKeyId?: string;
  appLabel?: string;
  assignGroup?: string[];
  pushGroup?: string[];
  role?: string[];
  assignUser?: string[];
  scimTokenTtl?: string;
  scimTokenAllowCidr?: string[];
  wait?: string;
  maxWait?: string;
  requestTimeout?: string;
  settle?: string;
  oktaRateShare?: string;
}

/** Every input flag, each named whether or not this command declares it (undefined where it does not). */
export type DeclaredFlags<T> = { [K in keyof Required<T>]: T[K] | undefined };

export interface RawInputs {
  flags: InputFlags;
  env: NodeJS.ProcessEnv;
  config?: { path: string; data: ConfigFile };
  secretFiles: Partial<Record<SecretName, SecretValue>>;
  defaultWait: string;
  /** A saved plan (--plan): its inputs are applied as saved; only flags (and, for where to connect, env vars) override them. */
  saved?: SavedInputs;
  scimTokenNeed?: ScimTokenNeed;
  /** How to give this run a SCIM token, where not the usual flag and env var (a fleet account: its entry in the config). */
  scimTokenHow?: string;
  /** A fleet account's place in its config: where its app label is given, rather than --app-label. */
  appLabelIn?: AppLabelPlace;
  /** okta: a person at a terminal who names nothing to provision is asked what to. */
  asksWhatToProvision?: boolean;
}

/** Where a fleet account's app label is written: its entry in the config file. */
export interface AppLabelPlace {
  config: string;
  account: string;
}

/** Pure: how to name another app label in this run: --app-label, or a fleet account's "appLabel" entry. */
export function appLabelHint(label: string, place: AppLabelPlace | undefined): string {
  return place ? `"appLabel": "${label}" on account "${place.account}" in ${place.config}` : `--app-label "${label}"`;
}

/** The non-secret inputs a saved plan carries, and the plan's path. */
export type SavedInputs = Pick<Inputs, 'orgUrl' | 'accountId' | 'scimBaseUrl' | 'appLabel' | 'assignGroups' | 'pushGroups' | 'groupRoles' | 'assignUsers'> & {
  path: string;
};

interface Candidate {
  value: string | string[] | undefined;
  source: string;
}

/** Where each input may come from, in precedence order: flag > env > config file > default. */
function candidates(raw: RawInputs) {
  const { flags, env, secretFiles } = raw;
  const file = raw.config?.data;
  const cfg = (key: string) => `config file ${raw.config?.path} (${key})`;
  const list = (v: string[] | undefined) => (v && v.length > 0 ? v : undefined);
  const saved = raw.saved;
  // A plan applies as saved: its inputs come before env and config. Where credentials go (the Okta
  // org, the Cloudflare API base and account) is never the plan's to say: a plan is a file made to be
  // shared and edited in review, so those come from flags, env, config or defaults, and the plan must agree.
  const plan = (value: string | string[] | undefined): Candidate[] => (saved ? [{ value, source: `saved plan ${saved.path}` }] : []);
  // Pushed groups are assigned too: the plan's assigned list less those, as --assign-group would give them.
  const savedAssigned = saved?.assignGroups.filter((g) => !saved.pushGroups.includes(g));
  const secret = (name: SecretName, envName: string): Candidate[] => [
    { value: secretFiles[name]?.value, source: secretFiles[name]?.source ?? '' },
    { value: env[envName], source: `env ${envName}` },
  ];
  return {
    orgUrl: [
      { value: flags.orgUrl, source: '--org-url' },
      { value: env.OKTA_ORG_URL, source: 'env OKTA_ORG_URL' },
      { value: file?.okta?.orgUrl, source: cfg('okta.orgUrl') },
    ],
    oktaToken: secret('oktaToken', 'OKTA_API_TOKEN'),
    oktaClientId: [
      { value: flags.oktaClientId, source: '--okta-client-id' },
      { value: env.OKTA_CLIENT_ID, source: 'env OKTA_CLIENT_ID' },
      { value: file?.okta?.clientId, source: cfg('okta.clientId') },
    ],
    oktaPrivateKey: secret('oktaPrivateKey', 'OKTA_PRIVATE_KEY'),
    oktaKeyId: [
      { value: flags.oktaKeyId, source: '--okta-key-id' },
      { value: env.OKTA_KEY_ID, source: 'env OKTA_KEY_ID' },
      { value: file?.okta?.keyId, source: cfg('okta.keyId') },
    ],
    oktaScopes: [
      { value: env.OKTA_SCOPES, source: 'env OKTA_SCOPES' },
      { value: file?.okta?.scopes, source: cfg('okta.scopes') },
    ],
    accountId: [
      { value: flags.accountId, source: '--account-id' },
      { value: env.CLOUDFLARE_ACCOUNT_ID, source: 'env CLOUDFLARE_ACCOUNT_ID' },
      { value: file?.cloudflare?.accountId, source: cfg('cloudflare.accountId') },
    ],
    scimToken: secret('scimToken', 'CLOUDFLARE_SCIM_TOKEN'),
    scimTokenTtl: [
      { value: flags.scimTokenTtl, source: '--scim-token-ttl' },
      { value: `${DEFAULT_SCIM_TOKEN_TTL_DAYS}d`, source: 'default' },
    ],
    scimTokenAllowCidr: [{ value: list(flags.scimTokenAllowCidr), source: '--scim-token-allow-cidr' }],
    cloudflareApiToken: secret('cloudflareApiToken', 'CLOUDFLARE_API_TOKEN'),
    apiBaseUrl: [
      { value: flags.apiBaseUrl, source: '--api-base-url' },
      { value: env.CLOUDFLARE_API_BASE_URL, source: 'env CLOUDFLARE_API_BASE_URL' },
      { value: file?.cloudflare?.apiBaseUrl, source: cfg('cloudflare.apiBaseUrl') },
      { value: DEFAULT_API_BASE_URL, source: 'default' },
    ],
    appLabel: [
      { value: flags.appLabel, source: '--app-label' },
      ...plan(saved?.appLabel),
      { value: file?.okta?.appLabel, source: cfg('okta.appLabel') },
      { value: DEFAULT_APP_LABEL, source: 'default' },
    ],
    assignGroups: [
      { value: list(flags.assignGroup), source: '--assign-group' },
      ...plan(savedAssigned),
      { value: file?.assignGroups, source: cfg('assignGroups') },
    ],
    pushGroups: [
      { value: list(flags.pushGroup), source: '--push-group' },
      ...plan(saved?.pushGroups),
      { value: file?.pushGroups?.map((g) => (typeof g === 'string' ? g : g.name)), source: cfg('pushGroups') },
    ],
    groupRoles: [
      { value: list(flags.role), source: '--role' },
      ...plan(saved && Object.entries(saved.groupRoles).flatMap(([group, roles]) => roles.map((role) => `${group}=${role}`))),
      {
        value: file?.pushGroups?.flatMap((g) => (typeof g === 'string' ? [] : (g.roles ?? []).map((r) => `${g.name}=${r}`))),
        source: cfg('pushGroups[].roles'),
      },
    ],
    assignUsers: [
      { value: list(flags.assignUser), source: '--assign-user' },
      ...plan(saved?.assignUsers),
      { value: file?.assignUsers, source: cfg('assignUsers') },
    ],
    maxWait: [
      { value: flags.maxWait, source: '--max-wait' },
      { value: '60s', source: 'default' },
    ],
    requestTimeout: [
      { value: flags.requestTimeout, source: '--request-timeout' },
      { value: '30s', source: 'default' },
    ],
    settle: [
      { value: flags.settle, source: '--settle' },
      { value: DEFAULT_SETTLE, source: 'default' },
    ],
    oktaRateShare: [
      { value: flags.oktaRateShare, source: '--okta-rate-share' },
      { value: env.SCIM_SETUP_OKTA_RATE_SHARE, source: 'env SCIM_SETUP_OKTA_RATE_SHARE' },
      { value: file?.okta?.rateShare, source: cfg('okta.rateShare') },
      { value: DEFAULT_OKTA_RATE_SHARE, source: 'default' },
    ],
    wait: [
      { value: flags.wait, source: '--wait' },
      { value: file?.wait, source: cfg('wait') },
      { value: raw.defaultWait, source: 'default' },
    ],
  } satisfies Record<string, Candidate[]>;
}

function pick(list: Candidate[]): Candidate | undefined {
  return list.find((c) => c.value !== undefined && c.value !== '');
}

/** A required input that is missing, with how to give it. */
export interface MissingInput {
  label: string;
  how: string;
  secret: boolean;
  key: 'orgUrl' | 'oktaToken' | 'accountId' | 'scimToken' | 'apiBaseUrl' | 'pushGroups' | 'assignGroups';
  /** Asked again after an invalid answer. */
  retry?: boolean;
  /** Where to find the value, said before it is asked for. */
  hint: string;
  /** The env var that gives it without asking. */
  env: string;
}

const REQUIRED: MissingInput[] = [
  {
    key: 'orgUrl',
    label: 'Okta org URL',
    how: 'set OKTA_ORG_URL or pass --org-url',
    secret: false,
    env: 'OKTA_ORG_URL',
    hint: "Your Okta org's address, e.g. https://acme.okta.com (the one you sign in at, without -admin).",
  },
  {
    key: 'oktaToken',
    label: 'Okta API token',
    how: 'set OKTA_API_TOKEN (or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY for a service app), or pass --okta-token-file',
    secret: true,
    env: 'OKTA_API_TOKEN',
    hint: 'An Okta API token of an admin who may manage apps and groups (Admin Console: Security → API → Tokens → Create Token). Typing is hidden.',
  },
  {
    key: 'accountId',
    label: 'Cloudflare account ID',
    how: 'set CLOUDFLARE_ACCOUNT_ID or pass --account-id',
    secret: false,
    env: 'CLOUDFLARE_ACCOUNT_ID',
    hint: 'The 32 hex characters of your Cloudflare account (dashboard: Account Home → the account → Account ID, or the URL after dash.cloudflare.com/).',
  },
  {
    key: 'scimToken',
    label: 'Cloudflare SCIM token',
    how: 'set CLOUDFLARE_SCIM_TOKEN or pass --scim-token-file',
    secret: true,
    env: 'CLOUDFLARE_SCIM_TOKEN',
    hint: 'A Cloudflare account API token with "SCIM Provisioning: Edit" (dashboard: Manage Account → Account API Tokens → Create Token). Typing is hidden.',
  },
];

/**
 * Variables people set for these inputs under other tools' names (the Okta SDK's, wrangler's, a
 * guess): named, never echoed, when the input is missing. A guess that is a secret stays unread.
 */
const NEAR_MISSES: Partial<Record<MissingInput['key'], string[]>> = {
  orgUrl: ['OKTA_CLIENT_ORGURL', 'OKTA_DOMAIN', 'OKTA_ORG', 'OKTA_URL', 'OKTA_BASE_URL'],
  oktaToken: ['OKTA_CLIENT_TOKEN', 'OKTA_TOKEN', 'OKTA_API_KEY', 'OKTA_SSWS_TOKEN'],
  accountId: ['CF_ACCOUNT_ID', 'CLOUDFLARE_ACCOUNT', 'CF_ACCOUNT'],
  scimToken: ['CF_SCIM_TOKEN', 'CLOUDFLARE_SCIM_API_TOKEN', 'SCIM_TOKEN'],
};

/** Pure: " (FOO is set: scim-setup reads BAR)" for a missing input whose near-miss name is set. */
export function nearMissNote(key: MissingInput['key'], env: NodeJS.ProcessEnv): string {
  const set = (NEAR_MISSES[key] ?? []).filter((name) => env[name]);
  const wanted = REQUIRED.find((m) => m.key === key)?.env;
  return set.length && wanted ? ` (${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set: scim-setup reads ${wanted})` : '';
}

/**
 * Pure: the optional API token under another tool's name, said rather than silently skipped:
 * wrangler's CLOUDFLARE_API_KEY is the Global API Key, which scim-setup never uses.
 */
export function optionalNearMisses(env: NodeJS.ProcessEnv, apiTokenGiven: boolean): string[] {
  if (apiTokenGiven) return [];
  const notes: string[] = [];
  if (env.CLOUDFLARE_API_KEY)
    notes.push(
      'CLOUDFLARE_API_KEY is set: that is the Global API Key (wrangler reads it), which scim-setup never uses. For verification and for making the SCIM token, set CLOUDFLARE_API_TOKEN to an API token ("Account Settings: Read", and "Account API Tokens: Edit" to make tokens).',
    );
  const other = ['CF_API_TOKEN', 'CLOUDFLARE_TOKEN'].filter((name) => env[name]);
  if (other.length) notes.push(`${other.join(' and ')} ${other.length > 1 ? 'are' : 'is'} set: scim-setup reads CLOUDFLARE_API_TOKEN.`);
  return notes;
}

/** Asks for one input; `tell` says why the last answer was refused. */
export type Prompter = ((input: MissingInput) => Promise<string>) & { tell?: (line: string) => void | Promise<void> };

/**
 * Resolves and validates every input before any request is made. Missing inputs are prompted
 * for only when interactive; otherwise the error names each one, how to give it, and why the
 * run is non-interactive.
 */
export async function resolveInputs(raw: RawInputs, interactivity: Interactivity, prompt?: Prompter): Promise<Inputs> {
  const c = candidates(raw);
  const usesServiceApp = !pick(c.oktaToken) && pick(c.oktaClientId) !== undefined;
  // Without a SCIM token, CLOUDFLARE_API_TOKEN makes one (okta) or reads SCIM itself (verify, destroy).
  const scimTokenOptional = (raw.scimTokenNeed ?? 'required') !== 'required' && pick(c.cloudflareApiToken) !== undefined;
  const required = REQUIRED.map((m) => (m.key === 'scimToken' && raw.scimTokenHow ? { ...m, how: raw.scimTokenHow } : m));
  const missing = required
    .filter((m) => !pick(c[m.key]) && !(m.key === 'oktaToken' && usesServiceApp) && !(m.key === 'scimToken' && scimTokenOptional))
    .map((m) =>
      m.key === 'orgUrl' && raw.saved
        ? { ...m, how: `${m.how}; the saved plan was made for ${raw.saved.orgUrl}, but a plan never chooses where your Okta token goes` }
        : m.key === 'accountId' && raw.saved
          ? { ...m, how: `${m.how}; the saved plan was made for account ${raw.saved.accountId}, but a plan never chooses where your Cloudflare tokens go` }
          : m.key === 'scimToken' && raw.scimTokenNeed === 'create'
            ? {
                ...m,
                how: `${m.how}, or ${raw.scimTokenHow ? 'give it an API token' : 'set CLOUDFLARE_API_TOKEN to a token'} with "Account API Tokens: Edit" and scim-setup makes one`,
              }
            : m,
    );
  if (missing.length > 0) {
    if (!interactivity.interactive || !prompt) {
      const lines = missing.map((m) => `  - ${m.label}: ${m.how}${nearMissNote(m.key, raw.env)}`);
      throw new InputError(
        `Missing required input${missing.length > 1 ? 's' : ''}:\n${lines.join('\n')}`,
        interactivity.interactive ? undefined : `The run is non-interactive (${interactivity.reason}), so scim-setup cannot ask; set the values above.`,
      );
    }
    // What was given is checked before anything is asked: a mistyped flag is said before the questions, not after.
    checkGiven(c, missing, raw.scimTokenNeed ?? 'required');
  }
  const asked = interactivity.interactive && prompt ? further(c, raw) : [];
  if (prompt && missing.length + asked.length > 0) {
    const answered: Array<[MissingInput, string]> = [];
    for (const m of [...missing, ...asked]) {
      await prompt.tell?.(m.hint);
      const value = await askValid(m, prompt);
      answered.push([m, value]);
      if (m.key === 'pushGroups' || m.key === 'assignGroups') c[m.key].unshift({ value: splitNames(value), source: 'prompt' });
      else c[m.key].unshift({ value, source: 'prompt' });
    }
    await prompt.tell?.(exportLines(answered));
  }
  const validated = validateAll(c, raw.scimTokenNeed ?? 'required');
  // A secret file is read before anything else (the redactor learns its value first); a mode others may read is said here.
  const fileWarnings = Object.values(raw.secretFiles).flatMap((secret) => (secret?.warning ? [secret.warning] : []));
  const said = [...fileWarnings, ...optionalNearMisses(raw.env, validated.cloudflareApiToken !== undefined)];
  const inputs = said.length ? { ...validated, warnings: [...said, ...validated.warnings] } : validated;
  return raw.appLabelIn ? { ...inputs, appLabelIn: raw.appLabelIn } : inputs;
}

/**
 * Pure: what to paste so that a re-run asks nothing, said once the answers are in (a later failure
 * then costs no retyping). Secrets are never printed: their lines name the variable to set.
 */
export function exportLines(answered: Array<[MissingInput, string]>): string {
  const lines = answered.flatMap(([m, value]) => {
    // A list answered is given again as flags: it has no variable.
    if (m.key === 'pushGroups' || m.key === 'assignGroups') {
      const flag = m.key === 'pushGroups' ? '--push-group' : '--assign-group';
      const names = splitNames(value);
      return names.length ? [`#   and pass ${names.map((n) => `${flag} ${JSON.stringify(n)}`).join(' ')}`] : [];
    }
    return [m.secret ? `#   export ${m.env}=…   (set it yourself: scim-setup never prints a secret)` : `    export ${m.env}=${value}`];
  });
  return `To run again without these questions:\n${lines.join('\n')}`;
}

/** The validator of each prompted input: a typo is caught as it is typed, not after every other prompt. */
const PROMPT_CHECKS: Record<MissingInput['key'], (value: string) => unknown> = {
  orgUrl: validateOrgUrl,
  oktaToken: (v) => validateToken(v, 'SSWS'),
  accountId: validateAccountId,
  scimToken: (v) => validateToken(v, 'Bearer'),
  apiBaseUrl: validateApiBaseUrl,
  pushGroups: (v) => validatePushGroups(splitNames(v)),
  assignGroups: (v) => validateNames(splitNames(v), 'group'),
};

/** A prompt's list: comma-separated names, each trimmed; nothing typed is none. */
function splitNames(value: string): string[] {
  return value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

/** Valid stand-ins for what is still to be asked, so that what was given can be checked first. */
const STAND_INS: Record<'orgUrl' | 'oktaToken' | 'accountId' | 'scimToken', string> = {
  orgUrl: 'https://stand-in.okta.com',
  oktaToken: `00${'s'.repeat(40)}`,
  accountId: '0'.repeat(32),
  scimToken: `cfut_${'s'.repeat(40)}`,
};

/** Every given input checked as the run will check it, the missing ones stood in for: its problems thrown before any question. */
function checkGiven(c: ReturnType<typeof candidates>, missing: MissingInput[], scimTokenNeed: ScimTokenNeed): void {
  const stood = { ...c };
  for (const m of missing) if (m.key in STAND_INS) stood[m.key] = [{ value: STAND_INS[m.key as keyof typeof STAND_INS], source: 'prompt' }];
  validateAll(stood, scimTokenNeed);
}

/**
 * What a person at a terminal is asked beyond the required inputs: Cloudflare's API base where Okta is
 * on this machine (a sandbox, whose Cloudflare is too: api.cloudflare.com would be the wrong service),
 * and, for okta, what to provision when nothing is named.
 */
function further(c: ReturnType<typeof candidates>, raw: RawInputs): MissingInput[] {
  const out: MissingInput[] = [];
  const org = pick(c.orgUrl)?.value;
  if (typeof org === 'string' && URL.canParse(org) && isLoopbackHost(new URL(org).hostname) && pick(c.apiBaseUrl)?.source === 'default')
    out.push({
      key: 'apiBaseUrl',
      label: 'Cloudflare API base URL',
      how: 'set CLOUDFLARE_API_BASE_URL or pass --api-base-url',
      secret: false,
      env: 'CLOUDFLARE_API_BASE_URL',
      hint: `Okta is on this machine (${org}): a sandbox, whose Cloudflare is too. Its API base URL, as the sandbox printed it (CLOUDFLARE_API_BASE_URL, e.g. http://127.0.0.1:8788/client/v4).`,
    });
  const names = (key: 'pushGroups' | 'assignGroups' | 'assignUsers') => c[key].some((x) => Array.isArray(x.value) && x.value.length > 0);
  if (raw.asksWhatToProvision && !raw.saved && !names('pushGroups') && !names('assignGroups') && !names('assignUsers'))
    out.push(
      {
        key: 'pushGroups',
        label: 'Okta groups to push to Cloudflare (comma-separated; Enter for none)',
        how: 'pass --push-group',
        secret: false,
        env: '',
        hint: 'Nothing to provision is named. A pushed group becomes a Cloudflare user group, its members Cloudflare members.',
      },
      {
        key: 'assignGroups',
        label: 'Okta groups to assign without pushing (comma-separated; Enter for none)',
        how: 'pass --assign-group',
        secret: false,
        env: '',
        hint: "An assigned group's members become Cloudflare members; the group itself is not made in Cloudflare.",
      },
    );
  return out;
}
const PROMPT_TRIES = 3;

async function askValid(input: MissingInput, prompt: Prompter): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const value = await prompt(attempt === 1 ? input : { ...input, retry: true });
    try {
      PROMPT_CHECKS[input.key](value);
      return value;
    } catch (error) {
      if (!(error instanceof InvalidValue) || attempt >= PROMPT_TRIES) {
        if (error instanceof InvalidValue) throw new InputError(`${input.label} (typed at the prompt): ${error.message}`, `${error.fix} Or ${input.how}.`);
        throw error;
      }
      await prompt.tell?.(`  ${error.message} ${error.fix} Try again.`);
    }
  }
}

function validateAll(c: ReturnType<typeof candidates>, scimTokenNeed: ScimTokenNeed): Inputs {
  const problems: InputProblem[] = [];
  const warnings: string[] = [];
  const check = <T>(list: Candidate[], label: string, fn: (value: never) => T): T | undefined => {
    const chosen = pick(list);
    if (!chosen) return undefined;
    try {
      return fn(chosen.value as never);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      problems.push({ input: label, source: chosen.source, message: `${error.message} ${error.fix}` });
      return undefined;
    }
  };
  const org = check(c.orgUrl, 'Okta org URL', validateOrgUrl);
  if (org?.warning) warnings.push(org.warning);
  const oktaAuth = resolveOktaAuth(c, check, problems);
  const account = check(c.accountId, 'Cloudflare account ID', validateAccountId);
  if (account?.warning) warnings.push(account.warning);
  const accountId = account?.value;
  const scimToken = check(c.scimToken, 'Cloudflare SCIM token', (v: string) => validateToken(v, 'Bearer'));
  const cloudflareApiToken = check(c.cloudflareApiToken, 'Cloudflare API token', (v: string) => validateToken(v, 'Bearer'));
  const apiBase = check(c.apiBaseUrl, 'Cloudflare API base URL', validateApiBaseUrl);
  if (apiBase?.warning) warnings.push(apiBase.warning);
  const apiBaseUrl = apiBase?.value;
  const appLabel = check(c.appLabel, 'App label', validateLabel);
  const assignGroups = check(c.assignGroups, 'Assigned groups', (v: string[]) => validateNames(v, 'group')) ?? [];
  const pushGroups = check(c.pushGroups, 'Pushed groups', validatePushGroups) ?? [];
  const assignUsers = check(c.assignUsers, 'Assigned users', (v: string[]) => validateNames(v, 'user')) ?? [];
  const groupRoles = check(c.groupRoles, 'Roles', (v: string[]) => parseGroupRoles(v, pushGroups)) ?? {};
  const durations = resolveDurations(c, check);
  const oktaRateShare = check(c.oktaRateShare, 'Okta rate share', parseRateShare);
  const makesToken = scimToken === undefined && scimTokenNeed === 'create';
  const tokenCreation = makesToken ? resolveTokenCreation(c, check) : undefined;
  // A flag for a token this run does not make is a problem of its own; one whose value is wrong (a typo) was said already.
  for (const [flag, list] of [
    ['--scim-token-ttl', c.scimTokenTtl],
    ['--scim-token-allow-cidr', c.scimTokenAllowCidr],
  ] as const)
    if (!makesToken && pick(list)?.source === flag)
      problems.push({
        input: flag,
        source: flag,
        message: `it shapes a SCIM token that scim-setup makes, and ${pick(c.scimToken) ? 'a SCIM token is given (CLOUDFLARE_SCIM_TOKEN or --scim-token-file)' : 'this command makes none'}. Drop ${flag}, or unset the SCIM token to let scim-setup make one.`,
      });
  if (problems.length > 0) {
    throw new InputError(
      `Invalid input${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p.input}${p.source ? ` (from ${p.source})` : ''}: ${p.message}`).join('\n')}`,
      undefined,
      problems,
    );
  }
  // Each of these has a default or was refused above when missing: undefined here is a defect, said as one.
  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} was neither given, defaulted nor refused`);
    return value;
  };
  return {
    orgUrl: required(org, 'the Okta org URL').value,
    oktaAuth: required(oktaAuth, 'the Okta credential'),
    accountId: required(accountId, 'the account ID'),
    scimToken,
    tokenCreation,
    cloudflareApiToken,
    tokenEnv: { scim: envOf(pick(c.scimToken)), read: envOf(pick(c.cloudflareApiToken)) },
    apiBaseUrl: required(apiBaseUrl, 'the API base URL'),
    scimBaseUrl: `${apiBaseUrl}/accounts/${accountId}/scim/v2`,
    appLabel: required(appLabel, 'the app label'),
    assignGroups: mergeNames(assignGroups, pushGroups),
    pushGroups,
    groupRoles,
    assignUsers,
    waitMs: required(durations.waitMs, 'the wait'),
    maxWaitMs: required(durations.maxWaitMs, 'the max wait'),
    requestTimeoutMs: required(durations.requestTimeoutMs, 'the request timeout'),
    settleMs: required(durations.settleMs, 'the settle time'),
    oktaRateShare: required(oktaRateShare, 'the Okta rate share'),
    warnings,
  };
}

/** --wait, --max-wait, --request-timeout and --settle: durations scim-setup can wait. */
function resolveDurations(c: ReturnType<typeof candidates>, check: Check) {
  const duration = (v: string) => {
    const ms = durationMs(v);
    if (ms === 'not a duration') throw new InvalidValue(`"${v}" is not a duration.`, 'Use e.g. 90s, 5m, 1h30m or 1d.');
    if (ms === 'too long') throw new InvalidValue(`"${v}" is longer than scim-setup can wait (24 days).`, 'Use a shorter duration, e.g. 10m or 24h.');
    return ms;
  };
  return {
    waitMs: check(c.wait, 'Wait', duration),
    maxWaitMs: check(c.maxWait, 'Max wait', duration),
    requestTimeoutMs: check(c.requestTimeout, 'Request timeout', (v: string) => {
      const ms = duration(v);
      if (ms < 100) throw new InvalidValue(`"${v}" is too short for a request timeout.`, 'Use at least 1s, e.g. 30s.');
      return ms;
    }),
    settleMs: check(c.settle, 'Settle', duration),
  };
}

/**
 * Okta e-mails the org's admins once a bucket passes its warning threshold, 60 % by default (its
 * rate-limit docs): a run that stays at half of each bucket, others' use included, sets off none.
 */
export const DEFAULT_OKTA_RATE_SHARE = '50%';

/** "50%" (or a bare 50) → 0.5: a share of each bucket, from 1 % to 100 %. */
export function parseRateShare(v: string): number {
  const m = /^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$/.exec(v);
  const percent = m ? Number(m[1]) : Number.NaN;
  if (!(percent >= 1 && percent <= 100))
    throw new InvalidValue(`"${v}" is not a share of Okta's rate limits.`, 'Give a percentage from 1% to 100%, e.g. 50% (100% for an org you use alone).');
  return percent / 100;
}

/** --scim-token-ttl (days, or never) and --scim-token-allow-cidr (repeatable), checked before anything is sent. */
function resolveTokenCreation(c: ReturnType<typeof candidates>, check: Check): TokenCreation | undefined {
  const ttlDays = check(c.scimTokenTtl, 'SCIM token lifetime', (v: string): number | null => {
    if (v.trim().toLowerCase() === 'never') return null;
    const m = /^(\d{1,4})d$/.exec(v.trim());
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 3650)
      throw new InvalidValue(`"${v}" is not a token lifetime.`, 'Give days, e.g. 90d (1d to 3650d), or never.');
    return Number(m[1]);
  });
  const allowCidrs = check(c.scimTokenAllowCidr, 'SCIM token client IP ranges', (v: string[]) => v.map(validateCidr)) ?? [];
  return ttlDays === undefined ? undefined : { ttlDays, allowCidrs };
}

/** An IPv4 or IPv6 range as Cloudflare's token conditions take it. */
function validateCidr(raw: string): string {
  const value = raw.trim();
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  if (family === 0 || rest.length > 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max)))
    throw new InvalidValue(`"${raw}" is not an IP range.`, 'Write a CIDR such as 203.0.113.0/24 or 2001:db8::/32 (Okta publishes its IP ranges).');
  return bits === undefined ? `${address}/${max}` : value;
}

/** The variable a value came from (`env X`, as candidates name it), or undefined for a file or a prompt. */
function envOf(chosen: Candidate | undefined): string | undefined {
  return chosen?.source.startsWith('env ') ? chosen.source.slice(4) : undefined;
}

/** Okta pushes only assigned members, so every pushed group is also assigned. */
function mergeNames(assigned: string[], pushed: string[]): string[] {
  return [...assigned, ...pushed.filter((name) => !assigned.includes(name))];
}

type Check = <T>(list: Candidate[], label: string, fn: (value: never) => T) => T | undefined;

function resolveOktaAuth(c: ReturnType<typeof candidates>, check: Check, problems: InputProblem[]): OktaAuth | undefined {
  const token = pick(c.oktaToken);
  const clientId = pick(c.oktaClientId);
  if (token && clientId) {
    problems.push({ input: 'Okta auth', message: `both an API token (${token.source}) and a service app (${clientId.source}) are set. Unset one of them.` });
    return undefined;
  }
  if (token) {
    const value = check(c.oktaToken, 'Okta API token', (v: string) => validateToken(v, 'SSWS'));
    return value ? { kind: 'ssws', token: value } : undefined;
  }
  if (!clientId) return undefined;
  const key = pick(c.oktaPrivateKey);
  if (!key) {
    problems.push({
      input: 'Okta service app',
      source: clientId.source,
      message: 'no private key. Set OKTA_PRIVATE_KEY (PEM or JWK, or a path to one) or pass --okta-private-key-file.',
    });
    return undefined;
  }
  const privateKey = check(c.oktaPrivateKey, 'Okta private key', validatePrivateKey);
  const scopesRaw = pick(c.oktaScopes)?.value;
  const scopes = scopesRaw === undefined ? DEFAULT_OKTA_SCOPES : Array.isArray(scopesRaw) ? scopesRaw : scopesRaw.split(/[\s,]+/).filter(Boolean);
  const keyIdGiven = pick(c.oktaKeyId)?.value;
  const keyId = typeof keyIdGiven === 'string' ? keyIdGiven : undefined;
  return privateKey ? { kind: 'privateKey', clientId: String(clientId.value).trim(), privateKey, keyId, scopes } : undefined;
}

function validatePrivateKey(raw: string): string {
  const value = raw.trim();
  try {
    if (value.startsWith('{')) createPrivateKey({ key: JSON.parse(value), format: 'jwk' });
    else createPrivateKey(value);
  } catch {
    throw new InvalidValue(
      'it is not a PEM or JWK private key.',
      "Give the service app's private key as PEM (-----BEGIN PRIVATE KEY-----) or JWK JSON, or a path to a file holding it.",
    );
  }
  return value;
}

/** Every secret in the inputs, for the redactor. */
export function secretsOf(inputs: Pick<Inputs, 'oktaAuth' | 'scimToken' | 'cloudflareApiToken'>): string[] {
  const okta = inputs.oktaAuth.kind === 'ssws' ? [inputs.oktaAuth.token] : [inputs.oktaAuth.privateKey];
  return [...okta, inputs.scimToken, inputs.cloudflareApiToken].filter((s): s is string => Boolean(s));
}

/** `Group=Role` pairs → roles by group; every group named must be pushed, since roles go on its user group. */
function parseGroupRoles(pairs: string[], pushGroups: string[]): Record<string, string[]> {
  const roles: Record<string, string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const group = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at < 1 || role === '') throw new InvalidValue(`"${pair}" is not GROUP=ROLE.`, 'Write e.g. --role "Engineering=Administrator Read Only".');
    if (!pushGroups.includes(group))
      throw new InvalidValue(
        `"${group}" has a role but is not pushed.`,
        `Push it too (--push-group "${group}"): roles go on the Cloudflare user group that the push creates.`,
      );
    roles[group] ??= [];
    if (!roles[group].includes(role)) roles[group].push(role);
  }
  return roles;
}

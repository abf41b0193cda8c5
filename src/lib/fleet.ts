import type { ConfigFile } from './config-file.js';
import { InputError } from './errors.js';
import type { InputFlags } from './inputs.js';
import type { SecretFileFlags } from './secret-files.js';
import { fleetAppLabel } from './app-label.js';
import { nearMatches } from './near-matches.js';

/** One account of a fleet, as a run of that account alone would see its inputs. */
export interface FleetMember {
  name: string;
  accountId: string;
  appLabel: string;
  /** The config file as if it named this account alone: the top level, with the account's own values over it. */
  config: ConfigFile;
  /** Where its SCIM token comes from; undefined: scim-setup makes it (or reads with the API token). */
  scimToken?: { env: string } | { file: string };
  /** The env var of an API token for this account, where CLOUDFLARE_API_TOKEN is not the one. */
  apiTokenEnv?: string;
  /** Where the config file names each token's variable ("line 12, column 5"). */
  placed?: Partial<Record<'scimTokenEnv' | 'apiTokenEnv', string>>;
}

/** Pure: the fleet's accounts, each as its own single-account config. */
export function fleetMembers(config: ConfigFile): FleetMember[] {
  const { accounts = [], ...shared } = config;
  return accounts.map((account) => {
    const appLabel = fleetAppLabel(shared.okta?.appLabel, account);
    return {
      name: account.name,
      accountId: account.accountId,
      appLabel,
      config: {
        ...shared,
        okta: { ...shared.okta, appLabel },
        cloudflare: { ...shared.cloudflare, accountId: account.accountId },
        assignGroups: account.assignGroups ?? shared.assignGroups,
        pushGroups: account.pushGroups ?? shared.pushGroups,
        assignUsers: account.assignUsers ?? shared.assignUsers,
      },
      scimToken: account.scimTokenEnv ? { env: account.scimTokenEnv } : account.scimTokenFile ? { file: account.scimTokenFile } : undefined,
      apiTokenEnv: account.apiTokenEnv,
      ...(account.placed ? { placed: account.placed } : {}),
    };
  });
}

/** Pure: the accounts --account names (all of them without it); a name not in the config is an input error. */
export function selectMembers(members: FleetMember[], names: string[] | undefined, configPath: string): FleetMember[] {
  if (!names || names.length === 0) return members;
  const known = members.map((m) => m.name);
  const unknown = names.filter((n) => !known.some((k) => k.toLowerCase() === n.toLowerCase()));
  if (unknown.length > 0) {
    const near = nearMatches(unknown[0], known, 1);
    throw new InputError(
      `--account ${unknown.map((n) => `"${n}"`).join(', ')}: no such account in ${configPath}${near.length ? `; did you mean "${near[0]}"?` : '.'}`,
      `The accounts it lists: ${known.join(', ')}.`,
    );
  }
  return members.filter((m) => names.some((n) => n.toLowerCase() === m.name.toLowerCase()));
}

/** Flags that name one account's values: with a fleet config they would apply to every account, so the list says them. */
const ONE_ACCOUNT_FLAGS: Array<[keyof (InputFlags & SecretFileFlags), string]> = [
  ['accountId', '--account-id'],
  ['scimTokenFile', '--scim-token-file'],
  ['appLabel', '--app-label'],
  ['assignGroup', '--assign-group'],
  ['pushGroup', '--push-group'],
  ['role', '--role'],
  ['assignUser', '--assign-user'],
];

/** Refuses, before anything is read, what a fleet run cannot take. */
export function refuseOneAccountFlags(flags: InputFlags & SecretFileFlags, configPath: string): void {
  const given = ONE_ACCOUNT_FLAGS.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0)
    throw new InputError(
      `${given.join(', ')} ${given.length === 1 ? 'names' : 'name'} one account's values, and ${configPath} lists several accounts.`,
      'Put per-account values in its "accounts" entries (or shared ones at its top level), and pick accounts with --account NAME.',
    );
}

/** The env vars a fleet never takes for its accounts: each account's own are named in the config. */
export const ONE_ACCOUNT_ENV = ['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_SCIM_TOKEN'] as const;

/** Pure: the environment an account's inputs are read from: the fleet's, less the one-account variables. */
export function memberEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of ONE_ACCOUNT_ENV) delete out[name];
  return out;
}

import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { exitCodeHelp } from '../lib/errors.js';

/**
 * The groups of flags that several commands share, each declared once, and the option types they
 * add. A command's own flags and help are in its home (commands/<name>/declaration.ts); the options
 * it receives are inferred from that declaration (`OptionsOf`), so a flag renamed or misspelt there
 * or where it is read is a compile error. Declarations load nothing else, so --help stays fast.
 */
export type OptionsOf<F extends () => { opts(): OptionValues }> = ReturnType<ReturnType<F>['opts']>;

const docs = (file: string) => `\nDocs: docs/${file} (in the package and its repository).\n`;

/** A command's help after its flags: examples, where its docs are, its exit codes. */
export const commandHelp = (examples: string[], section: string, codes = exitCodeHelp()) =>
  `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n${docs(section)}\n${codes}\n`;

/** A command whose options a helper adds to, keeping what it had (extra-typings' types). */
type Cmd<A extends unknown[], O extends OptionValues, G extends OptionValues> = Command<A, O, G>;

/** How a SCIM token that scim-setup makes is made: okta without a SCIM token, and rotate-token --create. */
export function tokenCreationOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .optionsGroup('SCIM token that scim-setup makes (no CLOUDFLARE_SCIM_TOKEN given):')
    .option('--scim-token-ttl <days>', 'its lifetime, e.g. 30d, or never (default: 90d)')
    .option(
      '--scim-token-allow-cidr <cidr>',
      "a client IP range it may be used from (repeatable); Okta publishes its IP ranges: give all of your cell's (default: any address)",
      collect,
    )
    .option(
      '--token-out <file>',
      "for the guided step in CI: write the token it makes to this file, mode 600, for the admin to paste (a fleet account's to <file>.<account>)",
    );
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Where to connect and with what, for every command that talks to Okta or Cloudflare. Secrets only by file or env, never argv. */
export function connectionOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .optionsGroup('Inputs (each also from env or --config):')
    .option('--org-url <url>', 'Okta org URL, e.g. https://acme.okta.com (env OKTA_ORG_URL)')
    .option('--account-id <id>', 'Cloudflare account ID, 32 hex characters (env CLOUDFLARE_ACCOUNT_ID)')
    .option('--api-base-url <url>', 'Cloudflare API base (env CLOUDFLARE_API_BASE_URL)')
    .option('--okta-token-file <path>', 'read the Okta API token from a file, or - for stdin (env OKTA_API_TOKEN)')
    .option('--okta-client-id <id>', 'Okta service app client ID (env OKTA_CLIENT_ID)')
    .option('--okta-key-id <kid>', 'Okta service app key ID (env OKTA_KEY_ID)')
    .option('--okta-private-key-file <path>', 'Okta service app private key, PEM or JWK (env OKTA_PRIVATE_KEY)')
    .option('--scim-token-file <path>', 'read the Cloudflare SCIM token from a file, or - for stdin (env CLOUDFLARE_SCIM_TOKEN)')
    .option('--cloudflare-token-file <path>', 'read the Cloudflare read token from a file (env CLOUDFLARE_API_TOKEN)')
    .option('--config <file>', 'config file, JSON or YAML; with an "accounts" list, a fleet: one run for every account')
    .option('--account <name>', 'with a fleet config, act on this account only (repeatable)', collect)
    .option('--app-label <label>', 'label of the Okta app (default: "Cloudflare SCIM")');
}

/** What to provision (okta). */
export function provisionOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .optionsGroup('What to provision:')
    .option('--assign-group <name>', 'assign an Okta group to the app (repeatable)', collect)
    .option('--assign-user <login>', 'assign an Okta user to the app (repeatable)', collect)
    .option('--push-group <name>', 'assign and push an Okta group to Cloudflare (repeatable)', collect)
    .option('--role <group=role>', ROLE_HELP, collect);
}

/** What verify checks: provisions nothing, so the same flags say what it checks. */
export function checkOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .optionsGroup('What to check:')
    .option('--push-group <name>', 'a pushed group whose roles to check (repeatable)', collect)
    .option('--role <group=role>', ROLE_HELP, collect);
}

const ROLE_HELP = 'a pushed group\'s Cloudflare role, e.g. "Engineering=Administrator Read Only" (repeatable)';

/** Dry run and saved plans, the same for every command that plans. */
export function planOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .option('--dry-run', 'do every read and no write; print the plan')
    .option('--out <file>', 'save the plan (no secrets) to a file')
    .addOption(
      new Option('--plan <file>', 'apply this saved plan as saved (its inputs included), after checking that the world has not changed').conflicts('dryRun'),
    )
    .option('--plan-sha256 <digest>', 'with --plan: refuse the file unless its SHA-256 is this (pin the plan you reviewed)')
    .option('--detailed-exitcode', 'with --dry-run: exit 0 when nothing to do, 2 when changes are pending, 1 on any error');
}

export function waitOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>, wait: string) {
  return pacingOptions(command.optionsGroup('Waits and timeouts:').option('--wait <duration>', wait));
}

/** How requests are paced and bounded: every command that talks to Okta and Cloudflare. */
export function pacingOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .optionsGroup('Waits and timeouts:')
    .option('--max-wait <duration>', 'longest wait for one rate limit to reset before failing (default: 60s)')
    .option('--request-timeout <duration>', 'give up on one attempt of a request after this long (default: 30s); a retry has its own timeout')
    .option(
      '--okta-rate-share <percent>',
      "the share of each Okta rate limit the run may fill, others' use included (default: 50%, below the 60% at which Okta warns the org's admins; env SCIM_SETUP_OKTA_RATE_SHARE)",
    );
}

/** For the commands that tell drift from work in flight (docs/drift.md). */
export function settleOption<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command.option(
    '--settle <duration>',
    "how long Cloudflare's listings may trail its writes: a difference younger than this is pending, never drift (default: 10s)",
  );
}

export function outputOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(command: Cmd<A, O, G>) {
  return command
    .optionsGroup('Output:')
    .option('--json', 'print one JSON document on stdout; human text goes to stderr')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--debug', 'print debug traces (secrets redacted) and stacks')
    .option('--record <file>', 'write every HTTP exchange with Okta and Cloudflare to a HAR file, secrets redacted')
    .option('--record-redact-pii', "with --record: replace people's names, logins and e-mail addresses by stable hashes")
    .option(
      '--redact-pii',
      "logins and e-mail addresses as stable hashes in CI outputs (job summary, annotations, --junit) and in the report's JSON, CSV and page (public repositories)",
    );
}

type Empty = Record<never, never>;
type AddedBy<F extends (command: Command<[], Empty, Empty>, wait: string) => { opts(): OptionValues }> = ReturnType<ReturnType<F>['opts']>;

export type OutputOptions = AddedBy<typeof outputOptions<[], Empty, Empty>>;
export type ConnectionOptions = AddedBy<typeof connectionOptions<[], Empty, Empty>>;
export type WaitOptions = Partial<AddedBy<typeof waitOptions<[], Empty, Empty>>> & Partial<AddedBy<typeof settleOption<[], Empty, Empty>>>;
/** What to provision: okta declares all of it, verify the pushed groups and roles, the others none. */
export type DesiredOptions = Partial<AddedBy<typeof provisionOptions<[], Empty, Empty>>>;
/** How a token scim-setup makes is made (okta, rotate-token --create). */
export type TokenCreationOptions = AddedBy<typeof tokenCreationOptions<[], Empty, Empty>>;

/** What every command that talks to Okta and Cloudflare takes. */
export type SessionOptions = ConnectionOptions & WaitOptions & OutputOptions & DesiredOptions & Partial<TokenCreationOptions>;

/** Saved plans: --dry-run --out FILE, then --plan FILE (every planning command). */
export type PlanFileOptions = AddedBy<typeof planOptions<[], Empty, Empty>>;

import { variantHelp } from '../lib/sandbox-variants.js';
import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { exitCodeHelp, SANDBOX_EXIT_CODE_HELP } from '../lib/errors.js';

/**
 * Every command's flags, description and help, declared once. The options each command
 * receives are inferred from these declarations (`OptionsOf`), so a flag renamed or misspelt here
 * or where it is read is a compile error. The handlers are loaded only when a command runs
 * (src/cli.ts), so that --help stays fast.
 */
export type OptionsOf<F extends () => { opts(): OptionValues }> = ReturnType<ReturnType<F>['opts']>;

const docs = (file: string) => `\nDocs: docs/${file} (in the package and its repository).\n`;
const help = (examples: string[], section: string, codes = exitCodeHelp()) =>
  `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n${docs(section)}\n${codes}\n`;

export const declareOkta = () =>
  outputOptions(
    settleOption(
      waitOptions(
        tokenCreationOptions(
          planOptions(
            provisionOptions(
              connectionOptions(
                new Command('okta').description('Create and configure the Okta SCIM app for Cloudflare, then verify it (plan → confirm → apply → verify).'),
              ),
            ).optionsGroup('Behaviour:'),
          )
            .option('-y, --yes', 'apply without asking (needed when not interactive)')
            .option('--reveal-token', 'on a terminal, show the SCIM token in full in the guided step (masked by default; refused in CI and off a terminal)')
            .option('--no-verify', 'skip verification after apply'),
        ),
        'bound on every asynchronous wait, e.g. 90s, 5m (default: 2m; on a terminal the guided step waits until Ctrl-C unless --wait is given)',
      ),
    ),
  )
    .option('--junit <file>', 'write the verification as JUnit XML, one test case per check (GitLab, Jenkins, Azure)')
    .addHelpText(
      'after',
      help(
        [
          'npx scim-setup okta                                   # interactive: asks, plans, confirms',
          'OKTA_ORG_URL=… OKTA_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=… CLOUDFLARE_API_TOKEN=… \\\n' +
            '    npx scim-setup okta --yes --push-group Engineering      # zero-touch: makes the SCIM token too',
          'OKTA_ORG_URL=https://acme.okta.com OKTA_API_TOKEN=… \\\n' +
            '    CLOUDFLARE_ACCOUNT_ID=… CLOUDFLARE_SCIM_TOKEN=… \\\n' +
            '    npx scim-setup okta --yes --push-group Engineering      # CI one-shot',
          'npx scim-setup okta --dry-run --detailed-exitcode      # what would change?',
          'npx scim-setup okta --config fleet.yaml --yes          # every account a fleet config lists (--account NAME for some)',
          'npx scim-setup okta --dry-run --out plan.json && npx scim-setup okta --plan plan.json',
        ],
        'usage.md',
        exitCodeHelp({ detailedExitcode: true }),
      ),
    );

export const declareVerify = () =>
  outputOptions(
    settleOption(
      waitOptions(
        checkOptions(connectionOptions(new Command('verify').description('Read Okta and Cloudflare back and prove that provisioning works (read-only).')))
          .optionsGroup('Behaviour:')
          .option(
            '--since <duration>',
            "how far back to read Okta's System Log and Cloudflare's audit log (default: 1h, the window okta's own verification reads too)",
          ),
        'poll until every check settles, up to this long (default: 0: one look)',
      ),
    ),
  )
    .option('--junit <file>', 'write the checks as JUnit XML, one test case per check (GitLab, Jenkins, Azure)')
    .addHelpText('after', help(['npx scim-setup verify', 'npx scim-setup verify --wait 5m --json'], 'drift.md'));

export const declareDestroy = () =>
  outputOptions(
    waitOptions(
      planOptions(
        connectionOptions(
          new Command('destroy').description(
            'Tear the setup down: push mappings, assignments, the Okta app. Cloudflare keeps its groups and members unless asked.',
          ),
        ).optionsGroup('Behaviour:'),
      )
        .option('-y, --yes', 'destroy without typing the app label (needed when not interactive)')
        .option('--delete-cloudflare-groups', 'also delete the pushed groups in Cloudflare')
        .option('--deprovision-users', 'unassign users first so that Okta deactivates them in Cloudflare (never the last Super Administrator)')
        .option('--revoke-scim-token', 'revoke the SCIM token scim-setup made for the app, once the app is deactivated (needs CLOUDFLARE_API_TOKEN)'),
      'bound on waiting for Okta to deactivate users (default: 2m)',
    ),
  ).addHelpText(
    'after',
    help(
      [
        'npx scim-setup destroy --dry-run',
        'npx scim-setup destroy --yes --delete-cloudflare-groups',
        'npx scim-setup destroy --dry-run --out teardown.json && npx scim-setup destroy --plan teardown.json',
      ],
      'lifecycle.md',
      exitCodeHelp({ detailedExitcode: true }),
    ),
  );

export const declareMigrate = () =>
  outputOptions(
    waitOptions(
      planOptions(
        connectionOptions(
          new Command('migrate').description(
            'Replace the deprecated CF-<accountID> - <Role Name> groups with pushed user groups that hold the role; nobody loses access.',
          ),
        ).optionsGroup('Behaviour:'),
      )
        .option('-y, --yes', 'migrate without asking (needed when not interactive)')
        .option('--name-prefix <prefix>', 'name of each new group: prefix + role name (default: "Cloudflare ")'),
      'bound on waiting for the proof that every member holds the role (default: 2m)',
    ),
  ).addHelpText(
    'after',
    help(
      ['npx scim-setup migrate --dry-run --detailed-exitcode', 'npx scim-setup migrate --yes --wait 10m'],
      'lifecycle.md',
      exitCodeHelp({ detailedExitcode: true }),
    ),
  );

export const declareRotateToken = () =>
  outputOptions(
    waitOptions(
      tokenCreationOptions(
        planOptions(
          connectionOptions(
            new Command('rotate-token').description(
              'Hand Okta a new SCIM token (the value of CLOUDFLARE_SCIM_TOKEN): proved against Cloudflare first, then proved in use.',
            ),
          ).optionsGroup('Behaviour:'),
        )
          .option('-y, --yes', 'hand Okta the new token without asking (needed when not interactive)')
          .option('--reveal-token', 'on a terminal, show the new token in full in the guided step (masked by default; refused in CI and off a terminal)')
          .option(
            '--create',
            'make the new token with CLOUDFLARE_API_TOKEN ("Account API Tokens: Edit"), and revoke the old one once Okta is proved to use it',
          ),
      ),
      'bound on waiting for the proof that Okta uses the new token (default: 2m)',
    ),
  ).addHelpText(
    'after',
    help(
      [
        'npx scim-setup rotate-token --create --yes             # make, hand over, prove, then revoke the old one',
        'CLOUDFLARE_SCIM_TOKEN=<new token> npx scim-setup rotate-token',
        'npx scim-setup rotate-token --scim-token-file new-token.txt --yes --wait 10m',
      ],
      'lifecycle.md',
      exitCodeHelp({ detailedExitcode: true }),
    ),
  );

export const declareSandbox = () =>
  new Command('sandbox')
    .description('Start the Okta and Cloudflare emulators on 127.0.0.1 and print the env vars to use them.')
    .option('--okta-port <port>', 'Okta emulator port (default: 0, any free port)')
    .option('--cloudflare-port <port>', 'Cloudflare emulator port (default: 0, any free port)')
    .option('--seed <file>', 'seed file (JSON) for the Okta org, or generated:USERS,GROUPS for a large one made on the spot')
    .option('--accounts <n>', 'Cloudflare accounts the one API host serves, each with its own tokens (default: 1)')
    .option('--fleet-config <file>', 'write a fleet config for its accounts, for okta --config FILE (their token env lines are printed)')
    .addOption(
      new Option('--connection-api <mode>', 'whether Okta takes the provisioning connection API (default: unsupported)').choices(['unsupported', 'supported']),
    )
    .addOption(
      new Option(
        '--admin <mode>',
        'who fills in the Provisioning tab: manual (you, in the console pages), or auto: an emulated person who acts only on the guided step as printed, shown to it at POST /__sandbox/admin/screen (default: manual)',
      ).choices(['auto', 'manual']),
    )
    .option('--compare <file.har>', 'replay a recording (--record) against a fresh sandbox and print where their answers differ in shape; exit 1 if they do')
    .option('--latency <ms>', 'added latency per request (default: 0)')
    .option('--rate-limit-scale <n>', 'multiply rate limits (and shrink their windows) by N (default: 1)')
    .option('--json', 'print one JSON line with the env vars')
    .optionsGroup('Timing of real services (docs/sandbox.md):')
    .option('--listing-lag <ms>', "Cloudflare's SCIM listings trail its writes by up to this long")
    .option('--stamp-offset <ms>', 'Okta stamps lastSync/lastPush this long after (or, negative, before) its SCIM request')
    .option('--okta-skew <ms>', "Okta's clock minus the true time")
    .option('--cloudflare-skew <ms>', "Cloudflare's clock minus the true time")
    .option('--jitter <ms>', 'each answer is delayed by a further 0 to this many ms')
    .optionsGroup('Readings of what the vendors leave open (docs/sandbox.md):')
    .option('--variant <name=value>', 'play one reading of an open question (repeatable): the variants are below', collect)
    .addHelpText(
      'after',
      `\nVariants (the default first):\n${variantHelp()}\n\nExamples:\n  $ npx scim-setup sandbox --variant lastSync=absent --variant queued=staged\n  $ npx scim-setup sandbox --admin auto\n  $ npx scim-setup sandbox --json > sandbox.json &   # then, once it has ` +
        `written its line:\n  $ eval "$(jq -r '.env | to_entries[] | "export \\(.key)=\\(.value)"' sandbox.json)"\n  ` +
        `$ npx scim-setup sandbox --seed generated:10000,1000   # an org of 10000 users in 1000 groups\n  $ npx scim-setup sandbox --compare run.har   ` +
        `       # does the sandbox answer as this recording?\n\nRuns until Ctrl-C (SIGINT) or SIGTERM, then exits 0.\n${SANDBOX_EXIT_CODE_HELP}\n`,
    );

export const declareDemo = () =>
  new Command('demo')
    .description('Start the sandbox and run the whole setup against it: the first command to try.')
    .option('--json', 'print one JSON document with the result')
    .option('--no-color', 'no colour')
    .option('--accounts <n>', 'a fleet: this many Cloudflare accounts set up in one run from one config (docs/fleets.md)')
    .addHelpText('after', `\nExamples:\n  $ npx scim-setup demo\n  $ npx scim-setup demo --accounts 3\n\n${exitCodeHelp()}\n`);

export type OktaOptions = OptionsOf<typeof declareOkta>;
export type VerifyOptions = OptionsOf<typeof declareVerify>;
export type DestroyOptions = OptionsOf<typeof declareDestroy>;
export type MigrateOptions = OptionsOf<typeof declareMigrate>;
export type RotateTokenOptions = OptionsOf<typeof declareRotateToken>;
export type SandboxCommandOptions = OptionsOf<typeof declareSandbox>;
export type DemoOptions = OptionsOf<typeof declareDemo>;

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

import { Command, Option } from '@commander-js/extra-typings';
import { collect, type OptionsOf } from '../flags.js';
import { SANDBOX_EXIT_CODE_HELP } from '../../lib/errors.js';
import { variantHelp } from '../../lib/sandbox-variants.js';

/** `scim-setup sandbox`: its flags and help only, so that --help loads nothing else. */
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

export type SandboxCommandOptions = OptionsOf<typeof declareSandbox>;

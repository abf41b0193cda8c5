import { Command } from '@commander-js/extra-typings';
import { type OptionsOf, checkOptions, commandHelp, connectionOptions, outputOptions, settleOption, waitOptions } from '../flags.js';

/** `scim-setup verify`: its flags and help only, so that --help loads nothing else. */
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
    .addHelpText('after', commandHelp(['npx scim-setup verify', 'npx scim-setup verify --wait 5m --json'], 'drift.md'));

export type VerifyOptions = OptionsOf<typeof declareVerify>;

import { Command } from '@commander-js/extra-typings';
import {
  type OptionsOf,
  commandHelp,
  connectionOptions,
  outputOptions,
  planOptions,
  provisionOptions,
  settleOption,
  tokenCreationOptions,
  waitOptions,
} from '../flags.js';
import { exitCodeHelp } from '../../lib/errors.js';

/** `scim-setup okta`: its flags and help only, so that --help loads nothing else. */
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
      commandHelp(
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

export type OktaOptions = OptionsOf<typeof declareOkta>;

import { Command } from '@commander-js/extra-typings';
import { type OptionsOf, commandHelp, connectionOptions, outputOptions, planOptions, waitOptions } from '../flags.js';
import { exitCodeHelp } from '../../lib/errors.js';

/** `scim-setup destroy`: its flags and help only, so that --help loads nothing else. */
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
    commandHelp(
      [
        'npx scim-setup destroy --dry-run',
        'npx scim-setup destroy --yes --delete-cloudflare-groups',
        'npx scim-setup destroy --dry-run --out teardown.json && npx scim-setup destroy --plan teardown.json',
      ],
      'lifecycle.md',
      exitCodeHelp({ detailedExitcode: true }),
    ),
  );

export type DestroyOptions = OptionsOf<typeof declareDestroy>;

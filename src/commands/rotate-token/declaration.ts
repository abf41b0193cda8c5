import { Command } from '@commander-js/extra-typings';
import { type OptionsOf, commandHelp, connectionOptions, outputOptions, planOptions, tokenCreationOptions, waitOptions } from '../flags.js';
import { exitCodeHelp } from '../../lib/errors.js';

/** `scim-setup rotate-token`: its flags and help only, so that --help loads nothing else. */
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
    commandHelp(
      [
        'npx scim-setup rotate-token --create --yes             # make, hand over, prove, then revoke the old one',
        'CLOUDFLARE_SCIM_TOKEN=<new token> npx scim-setup rotate-token',
        'npx scim-setup rotate-token --scim-token-file new-token.txt --yes --wait 10m',
      ],
      'lifecycle.md',
      exitCodeHelp({ detailedExitcode: true }),
    ),
  );

export type RotateTokenOptions = OptionsOf<typeof declareRotateToken>;

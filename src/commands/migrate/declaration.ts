import { Command } from '@commander-js/extra-typings';
import { type OptionsOf, commandHelp, connectionOptions, outputOptions, planOptions, waitOptions } from '../flags.js';
import { exitCodeHelp } from '../../lib/errors.js';

/** `scim-setup migrate`: its flags and help only, so that --help loads nothing else. */
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
    commandHelp(
      ['npx scim-setup migrate --dry-run --detailed-exitcode', 'npx scim-setup migrate --yes --wait 10m'],
      'lifecycle.md',
      exitCodeHelp({ detailedExitcode: true }),
    ),
  );

export type MigrateOptions = OptionsOf<typeof declareMigrate>;

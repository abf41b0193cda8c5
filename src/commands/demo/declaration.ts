import { Command } from '@commander-js/extra-typings';
import type { OptionsOf } from '../flags.js';
import { exitCodeHelp } from '../../lib/errors.js';

/** `scim-setup demo`: its flags and help only, so that --help loads nothing else. */
export const declareDemo = () =>
  new Command('demo')
    .description('Start the sandbox and run the whole setup against it: the first command to try.')
    .option('--json', 'print one JSON document with the result')
    .option('--no-color', 'no colour')
    .option('--accounts <n>', 'a fleet: this many Cloudflare accounts set up in one run from one config (docs/fleets.md)')
    .addHelpText('after', `\nExamples:\n  $ npx scim-setup demo\n  $ npx scim-setup demo --accounts 3\n\n${exitCodeHelp()}\n`);

export type DemoOptions = OptionsOf<typeof declareDemo>;

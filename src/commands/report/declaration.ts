import { Command } from '@commander-js/extra-typings';
import { collect, connectionOptions, type OptionsOf, outputOptions, pacingOptions } from '../flags.js';

const EXIT_CODES = `Exit codes:
  0  the report was made (whatever it found)
  1  with --fail-on-ungoverned: someone outside Okta's governance beyond --expect-outside; or the run failed
  2  usage or input error
  4  authentication or permission refused
  130 interrupted (Ctrl-C); 143 on SIGTERM`;

/** `scim-setup report`: its flags and help only, so that --help loads nothing else. */
export const declareReport = () =>
  outputOptions(
    pacingOptions(
      connectionOptions(
        new Command('report').description(
          "Show who reaches the Cloudflare account outside Okta's governance, and how fast Okta's removals landed (read-only).",
        ),
      )
        .optionsGroup('Report:')
        .option('--since <duration>', 'the period: how far back to read removals, e.g. 7d, 30d (default: 30d)')
        .option('--csv <file>', 'write one row per person as CSV (RFC 4180; formula cells neutralised)')
        .option('--html <file>', 'write the report as one self-contained HTML page (no script, nothing fetched)')
        .option(
          '--expect-outside <email>',
          'someone expected outside Okta, e.g. the owner or a break-glass account (repeatable; config report.expectedOutside)',
          collect,
        )
        .option('--fail-on-ungoverned', "exit 1 when anyone else is outside Okta's governance (a CI gate)"),
    ),
  ).addHelpText(
    'after',
    `\nExamples:\n  $ npx scim-setup report\n  $ npx scim-setup report --since 90d --html access.html --csv access.csv\n` +
      `  $ npx scim-setup report --fail-on-ungoverned --expect-outside owner@example.com --json\n\nDocs: docs/report.md (in the package and its repository).\n\n${EXIT_CODES}\n`,
  );

export type ReportOptions = OptionsOf<typeof declareReport>;

import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { parseConfigText } from '../../src/lib/config-file.js';
import { fleetMembers, memberEnv, refuseOneAccountFlags, selectMembers } from '../../src/lib/fleet.js';
import { mostSevere } from '../../src/lib/errors.js';
import { fleetTable } from '../../src/commands/fleet-report.js';
import { sandboxFleetConfig } from '../../src/sandbox/fleet-config.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../src/lib/redact.js';
import { publishFleetCiOutputs } from '../../src/verify/ci-outputs.js';
import { fleetJunitXml, SUMMARY_BUDGET } from '../../src/verify/ci-report.js';

const parse = (text: string) => parseConfigText(Buffer.from(text), 'fleet.yaml');
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const problemsOf = (text: string): string => {
  try {
    parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

// #26 item 1: a fleet config, checked as a whole, every problem at its line.
describe('fleet config validation', () => {
  it.each([
    ['an entry that is not a mapping', `accounts:\n  - prod\n`, 'line 2, column 5: item 1 of "accounts" must be a mapping with "name" and "accountId".'],
    ['an entry without a name', `accounts:\n  - accountId: "${A}"\n`, 'line 2, column 5: item 1 of "accounts" needs a "name".'],
    ['an entry without an account ID', `accounts:\n  - name: prod\n`, 'line 2, column 5: item 1 of "accounts" needs "accountId".'],
    ['a name unfit for --account', `accounts:\n  - { name: "my prod", accountId: "${A}" }\n`, 'account name "my prod" is not a short name.'],
    [
      'two entries of one name (one problem, not a second for the label made from it)',
      `accounts:\n  - { name: prod, accountId: "${A}" }\n  - { name: Prod, accountId: "${B}" }\n`,
      'fleet.yaml, line 3, column 13: item 2 of "accounts" has the same name as item 1.',
    ],
    [
      'one account twice',
      `accounts:\n  - { name: prod, accountId: "${A}" }\n  - { name: staging, accountId: "${A.toUpperCase()}" }\n`,
      'item 2 of "accounts" has the same accountId as item 1.',
    ],
    [
      'two entries with one app label',
      `accounts:\n  - { name: prod, accountId: "${A}", appLabel: X }\n  - { name: staging, accountId: "${B}", appLabel: x }\n`,
      'item 2 of "accounts" has the same app label as item 1 ("x").',
    ],
    [
      'a token pasted where its variable is named (never echoed)',
      `accounts:\n  - { name: prod, accountId: "${A}", scimTokenEnv: "cfat_s3cr3t-value" }\n`,
      '"scimTokenEnv" of item 1 of "accounts" is not the name of an environment variable.',
    ],
    [
      'both token sources',
      `accounts:\n  - { name: prod, accountId: "${A}", scimTokenEnv: T, scimTokenFile: t.txt }\n`,
      'has both "scimTokenEnv" and "scimTokenFile".',
    ],
    [
      'an account ID beside the list',
      `cloudflare: { accountId: "${A}" }\naccounts:\n  - { name: prod, accountId: "${B}" }\n`,
      'both "cloudflare.accountId" and "accounts" are set.',
    ],
    ['an empty list', 'accounts: []\n', '"accounts" is empty.'],
    [
      'an unknown key in an entry',
      `accounts:\n  - { name: prod, accountId: "${A}", scimToken: x }\n`,
      'unknown key "accounts[0].scimToken"; did you mean "scimTokenEnv"?',
    ],
  ])('refuses %s', (_, text, message) => {
    const said = problemsOf(text);
    expect(said).toContain(message);
    expect(said).not.toContain('s3cr3t');
  });

  it('takes a whole fleet: shared values at the top, per-account values winning, labels made from the shared one', () => {
    const config = parse(
      [
        'okta: { orgUrl: "https://acme.okta.com", appLabel: "Cloudflare" }',
        'pushGroups: [Engineering]',
        'assignUsers: [ops@acme.test]',
        'accounts:',
        `  - { name: prod, accountId: "${A}", scimTokenEnv: CF_SCIM_PROD }`,
        `  - { name: staging, accountId: "${B}", appLabel: "CF staging", pushGroups: [{ name: QA, roles: [Administrator] }], apiTokenEnv: CF_API_STG }`,
      ].join('\n'),
    );
    const [prod, staging] = fleetMembers(config);
    expect(prod).toMatchObject({ name: 'prod', accountId: A, appLabel: 'Cloudflare (prod)', scimToken: { env: 'CF_SCIM_PROD' } });
    expect(prod.config).toMatchObject({
      okta: { appLabel: 'Cloudflare (prod)' },
      cloudflare: { accountId: A },
      pushGroups: ['Engineering'],
      assignUsers: ['ops@acme.test'],
    });
    expect(prod.config).not.toHaveProperty('accounts');
    expect(staging).toMatchObject({ appLabel: 'CF staging', scimToken: undefined, apiTokenEnv: 'CF_API_STG' });
    expect(staging.config.pushGroups).toEqual([{ name: 'QA', roles: ['Administrator'] }]);
  });
});

describe('fleet selection, flags and environment', () => {
  const members = fleetMembers(parse(`accounts:\n  - { name: prod, accountId: "${A}" }\n  - { name: staging, accountId: "${B}" }\n`));

  it('--account picks by name (any case), keeps the config order, and names the near miss', () => {
    expect(selectMembers(members, ['STAGING', 'prod'], 'f.yaml').map((m) => m.name)).toEqual(['prod', 'staging']);
    expect(selectMembers(members, undefined, 'f.yaml')).toHaveLength(2);
    expect(() => selectMembers(members, ['stagign'], 'f.yaml')).toThrow('--account "stagign": no such account in f.yaml; did you mean "staging"?');
  });

  it('refuses the flags that say one account, and drops the env vars that would', () => {
    expect(() => refuseOneAccountFlags({ accountId: A, pushGroup: ['x'] }, 'f.yaml')).toThrow('--account-id, --push-group name one account');
    expect(() => refuseOneAccountFlags({ wait: '1m', settle: '5s' }, 'f.yaml')).not.toThrow();
    expect(memberEnv({ CLOUDFLARE_ACCOUNT_ID: A, CLOUDFLARE_SCIM_TOKEN: 't', OKTA_ORG_URL: 'u' })).toEqual({ OKTA_ORG_URL: 'u' });
  });

  it('the exit code of many accounts is the most severe', () => {
    expect(mostSevere([])).toBe(0);
    expect(mostSevere([0, 3, 1])).toBe(1);
    expect(mostSevere([3, 0])).toBe(3);
    expect(mostSevere([1, 4, 2])).toBe(4);
    expect(mostSevere([4, 130])).toBe(130);
  });
});

describe('fleet output', () => {
  const pass = { id: 'scim-token', status: 'pass' as const, summary: 's', evidence: [] };
  it('the closing table: one line per account, its applied count and how it ended, the wire neutralised', () => {
    const table = fleetTable(
      [
        { account: 'prod', app: 'Cloudflare SCIM (prod)', applied: 5, exitCode: 0, checks: [pass, { ...pass, status: 'warn' as const }] },
        { account: 'ops', app: 'ops\u001b[31m', applied: 0, exitCode: 4, ending: 'The SCIM token was refused.\nmore' },
      ],
      new Chalk({ level: 0 }),
    );
    expect(table.split('\n')).toEqual([
      '2 accounts: 1 ok, 1 not',
      '  account  app                     applied  result',
      '  prod     Cloudflare SCIM (prod)  5        ok: 1 of 2 checks pass',
      '  ops      ops\\x1b[31m             0        auth: The SCIM token was refused.',
    ]);
  });

  it('a command that applies nothing (verify, a dry run) has no applied column; an error is cut on a terminal only (#34 item 27)', () => {
    const long = `The token in CLOUDFLARE_API_TOKEN belongs to another account than 82da39abd17ab6f8a7fb0cdefbdc1142: ${'and more words '.repeat(6)}end.`;
    const rows = [
      { account: 'prod', app: 'A', exitCode: 0, checks: [pass] },
      { account: 'ops', app: 'B', exitCode: 4, ending: long },
    ];
    const inFile = fleetTable(rows, new Chalk({ level: 0 }), false).split('\n');
    expect(inFile[1]).toBe('  account  app  result');
    expect(inFile[3]).toBe(`  ops      B    auth: ${long}`);
    const onTerminal = fleetTable(rows, new Chalk({ level: 0 }), true).split('\n');
    expect(onTerminal[3].endsWith('…')).toBe(true);
    expect(onTerminal[3].length).toBeLessThan(inFile[3].length);
  });

  it('JUnit: one test suite per account, totals over all', () => {
    const xml = fleetJunitXml('verify', [
      { account: 'prod', report: { command: 'verify', checks: [pass] } },
      { account: 'ops', report: { command: 'verify', outcome: { kind: 'failed', message: 'refused', exitCode: 4 } } },
    ]);
    expect(xml).toContain('<testsuites name="scim-setup verify" tests="2" failures="1" skipped="0">');
    expect(xml).toContain('<testsuite name="scim-setup verify: prod" tests="1" failures="0" skipped="0">');
    expect(xml).toContain('<testcase classname="scim-setup.verify.ops" name="run"><failure type="failed" message="refused">');
  });

  it('the sandbox writes a fleet config naming its accounts, their tokens left to env lines', () => {
    const { text, env } = sandboxFleetConfig({
      oktaUrl: 'http://127.0.0.1:1',
      apiBaseUrl: 'http://127.0.0.1:2/client/v4',
      accounts: [
        { accountId: A, env: { CLOUDFLARE_API_TOKEN: 'cfat_one' } },
        { accountId: B, env: { CLOUDFLARE_API_TOKEN: 'cfat_two' } },
      ],
    });
    expect(text).not.toContain('cfat_');
    expect(env).toEqual({ CLOUDFLARE_API_TOKEN_1: 'cfat_one', CLOUDFLARE_API_TOKEN_2: 'cfat_two' });
    expect(fleetMembers(parse(text)).map((m) => [m.name, m.accountId, m.apiTokenEnv])).toEqual([
      ['account-1', A, 'CLOUDFLARE_API_TOKEN_1'],
      ['account-2', B, 'CLOUDFLARE_API_TOKEN_2'],
    ]);
  });

  it('under GitHub Actions: a job-summary section per account within one budget, annotations titled by account, one JUnit file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-ci-'));
    const summary = join(dir, 'summary.md');
    const junit = join(dir, 'junit.xml');
    const lines: string[] = [];
    const stderr = { write: (chunk: string) => lines.push(chunk) } as unknown as NodeJS.WritableStream;
    const huge = 'x'.repeat(200_000);
    const fail = { id: 'members', status: 'fail' as const, summary: huge, evidence: [huge], fix: 'run okta' };
    await publishFleetCiOutputs(
      'okta',
      [
        { account: 'prod', report: { command: 'okta', checks: [pass] } },
        // Each account's report alone fills a whole summary's budget: together they must share it.
        { account: 'staging', report: { command: 'okta', checks: Array.from({ length: 800 }, (_, i) => ({ ...fail, id: `members-${i}` })) } },
        { account: 'ops', report: { command: 'okta', checks: Array.from({ length: 800 }, (_, i) => ({ ...fail, id: `members-${i}` })) } },
      ],
      { junit, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, stderr, redactor: new Redactor() },
    );
    const md = readFileSync(summary, 'utf8');
    expect(md.match(/^## scim-setup okta: \w+/gm)).toEqual(['## scim-setup okta: prod', '## scim-setup okta: staging', '## scim-setup okta: ops']);
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_BUDGET + 1024);
    expect(lines.join('')).toContain('::error title=[staging] scim-setup members-0');
    expect(readFileSync(junit, 'utf8').match(/<testsuite name/g)).toHaveLength(3);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { Context } from '../../src/context.js';
import { loadConfigFile } from '../../src/lib/config-file.js';
import { exportLines, resolveInputs, type Inputs } from '../../src/lib/inputs.js';
import { systemClock } from '../../src/lib/clock.js';
import { Redactor } from '../../src/lib/redact.js';

// Changesets-style: the command is mocked, and each case asserts what the parser hands it.
const captured: { options?: Record<string, unknown> } = {};
vi.mock('../../src/commands/okta/run.js', () => ({
  run: vi.fn(async (options: Record<string, unknown>) => {
    captured.options = options;
    return 0;
  }),
}));

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ENV = {
  OKTA_ORG_URL: 'https://acme.okta.com',
  OKTA_API_TOKEN: '00oktatoken1234567',
  CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
  CLOUDFLARE_SCIM_TOKEN: 'cfat_scimtoken123456',
};
const dir = mkdtempSync(join(tmpdir(), 'scim-args-'));
const configFile = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function parse(argv: string[], env: Record<string, string | undefined>): Promise<Inputs> {
  const ctx: Context = {
    env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    redactor: new Redactor(),
    clock: systemClock,
    signal: new AbortController().signal,
    finalizers: [],
  };
  captured.options = undefined;
  await buildProgram(ctx, () => {}).parseAsync(['node', 'scim-setup', 'okta', ...argv]);
  const options = captured.options!;
  const config = typeof options.config === 'string' ? { path: options.config, data: await loadConfigFile(options.config) } : undefined;
  return resolveInputs({ flags: options, env, config, secretFiles: {}, defaultWait: '2m' }, { interactive: false, reason: 'stdin is not a terminal' });
}

type Case = [name: string, argv: string[], env: Record<string, string | undefined>, expected: Partial<Inputs> | string];

const cases: Case[] = [
  // #24 item 15: a legacy role group is refused as an input, with the command that handles it.
  [
    'a legacy CF-<account> - <Role> group given to --push-group is refused, pointing to migrate',
    ['--push-group', `CF-${'a'.repeat(32)} - Administrator`],
    ENV,
    'is a legacy Cloudflare role group',
  ],
  [
    'a group Cloudflare would refuse (a name beginning with CF, in any case) is refused before anything is read (#34 item 22)',
    ['--push-group', 'cf Platform Team'],
    ENV,
    '"cf Platform Team" starts with "CF": Cloudflare refuses SCIM group names that begin with CF, so its push would fail.',
  ],
  // Inputs the tool can fix are normalised, and said so (#24 item 20).
  [
    'an account ID in upper case is taken in lower case',
    [],
    { ...ENV, CLOUDFLARE_ACCOUNT_ID: ACCOUNT.toUpperCase() },
    { accountId: ACCOUNT, warnings: [`Cloudflare account ID ${ACCOUNT.toUpperCase()} taken in lower case, as Cloudflare writes it: ${ACCOUNT}.`] },
  ],
  [
    'an org URL without https:// is taken as https',
    ['--org-url', 'acme.okta.com'],
    ENV,
    { orgUrl: 'https://acme.okta.com', warnings: ['Okta org URL "acme.okta.com" taken as https://acme.okta.com.'] },
  ],
  ['a compound wait', ['--wait', '1h30m'], ENV, { waitMs: 5_400_000 }],
  [
    'env alone',
    [],
    ENV,
    {
      orgUrl: 'https://acme.okta.com',
      accountId: ACCOUNT,
      apiBaseUrl: 'https://api.cloudflare.com/client/v4',
      scimBaseUrl: `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/scim/v2`,
      appLabel: 'Cloudflare SCIM',
      waitMs: 120_000,
      assignGroups: [],
      pushGroups: [],
    },
  ],
  ['a flag beats env', ['--org-url', 'https://other.okta.com/'], ENV, { orgUrl: 'https://other.okta.com' }],
  ['env beats the config file', ['--config', configFile('a.json', '{"okta":{"orgUrl":"https://file.okta.com"}}')], ENV, { orgUrl: 'https://acme.okta.com' }],
  [
    'the config file beats defaults',
    ['--config', configFile('b.yaml', 'okta:\n  appLabel: From File\nwait: 5m\n')],
    ENV,
    { appLabel: 'From File', waitMs: 300_000 },
  ],
  [
    'repeatable groups; a pushed group is also assigned',
    ['--assign-group', 'Sales', '--push-group', 'Engineering', '--push-group', 'Sales'],
    ENV,
    { assignGroups: ['Sales', 'Engineering'], pushGroups: ['Engineering', 'Sales'] },
  ],
  [
    'groups from a YAML config',
    ['--config', configFile('c.yaml', 'assignGroups: [Sales]\npushGroups:\n  - Engineering\n')],
    ENV,
    { assignGroups: ['Sales', 'Engineering'], pushGroups: ['Engineering'] },
  ],
  ['tokens are trimmed of newlines', [], { ...ENV, CLOUDFLARE_SCIM_TOKEN: 'cfat_scimtoken123456\n' }, { scimToken: 'cfat_scimtoken123456' }],
  ['http is fine on loopback', ['--api-base-url', 'http://127.0.0.1:8787/client/v4/'], ENV, { apiBaseUrl: 'http://127.0.0.1:8787/client/v4' }],
  [
    'a service app instead of a token',
    [],
    { ...ENV, OKTA_API_TOKEN: undefined, OKTA_CLIENT_ID: '0oaclient', OKTA_PRIVATE_KEY: '{"kty":"bad"}' },
    'Okta private key (from env OKTA_PRIVATE_KEY): it is not a PEM or JWK private key.',
  ],
  ['missing everything', [], {}, 'Missing required inputs:\n  - Okta org URL: set OKTA_ORG_URL or pass --org-url'],
  ['http org URL', [], { ...ENV, OKTA_ORG_URL: 'http://acme.okta.com' }, 'Okta org URL (from env OKTA_ORG_URL): "http://acme.okta.com" must use https'],
  [
    'admin host',
    ['--org-url', 'https://acme-admin.okta.com'],
    ENV,
    'Okta org URL (from --org-url): "https://acme-admin.okta.com" is the admin console host. Use the org URL without "-admin": https://acme.okta.com.',
  ],
  ['org URL with a path', [], { ...ENV, OKTA_ORG_URL: 'https://acme.okta.com/app/UserHome' }, 'has a path (/app/UserHome)'],
  [
    'account ID too short',
    ['--account-id', 'abc'],
    ENV,
    'Cloudflare account ID (from --account-id): "abc" is not a Cloudflare account ID (32 hex characters, got 3 characters).',
  ],
  ['a token with its scheme', [], { ...ENV, OKTA_API_TOKEN: 'SSWS 00oktatoken1234567' }, 'Okta API token (from env OKTA_API_TOKEN): it starts with "SSWS ".'],
  ['a quoted token', [], { ...ENV, CLOUDFLARE_SCIM_TOKEN: '"cfat_scimtoken123456"' }, 'it is wrapped in quotes'],
  ['a group with trailing spaces', ['--push-group', 'Engineering '], ENV, 'group "Engineering " has leading or trailing spaces'],
  ['a group given twice', ['--assign-group', 'Sales', '--assign-group', 'Sales'], ENV, 'group "Sales" is given twice'],
  ['a bad wait', ['--wait', 'soon'], ENV, 'Wait (from --wait): "soon" is not a duration.'],
  ['a config key that does not exist', ['--config', configFile('d.json', '{"okta":{"orgURL":"x"}}')], ENV, 'unknown key "okta.orgURL"'],
  ['a secret in the config file', ['--config', configFile('e.yaml', 'cloudflare:\n  scimToken: x\n')], ENV, 'Secrets do not belong in a config file'],
  [
    'both a token and a service app',
    [],
    { ...ENV, OKTA_CLIENT_ID: '0oaclient' },
    'both an API token (env OKTA_API_TOKEN) and a service app (env OKTA_CLIENT_ID) are set',
  ],
];

describe('argv + env + config file → the input model or the exact error', () => {
  it.each(cases)('%s', async (_name, argv, env, expected) => {
    const result = parse(argv, env);
    if (typeof expected === 'string') await expect(result).rejects.toThrow(expected);
    else expect(await result).toMatchObject(expected);
  });
});

describe('after the questions, what to paste next time (#24 item 19)', () => {
  it('names each value to export, and never prints a secret', () => {
    const org = { key: 'orgUrl', label: 'Okta org URL', how: '', secret: false, env: 'OKTA_ORG_URL', hint: '' } as const;
    const token = { key: 'scimToken', label: 'Cloudflare SCIM token', how: '', secret: true, env: 'CLOUDFLARE_SCIM_TOKEN', hint: '' } as const;
    const text = exportLines([
      [org, 'https://acme.okta.com'],
      [token, 'cfat_secretvalue'],
    ]);
    expect(text).toBe(
      'To run again without these questions:\n    export OKTA_ORG_URL=https://acme.okta.com\n#   export CLOUDFLARE_SCIM_TOKEN=…   (set it yourself: scim-setup never prints a secret)',
    );
    expect(text).not.toContain('cfat_secretvalue');
  });
});

import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { handedEnv, shown } from '../helpers/people.js';
import { cleanEnv, ROOT } from '../helpers/cli.js';
import { provisionAsGuide, sandbox } from '../helpers/sandbox.js';
import { parseGithubOutput, parseWorkflowCommands } from '../helpers/workflow-parser.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/**
 * The action's step as a runner runs it: from its own checkout (the built tree), never a package fetched by name. An
 * `npx` on PATH that fails proves it is never asked (#34 item 30). `fake`: a checkout whose CLI prints what a hostile
 * Okta could make it print, without needing one.
 */
function runAction(
  env: Record<string, string>,
  fake?: { result: string; code: number },
): Promise<{ code: number | null; stdout: string; stderr: string; outputs: Record<string, string>; args: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-action-'));
  writeFileSync(join(dir, 'npx'), '#!/usr/bin/env bash\necho "npx asked for $*" >&2\nexit 99\n');
  chmodSync(join(dir, 'npx'), 0o755);
  const argsFile = join(dir, 'args');
  let checkout = ROOT;
  if (fake) {
    checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, 'bin'), { recursive: true });
    mkdirSync(join(checkout, 'dist'));
    writeFileSync(join(checkout, 'dist', 'index.js'), '');
    writeFileSync(join(dir, 'fake.json'), fake.result);
    writeFileSync(
      join(checkout, 'bin', 'scim-setup.js'),
      `const fs = require('node:fs');\nfs.writeFileSync(${JSON.stringify(argsFile)}, process.argv.slice(2).join('\\n'));\nprocess.stdout.write(fs.readFileSync(${JSON.stringify(join(dir, 'fake.json'))}));\nprocess.exitCode = ${fake.code};\n`,
    );
  }
  const output = join(dir, 'output');
  writeFileSync(output, '');
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  handedEnv(env);
  return new Promise((resolve) => {
    const child = execFile(
      'bash',
      [join(ROOT, 'action', 'run.sh')],
      {
        env: {
          ...cleanEnv(env),
          PATH: `${dir}:${process.env.PATH}`,
          SCIM_SETUP_ACTION_PATH: checkout,
          GITHUB_OUTPUT: output,
          GITHUB_ACTIONS: 'true',
          GITHUB_STEP_SUMMARY: summary,
          RUNNER_TEMP: dir,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const outputs = parseGithubOutput(readFileSync(output, 'utf8'));
        const args = fake ? readFileSync(argsFile, 'utf8').split('\n').filter(Boolean) : [];
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, outputs, args });
      },
    );
    // The sandbox's admin reads the step's log as it is written, as the person watching the job would.
    child.stdout?.on('data', (d) => shown(String(d)));
    child.stderr?.on('data', (d) => shown(String(d), 'stderr'));
  });
}

describe('the GitHub Action', () => {
  it('action.yml and both workflows pass the workflow linter', async () => {
    const files = [join(ROOT, 'action.yml'), ...readdirSync(join(ROOT, '.github', 'workflows')).map((f) => join(ROOT, '.github', 'workflows', f))];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const r = await new Promise<{ code: number; out: string }>((resolve) =>
        execFile(join(ROOT, 'node_modules', '.bin', 'action-validator'), [file], (error, stdout, stderr) =>
          resolve({ code: error ? 1 : 0, out: stdout + stderr }),
        ),
      );
      expect(r.code, `${file}: ${r.out}`).toBe(0);
    }
  });

  it("masks the secrets, runs the CLI from the action's own checkout (npx never asked), and sets app-id, exit-code and result", async () => {
    s = await sandbox({ admin: 'auto' });
    const contractors = s.okta.state.addGroup('Engineering, Contractors', null, 'OKTA_GROUP');
    s.okta.state.members.get(contractors.id)!.add([...s.okta.state.users.values()][0].id);
    const r = await runAction({
      ...s.env,
      // Multi-line: one name a line, a comma is part of a name. One line: comma-separated.
      INPUT_ASSIGN_GROUPS: 'Sales\nEngineering, Contractors\r\nSupport\n',
      INPUT_PUSH_GROUPS: 'Engineering',
      INPUT_ROLES: 'Engineering=Billing',
      INPUT_WAIT: '30s',
      INPUT_APP_LABEL: 'Cloudflare SCIM',
      INPUT_DRY_RUN: 'false',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('npx asked');
    for (const secret of [s.env.OKTA_API_TOKEN, s.env.CLOUDFLARE_SCIM_TOKEN, s.env.CLOUDFLARE_API_TOKEN]) expect(r.stdout).toContain(`::add-mask::${secret}`);
    expect(r.outputs['exit-code']).toBe('0');
    const app = [...s.okta.state.apps.values()][0];
    expect(r.outputs['app-id']).toBe(app.id);
    expect(JSON.parse(readFileSync(r.outputs.result, 'utf8'))).toMatchObject({ command: 'okta', app: { id: app.id } });
    expect([...app.groups.keys()].map((id) => s!.okta.state.groups.get(id)!.profile.name).sort()).toEqual([
      'Engineering',
      'Engineering, Contractors',
      'Sales',
      'Support',
    ]);
  });

  it('with no SCIM token it makes one, and rotate: true rotates it on a schedule: a new token in use, the old one revoked (#25)', async () => {
    s = await sandbox({ connectionApi: 'supported' });
    const named = () => [...s!.cloudflare.state.tokens.values()].filter((t) => t.name.startsWith('scim-setup: Cloudflare SCIM (Okta app '));
    const env = {
      ...s.env,
      CLOUDFLARE_SCIM_TOKEN: '',
      INPUT_PUSH_GROUPS: 'Engineering',
      INPUT_WAIT: '30s',
      INPUT_DRY_RUN: 'false',
      INPUT_SCIM_TOKEN_TTL: '30d',
    };
    const setUp = await runAction(env);
    expect(setUp.code, setUp.stderr).toBe(0);
    const [first] = named();
    expect(named()).toHaveLength(1);
    expect(Date.parse(first.expiresOn as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const rotated = await runAction({ ...env, INPUT_ROTATE: 'true' });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(readFileSync(rotated.outputs.result, 'utf8'))).toMatchObject({ command: 'rotate-token', exitCode: 0 });
    expect(named()).toHaveLength(1);
    expect(named()[0].id).not.toBe(first.id);
    for (const t of [first, ...named()]) expect(setUp.stdout + setUp.stderr + rotated.stdout + rotated.stderr).not.toContain(t.value);
  });

  it('redact-pii holds for the rotation too: its annotations and summary hash people as the setup does', async () => {
    const fake = { result: '{"command":"rotate-token","exitCode":0}', code: 0 };
    const base = { OKTA_ORG_URL: 'https://acme.okta.com', OKTA_API_TOKEN: 'x', CLOUDFLARE_ACCOUNT_ID: 'a'.repeat(32), INPUT_REDACT_PII: 'true' };
    expect((await runAction({ ...base, INPUT_ROTATE: 'true' }, fake)).args).toEqual(expect.arrayContaining(['rotate-token', '--create', '--redact-pii']));
    expect((await runAction(base, fake)).args).toEqual(expect.arrayContaining(['okta', '--redact-pii']));
    expect((await runAction({ ...base, INPUT_REDACT_PII: 'false', INPUT_ROTATE: 'true' }, fake)).args).not.toContain('--redact-pii');
  });

  it('config: a fleet config in the repository runs every account, each token named by an env var of the step (#26)', async () => {
    s = await sandbox({ accounts: 2, admin: 'auto' });
    const [a, b] = s.accounts;
    const config = join(mkdtempSync(join(tmpdir(), 'action-fleet-')), 'fleet.yaml');
    writeFileSync(
      config,
      `pushGroups: [Engineering]\naccounts:\n  - { name: a, accountId: ${a.accountId}, apiTokenEnv: API_A }\n  - { name: b, accountId: ${b.accountId}, apiTokenEnv: API_B }\n`,
    );
    const r = await runAction({
      OKTA_ORG_URL: s.env.OKTA_ORG_URL,
      OKTA_API_TOKEN: s.env.OKTA_API_TOKEN,
      CLOUDFLARE_API_BASE_URL: s.env.CLOUDFLARE_API_BASE_URL,
      CLOUDFLARE_ACCOUNT_ID: '',
      CLOUDFLARE_SCIM_TOKEN: '',
      API_A: a.env.CLOUDFLARE_API_TOKEN,
      API_B: b.env.CLOUDFLARE_API_TOKEN,
      INPUT_CONFIG: config,
      INPUT_WAIT: '30s',
      INPUT_DRY_RUN: 'false',
      // A self-hosted runner whose files the admin can open: each account's made token is handed over in one.
      INPUT_TOKEN_OUT: join(dirname(config), 'scim-token'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain(`${join(dirname(config), 'scim-token')}.a`);
    const doc = JSON.parse(readFileSync(r.outputs.result, 'utf8'));
    expect(doc.accounts.map((x: { name: string; exitCode: number }) => [x.name, x.exitCode])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(r.outputs['app-id']).toBe('');
    expect([...s.okta.state.apps.values()].map((x) => x.label).sort()).toEqual(['Cloudflare SCIM (a)', 'Cloudflare SCIM (b)']);
  });

  it('a one-line list is split on commas', async () => {
    s = await sandbox({ admin: 'auto' });
    const r = await runAction({ ...s.env, INPUT_ASSIGN_GROUPS: 'Sales, Support', INPUT_WAIT: '30s', INPUT_DRY_RUN: 'true' });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(r.outputs.result, 'utf8'));
    expect(doc.actions.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['group-assignment:Sales', 'group-assignment:Support']));
  });

  it('masks every line of a multi-line secret before anything else is printed', async () => {
    s = await sandbox({ admin: 'auto' });
    const secret = 'first-line-of-a-secret\r\nsecond-line-of-a-secret 100%\nthird-line-of-a-secret';
    const r = await runAction({ ...s.env, CLOUDFLARE_SCIM_TOKEN: secret, INPUT_DRY_RUN: 'true' });
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    const masks = parseWorkflowCommands(r.stdout).filter((c) => c.name === 'add-mask');
    expect(masks.map((c) => c.data)).toEqual(expect.arrayContaining(['first-line-of-a-secret', 'second-line-of-a-secret 100%', 'third-line-of-a-secret']));
    // Nothing before the masks.
    expect(lines.slice(0, masks.length).every((l) => l.startsWith('::add-mask::'))).toBe(true);
  });

  it('writes outputs with a delimiter: an id with a line break from a hostile Okta cannot forge exit-code', async () => {
    s = await sandbox({ admin: 'auto' });
    const forged = JSON.stringify({ command: 'okta', app: { id: '0oa1\nexit-code=0\nx<<EOF' } });
    const r = await runAction({ ...s.env, INPUT_DRY_RUN: 'true' }, { result: forged, code: 1 });
    expect(r.code).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.outputs['app-id']).toBe('');
  });

  it('waiting for an admin: exit-code 3, the step fails, and a re-run after the admin acts completes', async () => {
    s = await sandbox({ admin: 'manual' });
    const inputs = { ...s.env, INPUT_PUSH_GROUPS: 'Engineering', INPUT_WAIT: '2s', INPUT_DRY_RUN: 'false' };
    const first = await runAction(inputs);
    expect(first.code).toBe(3);
    expect(first.outputs['exit-code']).toBe('3');
    const app = [...s.okta.state.apps.values()][0];
    provisionAsGuide(s, app.id);
    const again = await runAction({ ...inputs, INPUT_WAIT: '30s' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs['app-id']).toBe(app.id);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import MarkdownIt from 'markdown-it';
import { SaxesParser } from 'saxes';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { parseWorkflowCommands } from '../helpers/workflow-parser.js';
import { HOSTILE_NAMES } from '../helpers/hostile-names.js';
import { control, pushNamedGroups, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'scim-ci-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  return { summary, junit: join(dir, 'checks.xml') };
}

describe('CI-native output: the GitHub job summary and annotations, and JUnit XML', () => {
  it('a run under GitHub Actions writes the plan and the verification to the job summary, warnings as annotations on stderr, and the checks as JUnit', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const f = files();
    const r = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--json', '--junit', f.junit], {
      on: s,
      env: cleanEnv({ ...s.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: f.summary }),
      secrets: sandboxSecrets(s),
    });
    expect(r.code, r.stderr).toBe(0);
    // stdout stays one JSON document.
    const doc = JSON.parse(r.stdout);
    const summary = readFileSync(f.summary, 'utf8');
    expect(summary).toContain('## scim-setup okta');
    expect(summary).toContain('| create | `create Okta app "Cloudflare SCIM"');
    expect(summary).toContain('| PASS | `push-group:Engineering` |');
    // Properties escaped as @actions/core escapes them: a `:` in a check id cannot end the title.
    expect(r.stderr).toMatch(/^::warning title=scim-setup warn-no-role%3AEngineering::/m);
    const xml = readFileSync(f.junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(doc.verification.checks.length);
    expect(xml).toContain('name="push-group:Engineering"');
    for (const secret of sandboxSecrets(s)) expect(summary + xml).not.toContain(secret.split('\n')[1] ?? secret);
  });

  it('waiting on the guided step (exit 3): the summary carries the link and the checklist', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'manual' });
    const f = files();
    const r = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '1s'], {
      on: s,
      env: cleanEnv({ ...s.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: f.summary }),
    });
    expect(r.code).toBe(3);
    const summary = readFileSync(f.summary, 'utf8');
    expect(summary).toContain('### Waiting for a person: `Turn on provisioning in Okta');
    expect(summary).toMatch(/\[Open it in the Okta admin console\]\(http:\/\/127\.0\.0\.1:\d+\/admin\/app\/scim2testapp\/instance\/\w+\/#tab-provisioning\)/);
    expect(summary).toContain('- [ ] `Deselect Import Groups.`');
    // How the run ended, said once more where a CI user looks: the summary and an annotation.
    expect(summary).toContain('## scim-setup okta: waiting (exit 3)');
    expect(r.stderr).toMatch(/^::notice title=scim-setup okta waiting \(exit 3\)::Provisioning is not on yet/m);
  });

  it('a failed check is an ::error:: annotation and a JUnit failure', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { on: s, env: cleanEnv(s.env) })).code).toBe(0);
    await control(s.cloudflare.url, 'POST', '/__sandbox/tokens/revoke', { token: s.env.CLOUDFLARE_SCIM_TOKEN });
    const f = files();
    const r = await runInProcess(['verify', '--junit', f.junit], {
      on: s,
      env: cleanEnv({ ...s.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: f.summary }),
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^::error title=scim-setup scim-token::Cloudflare refused the SCIM token/m);
    expect(readFileSync(f.junit, 'utf8')).toMatch(/<testcase classname="scim-setup.verify" name="scim-token"><failure type="fail"/);
  });

  it('outside GitHub Actions nothing is written but the JUnit file asked for', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const f = files();
    const r = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--junit', f.junit], {
      on: s,
      env: cleanEnv({ ...s.env, GITHUB_STEP_SUMMARY: f.summary }),
    });
    expect(r.code).toBe(0);
    expect(readFileSync(f.summary, 'utf8')).toBe('');
    expect(r.stdout + r.stderr).not.toContain('::warning');
    expect(readFileSync(f.junit, 'utf8')).toContain('<testsuites name="scim-setup okta"');
  });

  it('hostile Okta group names through every machine output, each read back as its consumer reads it (#20)', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { on: s, env: cleanEnv(s.env) })).code).toBe(0);
    await pushNamedGroups(s, HOSTILE_NAMES);
    const f = files();
    const env = cleanEnv({ ...s.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: f.summary });
    const json = await runInProcess(['verify', '--json', '--junit', f.junit], { on: s, env, secrets: sandboxSecrets(s) });
    const human = await runInProcess(['verify'], { on: s, env, secrets: sandboxSecrets(s) });

    // The runner's own reading: the only commands are the program's annotations.
    for (const out of [json.stdout, json.stderr, human.stdout, human.stderr]) {
      for (const c of parseWorkflowCommands(out)) {
        expect(['error', 'warning', 'notice'], c.line).toContain(c.name);
        expect(c.syntax).toBe('v2');
        expect(Object.keys(c.properties)).toEqual(['title']);
        expect(c.properties.title.startsWith('scim-setup '), c.line).toBe(true);
      }
    }
    expect(parseWorkflowCommands(json.stdout)).toEqual([]);
    expect(parseWorkflowCommands(human.stderr).length).toBeGreaterThan(0);
    // --json stays exact: every name as Okta has it.
    const ids = JSON.parse(json.stdout).checks.map((c: { id: string }) => c.id);
    for (const name of HOSTILE_NAMES) expect(ids).toContain(`push-group:${name}`);
    // JUnit parses strictly.
    const parser = new SaxesParser();
    let cases = 0;
    parser.on('opentag', (t) => void (t.name === 'testcase' && cases++));
    parser.write(readFileSync(f.junit, 'utf8')).close();
    expect(cases).toBe(ids.length);
    // The summary renders no link, image or heading from a name.
    const html = new MarkdownIt({ html: true, linkify: true }).render(readFileSync(f.summary, 'utf8'));
    expect(html).not.toMatch(/<a |<img|<h1|<script/);
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** The layer rule on a tree of its own: each planted violation is named, and the real src/ has none. */
function check(src?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'check-layers.mjs'), ...(src ? [src] : [])], (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, out: stdout + stderr }),
    );
  });
}

function tree(files: Record<string, string>): string {
  const src = mkdtempSync(join(tmpdir(), 'scim-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  return src;
}

describe('the layer rule', () => {
  it('passes on src/', async () => {
    expect((await check()).code).toBe(0);
  });

  it('names every kind of violation', async () => {
    const r = await check(
      tree({
        'plan/planner.ts': "import { x } from '../cloudflare/roles.js';\nimport { readFile } from 'node:fs';\n",
        'cloudflare/roles.ts': 'export const x = 1;\n',
        'verify/run.ts': "import type { Session } from '../commands/session.js';\nimport { y } from '../apply/apply.js';\n",
        'commands/session.ts': 'export type Session = {};\n',
        'apply/apply.ts': 'export const y = 1;\n',
        'sandbox/emulator.ts': "import { z } from '../okta/client.js';\n",
        'okta/client.ts': "export const z = 1;\nimport { s } from '../sandbox/emulator.js';\n",
        'commands/demo.ts': "import { s } from '../sandbox/emulator.js';\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('plan/planner.ts: plan/ imports upward into cloudflare/');
    expect(r.out).toContain('plan/planner.ts: plan/ does no I/O, but imports node:fs');
    expect(r.out).toContain('verify/run.ts: verify/ imports upward into commands/');
    expect(r.out).toContain('verify/run.ts: verify/ imports its sibling layer apply/');
    expect(r.out).toContain('sandbox/emulator.ts: sandbox/ imports only lib/');
    expect(r.out).toContain('okta/client.ts: only commands start the sandbox');
    expect(r.out).toContain('commands/demo.ts: the sandbox is used through its one entry');
  });

  it('fails closed (#23 item 8): a file or folder with no layer, a side-effect import, a computed dynamic import, I/O reached through lib/', async () => {
    const r = await check(
      tree({
        'cli.ts': "import { run } from './commands/okta.js';\nconst m = await import('./commands/okta.js');\n",
        'commands/okta.ts': "import type { Context } from '../context.js';\nexport const run = 1;\n",
        'context.ts': "import type { Redactor } from './lib/redact.js';\n",
        'lib/redact.ts': 'export class Redactor {}\n',
        'extra.ts': 'export const stray = 1;\n',
        'tools/helper.ts': 'export const h = 1;\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is source text holding a computed import
        'okta/client.ts': "import '../tools/helper.js';\nconst name = 'x';\nawait import(`./${name}.js`);\n",
        'lib/disk.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
        'lib/config.ts': "import { read } from './disk.js';\nexport const load = read;\nexport type Config = {};\n",
        'plan/planner.ts': "import '../lib/disk.js';\nimport { load } from '../lib/config.js';\nimport type { Config } from '../lib/config.js';\n",
      }),
    );
    expect(r.code).toBe(1);
    const lines = r.out.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines.sort()).toEqual(
      [
        '  - extra.ts: has no layer (a new folder or root file): add it to the layer rule in scripts/check-layers.mjs',
        '  - tools/helper.ts: has no layer (a new folder or root file): add it to the layer rule in scripts/check-layers.mjs',
        '  - okta/client.ts: imports ../tools/helper.js, which has no layer',
        '  - okta/client.ts: a dynamic import with a computed path cannot be checked; import a literal path',
        '  - plan/planner.ts: plan/ does no I/O, but imports ../lib/disk.js, which does',
        '  - plan/planner.ts: plan/ does no I/O, but imports ../lib/config.js, which does',
      ].sort(),
    );
  });
});

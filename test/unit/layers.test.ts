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
});

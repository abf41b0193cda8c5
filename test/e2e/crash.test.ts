import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Exchange } from '../../src/sandbox/http/server.js';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.js';
import { handedEnv, shown } from '../helpers/people.js';
import { endState } from '../helpers/end-state.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';

const ARGS = ['okta', '--assign-group', 'Sales', '--push-group', 'Engineering', '--yes', '--wait', '20s'];

/** Runs the CLI and SIGKILLs it the moment the sandbox has carried out its k-th write. */
async function killedAfterWrite(k: number, env: Record<string, string>, taps: Array<(e: Exchange) => void>): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), ...ARGS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The admin reads what the run prints until it dies: the guided step is done from the screen, as a person does it.
  handedEnv(env);
  child.stdout.on('data', (d) => shown(String(d)));
  child.stderr.on('data', (d) => shown(String(d), 'stderr'));
  let writes = 0;
  taps.push((e) => {
    if (e.method !== 'GET' && ++writes === k) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('exit', () => resolve(writes)));
}

describe('crash anywhere: a run killed right after any write converges when run again', () => {
  it('ends, for every k, in the same state as an uninterrupted run', async () => {
    const reference = await sandbox({ admin: 'auto' });
    let writes = 0;
    reference.okta.server.taps.push((e) => void (e.method !== 'GET' && writes++));
    const clean = await runCli(ARGS, { env: cleanEnv(reference.env), secrets: sandboxSecrets(reference) });
    expect(clean.code, clean.stderr).toBe(0);
    await reference.okta.engine.idle();
    const expected = endState(reference);
    await reference.close();
    expect(writes).toBeGreaterThanOrEqual(5);

    for (let k = 1; k <= writes; k++) {
      const s = await sandbox({ admin: 'auto' });
      try {
        await killedAfterWrite(k, cleanEnv(s.env), s.okta.server.taps);
        const again = await runCli(ARGS, { env: cleanEnv(s.env), secrets: sandboxSecrets(s) });
        expect(again.code, `re-run after a kill at write ${k}: ${again.stderr}`).toBe(0);
        await s.okta.engine.idle();
        expect(endState(s), `end state after a kill at write ${k}`).toEqual(expected);
      } finally {
        await s.close();
      }
    }
    console.log(`crash-anywhere: ${writes} crash points tried, all converged`);
    // A process started and killed for every write, then run again: a minute of work on a loaded machine.
  }, 120_000);
});

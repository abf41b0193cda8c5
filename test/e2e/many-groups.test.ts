import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('a dozen push mappings (#20)', () => {
  it('okta and verify read them all at once with no MaxListenersExceededWarning', async () => {
    s = await sandbox({ admin: 'auto' });
    const users = [...s.okta.state.users.values()];
    const names = Array.from({ length: 14 }, (_, i) => `Team ${i}`);
    for (const [i, name] of names.entries()) s.okta.state.members.get(s.okta.state.addGroup(name, null, 'OKTA_GROUP').id)!.add(users[i].id);
    const env = cleanEnv(s.env);
    const okta = await runInProcess(['okta', ...names.flatMap((n) => ['--push-group', n]), '--yes', '--wait', '30s'], { env, secrets: sandboxSecrets(s) });
    expect(okta.code, okta.stderr).toBe(0);
    const verify = await runInProcess(['verify', '--wait', '30s'], { env, secrets: sandboxSecrets(s) });
    expect(verify.code, verify.stderr).toBe(0);
    for (const r of [okta, verify]) expect(r.stderr).not.toContain('MaxListenersExceededWarning');
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.js';

/** Runs bash's own completion machinery on the script the CLI prints: what a user's Tab would offer. */
function complete(words: string[]): Promise<string[]> {
  const script = `
    source <(node ${join(ROOT, 'bin', 'scim-setup.js')} completion bash)
    complete -p scim-setup >/dev/null || exit 9
    COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
    _scim_setup
    printf '%s\\n' "\${COMPREPLY[@]}"`;
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { env: cleanEnv() }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr || error.message)) : resolve(stdout.trim().split('\n').filter(Boolean)),
    ),
  );
}

describe('shell completion', () => {
  it('bash completes the commands', async () => {
    expect(await complete(['scim-setup', 'ro'])).toEqual(['rotate-token']);
    expect(await complete(['scim-setup', ''])).toEqual(
      expect.arrayContaining(['okta', 'verify', 'destroy', 'migrate', 'rotate-token', 'sandbox', 'demo', 'completion']),
    );
  });

  it("bash completes each command's own flags, and only those", async () => {
    expect(await complete(['scim-setup', 'okta', '--push'])).toEqual(['--push-group']);
    expect(await complete(['scim-setup', 'okta', '--dry-run', '--det'])).toEqual(['--detailed-exitcode']);
    expect(await complete(['scim-setup', 'destroy', '--delete'])).toEqual(['--delete-cloudflare-groups']);
    expect(await complete(['scim-setup', 'destroy', '--push'])).toEqual([]);
    expect(await complete(['scim-setup', 'sandbox', '--comp'])).toEqual(['--compare']);
  });

  it('zsh and fish scripts name every command; another shell is an input error', async () => {
    for (const shell of ['zsh', 'fish']) {
      const r = await runCli(['completion', shell]);
      expect(r.code).toBe(0);
      for (const command of ['okta', 'verify', 'rotate-token', 'sandbox']) expect(r.stdout).toContain(command);
    }
    expect((await runCli(['completion', 'fish'])).stdout).toContain('complete -c scim-setup -n "__fish_seen_subcommand_from okta" -l push-group');
    const bad = await runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Use one of: bash, zsh, fish.');
  });
});

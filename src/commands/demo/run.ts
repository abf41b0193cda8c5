import type { CommandLine, Context } from '../../context.js';
import type { DemoOptions } from './declaration.js';
import { makeReporter } from '../session.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.js';
import type { Reporter } from '../../lib/reporter.js';
import { sandboxFleetConfig, startSandbox, type Sandbox } from '../../sandbox/index.js';

/**
 * `npx scim-setup demo`: the sandbox in-process, then the whole `okta` command against it, run as
 * the command line a person would type (through the one registration, src/cli.ts).
 */
export async function run(options: DemoOptions, ctx: Context, commandLine: CommandLine): Promise<number> {
  const reporter = makeReporter(options, ctx);
  const accounts = options.accounts === undefined ? 1 : Number(options.accounts);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 20)
    throw new InputError(`--accounts: "${options.accounts}" is not a number of accounts from 1 to 20.`, 'Pass e.g. --accounts 3.');
  const sandbox = await startSandbox({ admin: 'auto', adminDelayMs: 1500, provisioningDelayMs: 150, accounts });
  try {
    if (options.accounts !== undefined) return await fleetDemo(sandbox, options, ctx, reporter, commandLine);
    const s = reporter.style;
    reporter.info(`${s.bold('scim-setup demo')}: a sandbox Okta org and Cloudflare account are running on 127.0.0.1.`);
    reporter.info(
      `It will create the SCIM app, assign "Sales", assign and push ` +
        `"Engineering" with the Cloudflare role\n"Administrator Read Only", ` +
        `wait for the emulated admin to turn on provisioning (the guided ` +
        `step), then prove\nthe result by reading Cloudflare back.\n`,
    );
    const env = { ...ctx.env, ...sandbox.env };
    delete env.CI;
    const okta = ['okta', '--assign-group', 'Sales', '--push-group', 'Engineering', '--role', 'Engineering=Administrator Read Only', '--yes', '--wait', '60s'];
    const code = await commandLine(
      [...okta, ...outputFlags(options)],
      shownToAdmin(sandbox, { ...ctx, env, stdin: Object.assign(ctx.stdin, { isTTY: false }) }),
    );
    const members = sandbox.cloudflare.state.members.size;
    const groups = [...sandbox.cloudflare.state.userGroups.values()].map((g) => `${g.name} (${g.members.size} members)`);
    reporter.info(`\nCloudflare now has ${members} account members and user groups: ${groups.join(', ') || 'none'}.`);
    reporter.info(code === 0 ? s.green('Demo finished: the setup is verified.') : s.red(`Demo finished with exit code ${code}.`));
    reporter.info(
      'Next: do the guided step yourself on a sandbox: `npx scim-setup sandbox`, then `npx scim-setup okta --push-group Engineering` against it, and open the link it prints; or run it against your own org (docs/usage.md).',
    );
    return code;
  } finally {
    await sandbox.close();
  }
}

/** The demo's own output flags, passed on to the run it makes. */
function outputFlags(options: DemoOptions): string[] {
  return [...(options.json ? ['--json'] : []), ...(options.color === false ? ['--no-color'] : [])];
}

/**
 * The demo's admin is a person at this terminal: it reads what the run prints, as it is printed,
 * and does only what that lets a person do. Nothing the run sends to Okta reaches it another way.
 */
function shownToAdmin(sandbox: Sandbox, ctx: Context): Context {
  const admin = sandbox.admin;
  if (!admin) return ctx;
  const watched = <S extends NodeJS.WritableStream>(stream: S, name: string): S => {
    // The stream's own write, taken now: a spinner that hooks the stream's `write` later must not loop back through this one.
    const original = stream.write;
    const write = (chunk: unknown, ...rest: unknown[]) => {
      admin.sees(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk), name);
      return Reflect.apply(original, stream, [chunk, ...rest]);
    };
    return new Proxy(stream, {
      get(target, prop) {
        if (prop === 'write') return write;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { ...ctx, stdout: watched(ctx.stdout, 'stdout'), stderr: watched(ctx.stderr, 'stderr') };
}

/** `demo --accounts N`: the sandbox's N accounts as a fleet config, then one `okta --config` run for all of them. */
async function fleetDemo(sandbox: Sandbox, options: DemoOptions, ctx: Context, reporter: Reporter, commandLine: CommandLine): Promise<number> {
  const s = reporter.style;
  const dir = await mkdtemp(join(tmpdir(), 'scim-setup-demo-'));
  try {
    const { text, env: tokens } = sandboxFleetConfig({ oktaUrl: sandbox.okta.url, apiBaseUrl: sandbox.cloudflare.apiBaseUrl, accounts: sandbox.accounts });
    const config = join(dir, 'fleet.json');
    await writeFile(config, text);
    reporter.info(`${s.bold('scim-setup demo')}: a sandbox Okta org and ${sandbox.accounts.length} Cloudflare accounts are running on 127.0.0.1.`);
    reporter.info(
      `One run sets up an app per account from this fleet config (${config}):\n${text}\n` +
        'Each account makes its own SCIM token; the emulated admin turns on provisioning for each app.\n',
    );
    const env: NodeJS.ProcessEnv = { ...ctx.env, ...sandbox.env, ...tokens };
    for (const name of ['CI', 'CLOUDFLARE_SCIM_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN']) delete env[name];
    // Each account's token is made by the run and handed over in a file of its own, for the admin to paste (as CI would).
    const okta = ['okta', '--config', config, '--yes', '--wait', '60s', '--token-out', join(dir, 'scim-token')];
    const code = await commandLine(
      [...okta, ...outputFlags(options)],
      shownToAdmin(sandbox, { ...ctx, env, stdin: Object.assign(ctx.stdin, { isTTY: false }) }),
    );
    reporter.info(
      code === 0 ? s.green(`\nDemo finished: ${sandbox.accounts.length} accounts set up and verified.`) : s.red(`\nDemo finished with exit code ${code}.`),
    );
    reporter.info('Next: docs/fleets.md, for a fleet config of your own accounts.');
    return code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

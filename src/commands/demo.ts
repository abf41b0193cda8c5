import type { Context } from '../context.js';
import type { DemoOptions, OktaOptions } from './options.js';
import { makeReporter } from './session.js';
import { startSandbox } from '../sandbox/index.js';
import { run as runOkta } from './okta.js';

/** `npx scim-setup demo`: the sandbox in-process, then the whole `okta` command against it. */
export async function run(options: DemoOptions, ctx: Context): Promise<number> {
  const reporter = makeReporter(options, ctx);
  const sandbox = await startSandbox({ admin: 'auto', adminDelayMs: 1500, provisioningDelayMs: 150 });
  try {
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
    // Through the same typed options as `npx scim-setup okta`: a misspelt key does not compile.
    const oktaOptions: OktaOptions = {
      assignGroup: ['Sales'],
      pushGroup: ['Engineering'],
      role: ['Engineering=Administrator Read Only'],
      yes: true,
      wait: '60s',
      json: options.json,
      color: options.color,
      verify: true,
    };
    const code = await runOkta(oktaOptions, { ...ctx, env, stdin: Object.assign(ctx.stdin, { isTTY: false }) });
    const members = sandbox.cloudflare.state.members.size;
    const groups = [...sandbox.cloudflare.state.userGroups.values()].map((g) => `${g.name} (${g.members.size} members)`);
    reporter.info(`\nCloudflare now has ${members} account members and user groups: ${groups.join(', ') || 'none'}.`);
    reporter.info(code === 0 ? s.green('Demo finished: the setup is verified.') : s.red(`Demo finished with exit code ${code}.`));
    reporter.info(`Next: run \`npx scim-setup sandbox --admin auto\` and point \`npx scim-setup okta\` at it, or at your own org (see README, "Real use").`);
    return code;
  } finally {
    await sandbox.close();
  }
}

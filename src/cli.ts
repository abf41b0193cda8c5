import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { CommandLine, Context } from './context.js';
import { exitCodeHelp } from './lib/errors.js';
import { declareDemo } from './commands/demo/declaration.js';
import { declareDestroy } from './commands/destroy/declaration.js';
import { declareMigrate } from './commands/migrate/declaration.js';
import { declareOkta } from './commands/okta/declaration.js';
import { declareRotateToken } from './commands/rotate-token/declaration.js';
import { declareSandbox } from './commands/sandbox/declaration.js';
import { declareVerify } from './commands/verify/declaration.js';
import { declareReport } from './commands/report/declaration.js';
import * as destroyCommand from './commands/destroy/run.js';
import * as migrateCommand from './commands/migrate/run.js';
import * as oktaCommand from './commands/okta/run.js';
import * as reportCommand from './commands/report/run.js';
import * as rotateTokenCommand from './commands/rotate-token/run.js';
import * as verifyCommand from './commands/verify/run.js';
import { VERSION } from './lib/version.js';
import { hideFlagValues } from './lib/redact.js';

/**
 * Commander wiring, with the commands that talk to Okta and Cloudflare. `--help` is printed from the
 * build's text without loading this (bin/scim-setup.js). Those commands share most of their code, so
 * they load with the program, and their clients with the SDKs as one more module once the inputs are
 * valid (commands/clients.ts): loaded apart, a dry run read 44 modules, each a resolve, read and
 * compile of Node's ESM loader (18 now; about 12 ms less, measured, #37). What few runs use loads
 * when it runs: the sandbox, the demo, shell completion.
 */
export function buildProgram(ctx: Context, setExitCode: (code: number) => void): Command {
  const program = new Command('scim-setup')
    .description('Set up Okta as the SCIM identity provider for a Cloudflare account: plan, apply, verify.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(hideFlagValues(s)),
      // Help fits the terminal it is printed on; 80 where there is none.
      getOutHelpWidth: () => ctx.stdout.columns || 80,
      getErrHelpWidth: () => ctx.stderr.columns || 80,
    })
    .addHelpText(
      'after',
      `\nExamples:\n  $ npx scim-setup demo\n  $ npx scim-setup okta --push-group Engineering\n  $ npx scim-setup okta --dry-run --json\n\n${exitCodeHelp({ root: true })}\n`,
    );

  const run =
    <O>(command: CommandModule<O> | (() => Promise<CommandModule<O>>)) =>
    async (options: O) => {
      const module = typeof command === 'function' ? await command() : command;
      setExitCode(await module.run(options, ctx, commandLine));
    };

  // Each command's flags and help are declared in its home (commands/<name>/declaration.ts).
  const add = <C extends CommandUnknownOpts>(command: C) => {
    command.copyInheritedSettings(program);
    program.addCommand(command);
    return command;
  };
  add(declareOkta().action(run(oktaCommand)));
  add(declareVerify().action(run(verifyCommand)));
  add(declareDestroy().action(run(destroyCommand)));
  add(declareMigrate().action(run(migrateCommand)));
  add(declareRotateToken().action(run(rotateTokenCommand)));
  add(declareReport().action(run(reportCommand)));
  add(declareSandbox().action(run(() => import('./commands/sandbox/run.js'))));
  add(declareDemo().action(run(() => import('./commands/demo/run.js'))));

  program
    .command('completion')
    .description('Print a shell completion script for commands and flags (bash, zsh or fish).')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `\nExamples:\n  $ eval "$(scim-setup completion bash)"\n  $ scim-setup completion zsh > "\${fpath[1]}/_scim-setup"\n` +
        `  $ scim-setup completion fish > ~/.config/fish/completions/scim-setup.fish\n\n` +
        // A shell completes the command typed first: after `npx`, that is npx, which this script does not teach.
        'It completes the scim-setup command: put it on your PATH first (npm install --global, or npm link in a clone).\n' +
        'Typed as `npx scim-setup …`, the shell completes npx, and this script does nothing.\n',
    )
    .action(async (shell: string) => {
      const { completionScript } = await import('./commands/completion/script.js');
      const flagsOf = (c: CommandUnknownOpts) => c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f))).concat('--help');
      const model = { commands: program.commands.map((c) => ({ name: c.name(), flags: flagsOf(c) })), globalFlags: ['--help', '--version'] };
      ctx.stdout.write(completionScript(shell, model));
    });

  return program;
}

const commandLine: CommandLine = async (args, ctx) => {
  let code = 0;
  await buildProgram(ctx, (c) => (code = c)).parseAsync(args, { from: 'user' });
  return code;
};

export interface CommandModule<O> {
  /** `commandLine`: for a command that runs another as typed (demo runs okta). */
  run(options: O, ctx: Context, commandLine: CommandLine): Promise<number>;
}

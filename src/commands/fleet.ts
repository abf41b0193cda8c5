import type { RunResult } from '../apply/executor.js';
import type { JsonDocument } from '../lib/json-document.js';
import type { AccountFields, FleetFields } from './documents.js';
import type { Context } from '../context.js';
import type { LoadedConfig } from '../lib/config-file.js';
import { loadConfig } from '../lib/config-load.js';
import { CliError, ExitCode, exitCodeFor, InputError, InterruptedError, mostSevere, PendingError } from '../lib/errors.js';
import { fleetMembers, memberEnv, ONE_ACCOUNT_ENV, refuseOneAccountFlags, selectMembers, type FleetMember } from '../lib/fleet.js';
import type { SavedInputs, ScimTokenNeed, SecretName, SecretValue } from '../lib/inputs.js';
import type { Reporter } from '../lib/reporter.js';
import { readAllStdin, readSecretFile, readSecretFiles } from '../lib/secret-files.js';
import type { CiReport } from '../verify/ci-report.js';
import type { OutputOptions, SessionOptions } from './flags.js';
import { publishFleetCiOutputs } from '../verify/ci-outputs.js';
import { fleetTable } from './fleet-report.js';
import { errorDocument, inputFlagsOf, openSession, secretFileFlagsOf, type FleetSeat, type Session } from './session.js';

/** A fleet config: its path and the accounts this run acts on (all, or those --account names). */
export interface Fleet {
  path: string;
  members: FleetMember[];
}

/** The config file as read once, at the start: a fleet when it lists accounts, else one account's. */
export interface ReadConfig {
  /** The config as read (undefined without --config): one account's is handed to its session; a fleet's top level holds what all share. */
  config?: LoadedConfig;
  fleet?: Fleet;
}

/** Reads the config once, to tell a fleet from one account; the session gets what was read, not a second reading. */
export async function readConfig(options: { config?: string; account?: string[] }): Promise<ReadConfig> {
  const config = options.config ? await loadConfig(options.config) : undefined;
  if (!config?.data.accounts) {
    if (options.account?.length)
      throw new InputError(
        `--account picks accounts of a fleet config, and ${options.config ? `${options.config} lists none` : 'no --config is given'}.`,
        'Pass --config FILE whose "accounts" lists the accounts (docs/fleets.md), or drop --account.',
      );
    return { config };
  }
  return { config, fleet: { path: config.path, members: selectMembers(fleetMembers(config.data), options.account, config.path) } };
}

/** One account of a fleet run: its session, and how its run went, filled in as it goes. */
export interface AccountRun {
  member: FleetMember;
  session: Session;
  /** What the account's run did, filled as it goes (a run stopped half-way still reports it). */
  result: RunResult;
  /** The last CI report the account's command made (plan, manual steps, checks). */
  ci?: CiReport;
  /** The error that ended this account's run; the others go on. */
  error?: unknown;
  /** The account's own fields of the fleet's document, and its exit code, once known. */
  document: AccountFields;
  exitCode?: number;
}

/**
 * Every account's inputs, resolved before anything is read: an input error in any account stops
 * the whole run (exit 2, nothing sent), and is said for every account at once.
 */
export async function openFleet(
  fleet: Fleet,
  options: SessionOptions,
  ctx: Context,
  reporter: Reporter,
  defaultWait: string,
  need: ScimTokenNeed,
  saved?: SavedInputs,
): Promise<AccountRun[]> {
  refuseOneAccountFlags({ ...inputFlagsOf(options), ...secretFileFlagsOf(options) }, fleet.path);
  for (const name of ONE_ACCOUNT_ENV) if (ctx.env[name]) reporter.warn(`${name} is not used with a fleet config: each account's comes from ${fleet.path}.`);
  const secrets = await readSecretFiles(secretFileFlagsOf(options), ctx.env, ctx.redactor, () => readAllStdin(ctx.stdin));
  const shared: FleetSeat['shared'] = { reporter };
  const runs: AccountRun[] = [];
  const problems: string[] = [];
  // One at a time: the first opens the Okta client the others share, and the --record file.
  for (const member of fleet.members) {
    try {
      // The account's CI report lands on its run, which exists only once its session is open.
      const box: Pick<AccountRun, 'ci'> = {};
      const seat: FleetSeat = {
        member,
        configPath: fleet.path,
        secretFiles: { ...secrets, ...(await accountSecrets(member, ctx)) },
        env: memberEnv(ctx.env),
        shared,
        ci: (report) => {
          box.ci = report;
        },
      };
      const session = await openSession(options, ctx, reporter.forAccount(member.name), { defaultWait, saved, scimTokenNeed: need, seat });
      runs.push(Object.assign(box, { member, session, result: { applied: [], manualSteps: [] }, document: {} }));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // The account's own lines, indented under its name.
      const said = `${error.message}${error.fix ? `\n${error.fix}` : ''}`.replace(/\n/g, '\n    ');
      problems.push(`account "${member.name}": ${said}`);
    }
  }
  if (problems.length === 1) throw new InputError(problems[0], `Fix it in ${fleet.path} or the environment; nothing was sent.`);
  if (problems.length > 1)
    throw new InputError(
      `${problems.length} accounts have input problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'Fix each of them; nothing was sent.',
    );
  for (const secret of Object.values(secrets)) if (secret) ctx.redactor.register(secret.value);
  return runs;
}

/** An account's own tokens, from the env var or file its entry names. */
async function accountSecrets(member: FleetMember, ctx: Context): Promise<Partial<Record<SecretName, SecretValue>>> {
  const out: Partial<Record<SecretName, SecretValue>> = {};
  const fromEnv = (variable: string, what: string, fix: string, key: 'scimTokenEnv' | 'apiTokenEnv'): SecretValue => {
    const value = ctx.env[variable];
    const where = member.placed?.[key];
    if (!value) throw new InputError(`${what} is to come from env ${variable}${where ? ` (named at ${where} of the config)` : ''}, which is not set.`, fix);
    ctx.redactor.register(value);
    return { value, source: `env ${variable}` };
  };
  const token = member.scimToken;
  if (token && 'env' in token)
    out.scimToken = fromEnv(
      token.env,
      'its SCIM token',
      `Set ${token.env}, or drop "scimTokenEnv" from the account to let scim-setup make the token.`,
      'scimTokenEnv',
    );
  if (token && 'file' in token) {
    const read = await readSecretFile(token.file, `account "${member.name}" scimTokenFile`);
    ctx.redactor.register(read.value);
    out.scimToken = { ...read, source: `file ${token.file}` };
  }
  if (member.apiTokenEnv)
    out.cloudflareApiToken = fromEnv(
      member.apiTokenEnv,
      'its Cloudflare API token',
      `Set ${member.apiTokenEnv}, or drop "apiTokenEnv" to use CLOUDFLARE_API_TOKEN.`,
      'apiTokenEnv',
    );
  return out;
}

/**
 * Runs one step for every account at once; an account's failure is its own (recorded on its run),
 * except a stop by Ctrl-C, which stops them all.
 */
export async function eachAccount<R extends AccountRun>(runs: R[], step: (run: R) => Promise<void>, signal: AbortSignal): Promise<void> {
  await Promise.all(
    runs.map(async (run) => {
      try {
        await step(run);
      } catch (error) {
        run.error = error;
        run.exitCode = exitCodeFor(error, signal);
        // Said when it happens, under the account's name: the others may go on waiting for a long while.
        if (!(error instanceof InterruptedError)) sayEnding(run.session.reporter, error);
      }
    }),
  );
  const stopped = runs.find((r) => r.error instanceof InterruptedError);
  if (stopped || signal.aborted) throw stopped?.error ?? new InterruptedError('stopped before every account was done.');
}

/** An account's error as its CI report says how the run ended. */
export function ciReportOf(run: AccountRun, command: string): CiReport | undefined {
  if (run.error === undefined) return run.ci;
  const error = run.error;
  const kind = error instanceof PendingError ? 'waiting' : 'failed';
  const message = error instanceof Error ? error.message : String(error);
  return {
    command,
    ...run.ci,
    outcome: { kind, message, fix: error instanceof CliError ? error.fix : undefined, exitCode: run.exitCode ?? ExitCode.failed },
  };
}

/** The fleet's document: one entry per account, its status and exit code, and the run's in total. */
export function fleetDocument(runs: AccountRun[], command: string, path: string, signal: AbortSignal): JsonDocument & FleetFields {
  return {
    formatVersion: 1,
    command,
    config: path,
    accounts: runs.map((run) => ({
      name: run.member.name,
      accountId: run.member.accountId,
      ...run.document,
      ...(run.error !== undefined ? { error: errorDocument(run.error, signal) } : {}),
      exitCode: run.exitCode ?? ExitCode.ok,
    })),
  };
}

/** The exit code of the fleet: the most severe of its accounts'. */
export function fleetExitCode(runs: AccountRun[]): number {
  return mostSevere(runs.map((r) => r.exitCode ?? ExitCode.ok));
}

/**
 * How a fleet run ends, the same for every command: the
 * table, the CI outputs (a JUnit suite and a summary section per account), and the one document.
 */
export async function closeFleet(
  runs: AccountRun[],
  command: string,
  fleet: Fleet,
  io: { options: OutputOptions & { junit?: string }; ctx: Context; reporter: Reporter },
  extra: Partial<JsonDocument>,
  applies: boolean,
): Promise<void> {
  const { options, ctx, reporter } = io;
  const rows = runs.map((r) => ({
    account: r.member.name,
    app: r.member.appLabel,
    applied: applies ? r.result.applied.filter((a) => a.result === 'done').length : undefined,
    exitCode: r.exitCode ?? ExitCode.ok,
    checks: r.ci?.checks,
    ending: r.error instanceof Error ? r.error.message : undefined,
  }));
  reporter.info(`\n${fleetTable(rows, reporter.style, reporter.columns > 0)}`);
  const reports = runs.flatMap((r) => {
    const report = ciReportOf(r, command);
    return report ? [{ account: r.member.name, report }] : [];
  });
  await publishFleetCiOutputs(command, reports, {
    junit: options.junit,
    env: ctx.env,
    stderr: ctx.stderr,
    redactor: ctx.redactor,
    redactPii: options.redactPii,
  });
  reporter.result({ ...fleetDocument(runs, command, fleet.path, ctx.signal), ...extra });
}

/** An account's ending as a one-account run says it: a wait as a wait, an error with its fix. */
function sayEnding(reporter: Reporter, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const fix = error instanceof CliError ? error.fix : undefined;
  if (error instanceof PendingError) reporter.info(`waiting: ${message}${fix ? `\n  next: ${fix}` : ''}`);
  else reporter.error(`${message}${fix ? `\n  fix: ${fix}` : ''}`);
}

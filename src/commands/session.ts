import { APP_TEMPLATE } from '../plan/app-template.js';
import type { ErrorDocument } from '../lib/json-document.js';
import { loadConfig } from '../lib/config-load.js';
import { OKTA_BUCKETS } from '../plan/okta-paths.js';
import type { CloudflareClient } from '../cloudflare/client.js';
import type { Context } from '../context.js';
import type { Clock } from '../lib/clock.js';
import type { OutputOptions, SessionOptions } from './flags.js';
import type { LoadedConfig } from '../lib/config-file.js';
import { CliError, exitCodeFor, InputError, RemoteError } from '../lib/errors.js';
import { HarRecorder } from '../lib/har.js';
import { checkOutputPath, writeFileAtomic } from '../lib/output-file.js';
import { VERSION } from '../lib/version.js';
import {
  resolveInputs,
  secretsOf,
  type DeclaredFlags,
  type InputFlags,
  type Inputs,
  type MissingInput,
  type SavedInputs,
  type ScimTokenNeed,
} from '../lib/inputs.js';
import { ask } from '../lib/prompt.js';
import { fingerprint } from '../lib/redact.js';
import { Reporter } from '../lib/reporter.js';
import { RequestPolicy, retryLine } from '../lib/request-policy.js';
import { readAllStdin, readSecretFiles, type SecretFileFlags } from '../lib/secret-files.js';
import { detectInteractivity, type Interactivity } from '../lib/tty.js';
import type { OktaClient } from '../okta/client.js';
import type { Desired } from '../plan/types.js';
import type { FleetMember } from '../lib/fleet.js';
import type { SecretName, SecretValue } from '../lib/inputs.js';
import type { CiReport } from '../verify/ci-report.js';
import { isRecord } from '../lib/is-record.js';

/** What a plan names in place of a token's fingerprint when scim-setup is to make the token. */
export const MADE_BY_SCIM_SETUP = 'made by scim-setup';

/** Everything `okta` and `verify` share: validated inputs, the reporter, and the two clients. */
export interface Session {
  reporter: Reporter;
  /** The run's clock (Context.clock): every wait, poll and settle of the command is on it. */
  clock: Clock;
  inputs: Inputs;
  interactivity: Interactivity;
  okta: OktaClient;
  scim: CloudflareClient;
  /** The "Account Settings: Read" client; absent without CLOUDFLARE_API_TOKEN (`readClient` where a step needs it). */
  accountApi?: CloudflareClient;
  /** A client on a token this run made (its value known only in memory), for Okta's side of the check. */
  clientFor(token: string): CloudflareClient;
  desired: Desired;
  /** Whether --wait was given (an interactive guided step waits until Ctrl-C otherwise). */
  waitExplicit: boolean;
  /** Ctrl-C or SIGTERM: every wait of the command ends on it. */
  signal: AbortSignal;
  /** In a fleet run, where this account's CI report goes (the fleet writes one for all); otherwise absent. */
  handCiReportToFleet?: (report: CiReport) => void;
  /** --token-out: where a token this run makes is written for the guided step (a fleet account's own file). */
  tokenOut?: string;
}

/**
 * --reveal-token shows a secret on the screen at a person's request: only where a person reads it.
 * A pipe, a file or a CI runner keeps the output in a log, so there it is refused before anything
 * is read (exit 2), and --token-out is the way to hand the token over.
 */
export function refuseRevealOffTerminal(options: { revealToken?: boolean; json?: boolean }, ctx: Context): void {
  if (!options.revealToken) return;
  const human = options.json ? ctx.stderr : ctx.stdout;
  if (human.isTTY && !ctx.env.CI && !ctx.env.GITHUB_ACTIONS) return;
  throw new InputError(
    `--reveal-token prints the SCIM token, and this run's output ${ctx.env.CI || ctx.env.GITHUB_ACTIONS ? 'goes to a CI log' : 'is not a terminal'}: it would be kept where a person cannot unsee it.`,
    'In CI, or with output piped, use --token-out FILE: the token goes to a file of mode 600 for the guided step. On a terminal, --reveal-token shows it there.',
  );
}

/** One account's seat in a fleet run: its inputs, and what the accounts share. */
export interface FleetSeat {
  member: FleetMember;
  configPath: string;
  /** The fleet's secret files, read once, with this account's own tokens. */
  secretFiles: Partial<Record<SecretName, SecretValue>>;
  env: NodeJS.ProcessEnv;
  /** One Okta client and policy for every account: they all draw on the org's rate limits. */
  shared: { okta?: OktaClient; recorder?: HarRecorder; reporter: Reporter };
  ci(report: CiReport): void;
}

export function makeReporter(options: Partial<OutputOptions>, ctx: Context): Reporter {
  return new Reporter({
    json: Boolean(options.json),
    noColor: options.color === false,
    debug: Boolean(options.debug),
    env: ctx.env,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    redactor: ctx.redactor,
    spinner: ctx.spinner,
  });
}

/** How a session is opened, beyond the command's options. */
export interface SessionHow {
  defaultWait: string;
  /** A saved plan's inputs (--plan). */
  saved?: SavedInputs;
  scimTokenNeed?: ScimTokenNeed;
  /** One account of a fleet. */
  seat?: FleetSeat;
  /** The config file as the command read it at its start (readConfig): not read a second time. */
  config?: LoadedConfig;
  /** okta: a person at a terminal who names nothing to provision is asked what to. */
  asksWhatToProvision?: boolean;
}

/** Validates every input before any request is made; a bad one exits 2 with nothing sent. */
export async function openSession(options: SessionOptions, ctx: Context, reporter: Reporter, how: SessionHow): Promise<Session> {
  const { defaultWait, saved, scimTokenNeed = 'required', seat } = how;
  const interactivity = detectInteractivity(ctx.env, Boolean(ctx.stdin.isTTY), Boolean(ctx.stdout.isTTY));
  const sources = await inputSources(options, ctx, seat, how.config);
  const inputs = await resolveInputs(
    { flags: inputFlagsOf(options), defaultWait, saved, scimTokenNeed, asksWhatToProvision: how.asksWhatToProvision, ...sources },
    interactivity,
    sources.prompt,
  );
  for (const secret of secretsOf(inputs)) ctx.redactor.register(secret);
  for (const warning of inputs.warnings) reporter.warn(warning);
  // A fleet records every account into one file, started by its first account.
  if (seat && !seat.shared.recorder) seat.shared.recorder = await startRecording(options, ctx, reporter);
  const recorder = seat ? seat.shared.recorder : await startRecording(options, ctx, reporter);
  const policyFor = (says: Reporter) =>
    new RequestPolicy({
      timeoutMs: inputs.requestTimeoutMs,
      maxRetries: 4,
      maxWaitMs: inputs.maxWaitMs,
      trace: (line) => says.debug(line),
      recorder,
      signal: ctx.signal,
      clock: ctx.clock,
      onSecret: (secret) => ctx.redactor.register(secret),
      onRetry: (note) => says.warn(retryLine(note)),
      // Okta warns the org's admins past a share of a bucket; Cloudflare's limit warns nobody, and is taken whole.
      shareOf: (bucket) => (OKTA_BUCKETS.has(bucket) ? inputs.oktaRateShare : 1),
    });
  const policy = policyFor(reporter);
  const desired = await desiredOf(inputs);
  // The SDKs load only once the inputs are valid, so that an input error answers at once.
  const { OktaClient, CloudflareClient } = await import('./clients.js');
  const clientFor = (token: string, role: 'scim' | 'read' = 'scim', tokenEnv?: string) =>
    new CloudflareClient(
      inputs.apiBaseUrl,
      inputs.accountId,
      token,
      role,
      policy,
      ctx.env,
      tokenEnv,
      seat ? { config: seat.configPath, account: seat.member.name } : undefined,
    );
  const read = inputs.cloudflareApiToken ? clientFor(inputs.cloudflareApiToken, 'read', inputs.tokenEnv.read) : undefined;
  // Each account's Cloudflare requests are paced by its own policy; Okta's by the one client all accounts share.
  if (seat && !seat.shared.okta) seat.shared.okta = new OktaClient(inputs.orgUrl, inputs.oktaAuth, policyFor(seat.shared.reporter), ctx.env);
  const okta = seat?.shared.okta ?? new OktaClient(inputs.orgUrl, inputs.oktaAuth, policy, ctx.env);
  return {
    reporter,
    inputs,
    interactivity,
    okta,
    // Without a SCIM token, SCIM is read with CLOUDFLARE_API_TOKEN (the spec lets Account Settings tokens read it).
    scim: inputs.scimToken ? clientFor(inputs.scimToken, 'scim', inputs.tokenEnv.scim) : (read as CloudflareClient),
    accountApi: read,
    clientFor: (token) => {
      ctx.redactor.register(token);
      return clientFor(token);
    },
    desired,
    waitExplicit: options.wait !== undefined,
    signal: ctx.signal,
    clock: ctx.clock,
    handCiReportToFleet: seat ? (report) => seat.ci(report) : undefined,
    tokenOut: options.tokenOut === undefined ? undefined : seat ? `${options.tokenOut}.${seat.member.name}` : options.tokenOut,
  };
}

/**
 * Where the inputs come from: the config file, the secret files, the environment, and the prompt.
 * A fleet's account has its own view of the config and its own tokens, and asks nothing (a question
 * would be asked once per account; what is missing is said for all of them).
 */
async function inputSources(options: SessionOptions, ctx: Context, seat: FleetSeat | undefined, config: LoadedConfig | undefined) {
  if (seat)
    return {
      config: { path: `${seat.configPath} (account "${seat.member.name}")`, data: seat.member.config },
      secretFiles: seat.secretFiles,
      env: seat.env,
      scimTokenHow: `name its token in ${seat.configPath}: "scimTokenEnv" (an env var) or "scimTokenFile" on account "${seat.member.name}"`,
      appLabelIn: { config: seat.configPath, account: seat.member.name },
      prompt: undefined,
    };
  return {
    config: config ?? (options.config ? await loadConfig(options.config) : undefined),
    secretFiles: await readSecretFiles(secretFileFlagsOf(options), ctx.env, ctx.redactor, () => readAllStdin(ctx.stdin)),
    env: ctx.env,
    scimTokenHow: undefined,
    appLabelIn: undefined,
    prompt: Object.assign((m: MissingInput) => ask(ctx.stdin, ctx.stderr, `${m.label}: `, m.secret), {
      tell: (line: string) => void ctx.stderr.write(`${line}\n`),
    }),
  };
}

/** The flags lib/ reads, each named: a flag renamed in its declaration is a compile error here. */
export function inputFlagsOf(options: SessionOptions): DeclaredFlags<InputFlags> {
  return {
    orgUrl: options.orgUrl,
    accountId: options.accountId,
    apiBaseUrl: options.apiBaseUrl,
    oktaClientId: options.oktaClientId,
    oktaKeyId: options.oktaKeyId,
    appLabel: options.appLabel,
    assignGroup: options.assignGroup,
    pushGroup: options.pushGroup,
    role: options.role,
    assignUser: options.assignUser,
    scimTokenTtl: options.scimTokenTtl,
    scimTokenAllowCidr: options.scimTokenAllowCidr,
    wait: options.wait,
    maxWait: options.maxWait,
    requestTimeout: options.requestTimeout,
    settle: options.settle,
    oktaRateShare: options.oktaRateShare,
  };
}

export function secretFileFlagsOf(options: SessionOptions): DeclaredFlags<SecretFileFlags> {
  return {
    oktaTokenFile: options.oktaTokenFile,
    scimTokenFile: options.scimTokenFile,
    cloudflareTokenFile: options.cloudflareTokenFile,
    oktaPrivateKeyFile: options.oktaPrivateKeyFile,
  };
}

/** What the run is to make true, from the validated inputs. */
async function desiredOf(inputs: Inputs): Promise<Desired> {
  return {
    appName: APP_TEMPLATE.name,
    appLabel: inputs.appLabel,
    accountId: inputs.accountId,
    scimBaseUrl: inputs.scimBaseUrl,
    // A token scim-setup makes has no value yet: the plan names the making, and a plan for a given token is refused.
    scimTokenFingerprint: inputs.scimToken ? await fingerprint(inputs.scimToken) : MADE_BY_SCIM_SETUP,
    assignGroups: inputs.assignGroups,
    pushGroups: inputs.pushGroups,
    groupRoles: inputs.groupRoles,
    assignUsers: inputs.assignUsers,
    ...(inputs.tokenCreation ? { tokenCreation: inputs.tokenCreation } : {}),
  };
}

/** --record FILE: the path is checked now, before any request; the HAR is written however the run ends. */
async function startRecording(options: OutputOptions, ctx: Context, reporter: Reporter): Promise<HarRecorder | undefined> {
  if (typeof options.record !== 'string') {
    if (options.recordRedactPii) throw new InputError('--record-redact-pii needs --record <file>.', 'Add --record run.har, or drop --record-redact-pii.');
    return undefined;
  }
  const path = options.record;
  await checkOutputPath(path, '--record');
  const recorder = new HarRecorder(ctx.redactor, Boolean(options.recordRedactPii), VERSION);
  ctx.finalizers.push(async () => {
    await writeFileAtomic(path, `${JSON.stringify(await recorder.toHar(), null, 1)}\n`);
    reporter.info(
      `Recorded ${recorder.size} HTTP exchange${recorder.size === 1 ? '' : 's'} to ${path} (secrets redacted${options.recordRedactPii ? ', people hashed' : ''}).`,
    );
  });
  return recorder;
}

/** With --json, a failure still prints one document on stdout, then the error goes on to its exit code. */
export async function withJsonErrors(reporter: Reporter, command: string, signal: AbortSignal, body: () => Promise<number>): Promise<number> {
  try {
    const code = await body();
    reporter.finish(code);
    return code;
  } catch (error) {
    if (reporter.json && !reporter.resultWritten) {
      const partial = error instanceof CliError && isRecord(error.partial) ? error.partial : undefined;
      // What was done before the error sits where a finished run puts it: `applied` and `manualSteps`.
      reporter.result({
        formatVersion: 1,
        command,
        error: errorDocument(error, signal),
        ...(partial ? { applied: listOrNone(partial.applied), manualSteps: listOrNone(partial.manualSteps) } : {}),
      });
    }
    reporter.finish(exitCodeFor(error, signal));
    throw error;
  }
}

/** A partial run's list as it was left, or none: what a stopped run did is never more than it recorded. */
function listOrNone(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The `error` of every JSON document that ends on one: the words, the fix, and the exit code. */
export function errorDocument(error: unknown, signal: AbortSignal): ErrorDocument {
  return {
    message: error instanceof Error ? error.message : String(error),
    fix: error instanceof CliError ? error.fix : undefined,
    exitCode: exitCodeFor(error, signal),
    ...(error instanceof InputError && error.problems ? { problems: error.problems } : {}),
  };
}

/** The CLOUDFLARE_API_TOKEN client, for a step that a command plans only when that token is set (its absence here is a defect). */
export function readClient(session: Pick<Session, 'accountApi'>, command: string): CloudflareClient {
  if (!session.accountApi) throw new RemoteError(`internal: this step of ${command} runs only with CLOUDFLARE_API_TOKEN`);
  return session.accountApi;
}

/**
 * A plan (or any first read), and the proof that the read token is this account's: a fleet's account
 * or the one. A plan only reads, so the two go at once (one round trip less before anything is
 * shown). Both are settled before either is said, so that nothing of the plan is printed after an
 * error; a token of another account is what is said first, since the plan's failure may be its echo.
 */
export async function afterReadTokenCheck<T>(session: Pick<Session, 'accountApi'>, then: () => Promise<T>): Promise<T> {
  if (!session.accountApi) return then();
  // Loaded with the clients, once the inputs are valid.
  const { refuseOtherAccountToken } = await import('./clients.js');
  const [checked, planned] = await Promise.allSettled([refuseOtherAccountToken(session.accountApi), then()]);
  if (checked.status === 'rejected') throw checked.reason;
  if (planned.status === 'rejected') throw planned.reason;
  return planned.value;
}

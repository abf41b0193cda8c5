import { ExitCode, InterruptedError, type ExitCodeValue } from '../lib/errors.js';
import { pollUntil } from '../lib/poll.js';
import { decidableAt, findDrift } from '../plan/drift.js';
import { collectEvidence, type ScimWriteProof } from './collect.js';
import { DriftSightings } from './drift-sightings.js';
import { evaluate } from './evaluate.js';
import { renderChecks } from './render.js';
import type { Check, ExpectedActivity, VerifySession } from './types.js';

/**
 * How far back the logs are read by default: verify's --since, and okta's own verification too, so
 * that on the same state the two give one verdict over one window.
 */
export const DEFAULT_LOOKBACK_MS = 3600_000;

/** Pure: the start of the window a verification reads: the lookback, and never after the run began. */
export function windowStart(lookbackMs: number, now: number, runStartedAt?: Date): Date {
  return new Date(Math.min(now - lookbackMs, runStartedAt?.getTime() ?? Number.POSITIVE_INFINITY));
}

export interface VerificationReport {
  checks: Check[];
  rounds: number;
  waitedMs: number;
}

/** Exit code from the checks alone: 4 a token refused, 1 a failure, 3 pending, else 0 (warnings allowed). */
export function verificationExitCode(checks: Check[]): ExitCodeValue {
  if (checks.some((c) => c.status === 'fail' && c.authRefused)) return ExitCode.auth;
  if (checks.some((c) => c.status === 'fail')) return ExitCode.failed;
  if (checks.some((c) => c.status === 'pending')) return ExitCode.pending;
  return ExitCode.ok;
}

/**
 * Pure: whether waiting longer can change the verdict. A wait polls what is pending even beside a
 * failure (a later success may resolve a logged failure); only a refused token, which
 * no wait mends, ends it early.
 */
export function settledChecks(checks: Check[]): boolean {
  return !checks.some((c) => c.status === 'pending') || checks.some((c) => c.status === 'fail' && c.authRefused);
}

/** Pure: the wait as a person wants it: which checks are pending, time elapsed of the time allowed. */
export function waitingLine(checks: Check[], elapsedMs: number, waitMs: number): string {
  const pending = checks.filter((c) => c.status === 'pending').map((c) => c.id);
  const ids = `${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ` and ${pending.length - 3} more` : ''}`;
  const time = Number.isFinite(waitMs) ? `${formatSeconds(elapsedMs)} of ${formatSeconds(waitMs)}` : `${formatSeconds(elapsedMs)}, until Ctrl-C`;
  return `verifying: waiting on ${pending.length} check${pending.length === 1 ? '' : 's'} (${ids}); ${time}`;
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
}

/**
 * Polls with backoff until every check has converged or `waitMs` runs out. Only the final round
 * is reported; while time is left, an unconverged check is pending, not failed.
 */
export async function runVerification(
  session: VerifySession,
  options: {
    appId: string;
    since: Date;
    waitMs: number;
    expected?: ExpectedActivity;
    signal?: AbortSignal;
    /** The run's own proof of the SCIM token, reused in the first round. */
    scimTokenProof?: string;
    /** The run's own proof that the SCIM token may write SCIM (okta's planning), reused by every round. */
    scimWriteProof?: string;
    /** The token this run made for Okta: its value is not held by the session, its id is. */
    madeTokenId?: string;
  },
): Promise<{ report: VerificationReport }> {
  const { reporter } = session;
  const { clock } = session;
  const started = clock.now();
  const task = reporter.task('verifying: reading Okta and Cloudflare back');
  let rounds = 0;
  let checks: Check[] = [];
  const sightings = new DriftSightings(options.waitMs > 0 ? session.inputs.settleMs : undefined);
  // Whether the SCIM token may write is asked once a verification, not each round: one request that changes nothing.
  const scimWrite: ScimWriteProof = options.scimWriteProof ? { proof: Promise.resolve(options.scimWriteProof) } : {};
  let readAgainAt: number | undefined;
  await pollUntil(
    async () => {
      rounds += 1;
      const evidence = await collectEvidence(
        session,
        options.appId,
        options.since,
        options.expected,
        rounds === 1 ? options.scimTokenProof : undefined,
        options.madeTokenId,
        scimWrite,
      );
      checks = evaluate(evidence, sightings.confirm(findDrift(evidence), clock.now()));
      // A difference that waits on time alone (a settle window, a sighting to confirm) is read again when it may be told, not before.
      const times = [decidableAt(evidence), sightings.confirmableAt()].filter((t): t is number => t !== undefined);
      readAgainAt = times.length ? Math.min(...times) : undefined;
      return settledChecks(checks) ? true : undefined;
    },
    {
      clock,
      waitMs: options.waitMs,
      signal: options.signal,
      waitingFor: 'provisioning to show up in Cloudflare (verification)',
      maxDelayMs: 10_000,
      notBefore: () => readAgainAt,
      onWait: () => task.update(waitingLine(checks, clock.now() - started, options.waitMs)),
    },
  ).catch((error: unknown) => {
    // Stopped by the user, or by an error (a token refused mid-way): said as what it is; what was seen so far is still worth showing.
    const after = `after ${rounds} round${rounds === 1 ? '' : 's'}`;
    if (error instanceof InterruptedError) task.stop(`verifying: interrupted ${after}`);
    else task.fail(`verifying: stopped by an error ${after}`);
    if (!reporter.json && checks.length) reporter.info(renderChecks(checks, reporter.style, reporter.columns));
    throw error;
  });
  const code = verificationExitCode(checks);
  const verdict = code === ExitCode.ok ? 'verified' : code === ExitCode.pending ? 'verification pending' : 'verification failed';
  (code === ExitCode.ok ? task.succeed : code === ExitCode.pending ? task.warn : task.fail)(
    `${verdict} (${rounds} round${rounds > 1 ? 's' : ''}, ${Math.round((clock.now() - started) / 100) / 10}s)`,
  );
  if (!reporter.json) reporter.info(renderChecks(checks, reporter.style, reporter.columns));
  return { report: { checks, rounds, waitedMs: clock.now() - started } };
}

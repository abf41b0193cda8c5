import { ExitCode } from '../lib/errors.js';
import type { Reporter } from '../lib/reporter.js';
import { renderPlan, summarize } from '../plan/render.js';
import { pacingEstimate, pacingLine } from '../plan/pacing.js';
import type { PlanOptions } from '../plan/saved-plan.js';
import { hasChanges } from '../plan/types.js';
import type { Question } from './confirmation.js';
import { closeFleet, eachAccount, fleetDocument, fleetExitCode, openFleet, type AccountRun, type Fleet } from './fleet.js';
import { readyRuns, type Planned, type Scope, type ScopeIo, type Seat } from './planning-command.js';

/** A fleet account's way through the lifecycle: its seat, with its account. */
type FleetSeat<P extends Planned> = AccountRun & Seat<P>;

/**
 * Every account of a fleet config: every account's inputs first (an input error stops all), then
 * each stage for every account at once (one failing leaves the others going), the plans shown
 * together with a total, one confirmation for all, and one document and table for all. Okta's
 * requests share one client and its rate-limit pacing.
 */
export async function fleetScope<F extends PlanOptions, P extends Planned>(io: ScopeIo<F, P>, fleet: Fleet): Promise<Scope<P, FleetSeat<P>>> {
  const { cmd, options, ctx, reporter } = io;
  const runs: Array<FleetSeat<P>> = await openFleet(fleet, options, ctx, reporter, '2m', cmd.scimTokenNeed);
  // Each account's part of the fleet's document, as far as its run has gone.
  const documented = (dryRun?: boolean) => {
    for (const run of runs)
      run.document = {
        ...run.planned?.document,
        ...run.outcome?.document,
        ...run.stoppedFields,
        ...(dryRun === undefined ? {} : { dryRun, ...(dryRun ? {} : { applied: run.result.applied, manualSteps: run.result.manualSteps }) }),
      };
    return runs;
  };
  return {
    runs,
    each: (some, stage) => eachAccount(some, stage, ctx.signal),
    showPlans: () => showPlans(runs, reporter),
    adviseAfterDryRun() {
      const unplanned = runs.filter((r) => r.error !== undefined).map((r) => r.member.name);
      const changes = readyRuns<P, FleetSeat<P>>(runs).some((r) => hasChanges(r.planned.plan));
      // No "apply" while an account could not be planned: an apply now would plan it again and fail again.
      if (unplanned.length > 0)
        reporter.info(
          `Next: fix what stopped ${unplanned.map((n) => `"${n}"`).join(', ')} (above), then run the same --dry-run again${
            changes ? '; or apply the others alone with --account NAME' : ''
          }.`,
        );
      else if (changes) reporter.info('Next: run the same command without --dry-run to apply these plans.');
    },
    question: fleetQuestion,
    declinedDocument: () => fleetDocument(documented(), cmd.name, fleet.path, ctx.signal),
    // Said by eachAccount, under the account's name, when it happens.
    stopped() {},
    async finish(dryRun) {
      documented(dryRun);
      // With --detailed-exitcode, as for one account: 1 for any error, else 2 where any account has changes.
      const detailed = dryRun && options.detailedExitcode;
      const exitCode = detailed ? detailedExitCode(runs) : fleetExitCode(runs);
      await closeFleet(
        runs,
        cmd.name,
        fleet,
        { options, ctx, reporter },
        { dryRun, ...(detailed && exitCode === ExitCode.changes ? { status: 'changes' } : {}) },
        !dryRun,
      );
      return exitCode;
    },
  };
}

/** The plans together, each under its account, then what the fleet would do in total. */
function showPlans<P extends Planned>(runs: Array<FleetSeat<P>>, reporter: Reporter): void {
  if (reporter.json) return;
  for (const run of runs) {
    const name = `[${run.member.name}]`;
    if (run.error !== undefined) reporter.info(`\n${reporter.style.bold(name)} ${reporter.style.red('could not be read and planned (its error is above)')}`);
    else if (run.planned?.nothing !== undefined) reporter.info(`\n${reporter.style.bold(name)} ${run.planned.nothing}`);
    else if (run.planned) reporter.info(`\n${renderPlan(run.planned.plan, reporter.style, `${name} ${run.planned.title}`)}`);
  }
  reporter.info(`\n${reporter.style.bold(fleetTotal(runs))}`);
  // The accounts share one Okta client, so one share of Okta's limits: the estimate is of all their plans together.
  const ready = readyRuns<P, FleetSeat<P>>(runs);
  const pacing = ready.length
    ? pacingEstimate(
        ready.map((r) => r.planned.plan),
        ready[0].session.inputs.oktaRateShare,
        ready[0].session.okta.rateLimits(),
      )
    : undefined;
  if (pacing) reporter.info(pacingLine(pacing));
}

/** Pure: what the fleet's plans add up to, in one line. */
export function fleetTotal(runs: Array<Pick<Seat<Planned>, 'planned' | 'error'>>): string {
  const plans = runs.flatMap((r) => (r.planned && r.error === undefined && hasChanges(r.planned.plan) ? [r.planned.plan] : []));
  const changes = plans.reduce((n, plan) => {
    const c = summarize(plan);
    return n + c.create + c.update + c.delete + c.manual;
  }, 0);
  const failed = runs.filter((r) => r.error !== undefined).length;
  const accounts = `${runs.length} account${runs.length === 1 ? '' : 's'}`;
  const toChange = `${plans.length} to change${plans.length ? ` (${changes} change${changes === 1 ? '' : 's'})` : ''}`;
  return `Fleet: ${accounts}, ${toChange}, ${runs.length - plans.length - failed} unchanged${failed ? `, ${failed} could not be planned` : ''}.`;
}

/** The one confirmation for every account, in the command's words: destroy's typed answer is the number of accounts. */
function fleetQuestion(one: Question, accounts: number): Question {
  const where = `${accounts} account${accounts === 1 ? '' : 's'}`;
  return {
    ask:
      typeof one.ask === 'string'
        ? `${one.ask.replace(/\?$/, '')} in ${where}?`
        : { typeToConfirm: String(accounts), what: 'the number of accounts to act on' },
    doing: `${one.doing} in ${where}`,
    yesHint: one.yesHint,
    cancelled: one.cancelled,
  };
}

/** As for one account: 1 for any error, else 2 where any account has changes. */
function detailedExitCode(runs: AccountRun[]): number {
  if (runs.some((r) => r.error !== undefined)) return ExitCode.failed;
  return runs.some((r) => r.exitCode === ExitCode.changes) ? ExitCode.changes : ExitCode.ok;
}

import type { Context } from '../context.js';
import { CliError, ExitCode, InputError } from '../lib/errors.js';
import type { Reporter } from '../lib/reporter.js';
import { renderPlan, summarize } from '../plan/render.js';
import { pacingEstimate, pacingLine } from '../plan/pacing.js';
import type { PlanOptions } from '../plan/saved-plan.js';
import { hasChanges } from '../plan/types.js';
import { confirmOrCancel, type Question } from './confirmation.js';
import { closeFleet, eachAccount, fleetDocument, fleetExitCode, openFleet, type AccountRun, type Fleet } from './fleet.js';
import type { Planned, PlanningCommand, PlanningOptions } from './planning-command.js';
import { commandFlags } from './plan-file.js';
import { afterReadTokenCheck } from './session.js';

/** An account's run with its plan, once read. */
type PlannedRun<P> = AccountRun & { planned?: P };
/** An account whose reading and plan succeeded. */
type ReadyRun<P> = AccountRun & { planned: P };

/**
 * A planning command over a fleet: every account's inputs first (an input error stops all),
 * then every account read and planned at once, the plans shown together with a total, one
 * confirmation, every account carried out at once (one failing leaves the others going), and one
 * document and table for all. Okta's requests share one client and its rate-limit pacing.
 */
export async function runFleetPlanning<F extends PlanOptions, P extends Planned>(
  cmd: PlanningCommand<F, P>,
  options: PlanningOptions,
  ctx: Context,
  reporter: Reporter,
  fleet: Fleet,
): Promise<number> {
  if (options.plan !== undefined || options.out !== undefined)
    throw new InputError(
      `A saved plan holds one account, and this run covers ${fleet.members.length} of ${fleet.path}.`,
      "Add --account NAME to save or apply one account's plan (one file per account).",
    );
  const runs: Array<PlannedRun<P>> = await openFleet(fleet, options, ctx, reporter, '2m', cmd.scimTokenNeed);
  const flags = cmd.flags ? commandFlags(cmd.flags.given, cmd.flags.defaults) : ({} as F);
  await eachAccount(
    runs,
    async (run) => {
      run.planned = await afterReadTokenCheck(run.session, () => cmd.plan(run.session, flags));
      run.document = { ...run.planned.document };
    },
    ctx.signal,
  );
  showPlans(runs, reporter);
  const finish = (dryRun: boolean) => finishFleet(runs, cmd.name, fleet, options, ctx, reporter, dryRun);
  if (options.dryRun) {
    await eachAccount(
      planned(runs),
      async (run) => {
        const outcome = (await cmd.dryRun?.(run.planned, run.session)) ?? { exitCode: ExitCode.ok };
        Object.assign(run.document, outcome.document);
        run.exitCode = outcome.exitCode;
      },
      ctx.signal,
    );
    const unplanned = runs.filter((r) => r.error !== undefined).map((r) => r.member.name);
    // No "apply" while an account could not be planned: an apply now would plan it again and fail again.
    if (unplanned.length > 0)
      reporter.info(
        `Next: fix what stopped ${unplanned.map((n) => `"${n}"`).join(', ')} (above), then run the same --dry-run again${
          planned(runs).some((r) => hasChanges(r.planned.plan)) ? '; or apply the others alone with --account NAME' : ''
        }.`,
      );
    else if (planned(runs).some((r) => hasChanges(r.planned.plan))) reporter.info('Next: run the same command without --dry-run to apply these plans.');
    return finish(true);
  }
  const changing = planned(runs).filter((r) => hasChanges(r.planned.plan));
  if (changing.length > 0) {
    const declined = await confirmOrCancel(
      fleetQuestion(cmd.question(changing[0].planned), changing.length),
      { yes: options.yes, applying: false, interactivity: runs[0].session.interactivity },
      { ctx, reporter, document: fleetDocument(runs, cmd.name, fleet.path, ctx.signal) },
    );
    if (declined !== undefined) return declined;
  }
  await eachAccount(
    planned(runs),
    async (run) => {
      const p = run.planned;
      try {
        const outcome = await cmd.execute(p, run.session, flags, run.result, hasChanges(p.plan));
        Object.assign(run.document, outcome.document);
        run.exitCode = outcome.exitCode;
      } catch (error) {
        if (error instanceof CliError)
          // The executor filled this account's result as it went.
          Object.assign(run.document, await cmd.stopped?.(p, run.result, error));
        throw error;
      }
    },
    ctx.signal,
  );
  return finish(false);
}

/** The accounts whose reading and plan succeeded and that have something to do. */
function planned<P extends Planned>(runs: Array<PlannedRun<P>>): Array<ReadyRun<P>> {
  return runs.filter((r): r is ReadyRun<P> => r.planned !== undefined && r.error === undefined && r.planned.nothing === undefined);
}

/** The plans together, each under its account, then what the fleet would do in total. */
function showPlans<P extends Planned>(runs: Array<PlannedRun<P>>, reporter: Reporter): void {
  if (reporter.json) return;
  for (const run of runs) {
    const name = `[${run.member.name}]`;
    if (run.error !== undefined) reporter.info(`\n${reporter.style.bold(name)} ${reporter.style.red('could not be read and planned (its error is above)')}`);
    else if (run.planned?.nothing !== undefined) reporter.info(`\n${reporter.style.bold(name)} ${run.planned.nothing}`);
    else if (run.planned) reporter.info(`\n${renderPlan(run.planned.plan, reporter.style, `${name} ${run.planned.title}`)}`);
  }
  reporter.info(`\n${reporter.style.bold(fleetTotal(runs))}`);
  // The accounts share one Okta client, so one share of Okta's limits: the estimate is of all their plans together.
  const ready = planned(runs);
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
export function fleetTotal(runs: Array<PlannedRun<Planned>>): string {
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

/** Each account's document completed, then the fleet closed; the exit code is the most severe (or, with --detailed-exitcode, terraform's). */
async function finishFleet(
  runs: AccountRun[],
  command: string,
  fleet: Fleet,
  options: PlanningOptions,
  ctx: Context,
  reporter: Reporter,
  dryRun: boolean,
): Promise<number> {
  for (const run of runs) run.document = { ...run.document, dryRun, ...(dryRun ? {} : { applied: run.result.applied, manualSteps: run.result.manualSteps }) };
  const detailed = dryRun && options.detailedExitcode;
  const exitCode = detailed ? detailedExitCode(runs) : fleetExitCode(runs);
  await closeFleet(
    runs,
    command,
    fleet,
    { options, ctx, reporter },
    { dryRun, ...(detailed && exitCode === ExitCode.changes ? { status: 'changes' } : {}) },
    !dryRun,
  );
  return exitCode;
}

/** As for one account: 1 for any error, else 2 where any account has changes. */
function detailedExitCode(runs: AccountRun[]): number {
  if (runs.some((r) => r.error !== undefined)) return ExitCode.failed;
  return runs.some((r) => r.exitCode === ExitCode.changes) ? ExitCode.changes : ExitCode.ok;
}

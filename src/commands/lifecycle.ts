import type { Context } from '../context.js';
import { CliError, ExitCode, exitCodeFor, InputError, type ExitCodeValue } from '../lib/errors.js';
import type { Reporter } from '../lib/reporter.js';
import { toSavedPlan, type PlanOptions } from '../plan/saved-plan.js';
import { hasChanges } from '../plan/types.js';
import { confirmOrCancel } from './confirmation.js';
import { fleetScope } from './fleet-scope.js';
import { oneAccountScope } from './one-account-scope.js';
import { PlanFile } from './plan-file.js';
import { readConfig } from './fleet.js';
import { afterReadTokenCheck, makeReporter, withJsonErrors } from './session.js';
import { readyRuns, type Outcome, type Planned, type PlanningCommand, type PlanningOptions, type Scope, type ScopeIo, type Seat } from './planning-command.js';

export type { Outcome, Planned, PlanningCommand, PlanningOptions };

/** With --dry-run --detailed-exitcode, 2 means "changes pending" alone (as terraform's): any error is 1; a stop by signal stays itself. */
function detailedErrorExitCode(options: PlanningOptions, code: ExitCodeValue): ExitCodeValue {
  return options.detailedExitcode && options.dryRun && code !== ExitCode.interrupted && code !== ExitCode.terminated ? ExitCode.failed : code;
}

/** Runs a planning command: read → plan → show → save → (dry run) → confirm → execute → report. */
export async function runPlanning<F extends PlanOptions, P extends Planned>(
  cmd: PlanningCommand<F, P>,
  options: PlanningOptions,
  ctx: Context,
): Promise<number> {
  const reporter = makeReporter(options, ctx);
  return withJsonErrors(reporter, cmd.name, ctx.signal, () =>
    lifecycle(cmd, options, ctx, reporter).catch((error: unknown) => {
      // What an error ends the run with, in the document and the process alike.
      if (error instanceof CliError && options.detailedExitcode) error.withExitCode(detailedErrorExitCode(options, exitCodeFor(error, ctx.signal)));
      throw error;
    }),
  );
}

/**
 * The one lifecycle, over the accounts of its scope: one account, or every account of a fleet
 * config. Each stage runs for every account the scope holds; the scope says only how a stage meets
 * them (one account's error ends the run, a fleet account's is its own), how plans are shown
 * (one, or each under its account with a total), and how the run's document is made.
 */
async function lifecycle<F extends PlanOptions, P extends Planned>(
  cmd: PlanningCommand<F, P>,
  options: PlanningOptions,
  ctx: Context,
  reporter: Reporter,
): Promise<number> {
  if (options.detailedExitcode && !options.dryRun) throw new InputError('--detailed-exitcode goes with --dry-run.', 'Add --dry-run.');
  await cmd.preflight?.(ctx);
  const { fleet, config } = await readConfig(options);
  // A fleet refuses a saved plan over several accounts before anything is read.
  if (fleet && fleet.members.length > 1 && (options.plan !== undefined || options.out !== undefined))
    throw new InputError(
      `A saved plan holds one account, and this run covers ${fleet.members.length} of ${fleet.path}.`,
      "Add --account NAME to save or apply one account's plan (one file per account).",
    );
  // Saved plans: inert unless --out or --plan is given, which only one account's run can be.
  const planFile = await PlanFile.open(cmd.name, options);
  const io = { cmd, options, ctx, reporter, planFile };
  // A fleet config runs every account as a fleet, unless one account's saved plan is made or applied.
  const oneSaved = fleet?.members.length === 1 && (options.plan !== undefined || options.out !== undefined);
  return fleet && !oneSaved ? stages(io, await fleetScope(io, fleet)) : stages(io, await oneAccountScope(io, fleet, config));
}

/** The stages, each for every account of the scope. */
async function stages<F extends PlanOptions, P extends Planned, S extends Seat<P>>(io: ScopeIo<F, P>, scope: Scope<P, S>): Promise<number> {
  const { cmd, options, ctx, reporter, planFile } = io;
  const flags = cmd.flags ? planFile.options<F>(cmd.flags.given, cmd.flags.defaults) : ({} as F);

  await scope.each(scope.runs, async (run) => {
    const { inputs, desired } = run.session;
    planFile.admit({ orgUrl: inputs.orgUrl, desired, options: cmd.flags?.given }, reporter);
    const startedAt = new Date(run.session.clock.now());
    run.planned = await afterReadTokenCheck(run.session, () => cmd.plan(run.session, flags));
    run.saved = toSavedPlan(run.planned.plan, desired, inputs.orgUrl, inputs.accountId, run.planned.appId, startedAt, cmd.name, cmd.flags ? flags : undefined);
    planFile.refuseStale(run.saved);
  });
  scope.showPlans();
  for (const run of scope.runs) if (run.saved) await planFile.save(run.saved, ctx, reporter);
  const ready = readyRuns<P, S>(scope.runs);

  if (options.dryRun) {
    await scope.each(ready, async (run) => {
      run.outcome = (await cmd.dryRun?.(run.planned, run.session)) ?? { exitCode: ExitCode.ok };
      // --detailed-exitcode, in every command that plans: 2 while changes are pending, 0 when none.
      run.exitCode = options.detailedExitcode && hasChanges(run.planned.plan) ? ExitCode.changes : run.outcome.exitCode;
    });
    scope.adviseAfterDryRun();
    return scope.finish(true);
  }

  const changing = ready.filter((r) => hasChanges(r.planned.plan));
  if (changing.length > 0) {
    const declined = await confirmOrCancel(
      scope.question(cmd.question(changing[0].planned), changing.length),
      { yes: options.yes, applying: planFile.applying, interactivity: changing[0].session.interactivity },
      { ctx, reporter, document: scope.declinedDocument() },
    );
    if (declined !== undefined) return declined;
  }
  await scope.each(ready, async (run) => {
    const { planned } = run;
    if (planned.appId) run.result.appId = planned.appId;
    try {
      run.outcome = await cmd.execute(planned, run.session, flags, run.result, hasChanges(planned.plan));
      run.exitCode = run.outcome.exitCode;
    } catch (error) {
      // The executor filled this account's result as it went (and handed the same object to the error).
      if (error instanceof CliError) run.stoppedFields = await cmd.stopped?.(planned, run.result, error);
      scope.stopped(run, error);
      throw error;
    } finally {
      await planFile.recordProgress(run.result);
    }
  });
  return scope.finish(false);
}

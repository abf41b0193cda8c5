import type { RunResult } from '../apply/executor.js';
import type { Context } from '../context.js';
import { CliError, ExitCode, exitCodeFor, InputError, type ExitCodeValue } from '../lib/errors.js';
import type { Reporter } from '../lib/reporter.js';
import { renderPlan } from '../plan/render.js';
import { pacingEstimate, pacingLine } from '../plan/pacing.js';
import { toSavedPlan, type PlanOptions } from '../plan/saved-plan.js';
import { hasChanges } from '../plan/types.js';
import { confirmOrCancel } from './confirmation.js';
import { PlanFile } from './plan-file.js';
import { openFleet, readConfig } from './fleet.js';
import { runFleetPlanning } from './fleet-planning.js';
import { afterReadTokenCheck, errorDocument, makeReporter, openSession, withJsonErrors } from './session.js';

import type { Outcome, Planned, PlanningCommand, PlanningOptions } from './planning-command.js';

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

async function lifecycle<F extends PlanOptions, P extends Planned>(
  cmd: PlanningCommand<F, P>,
  options: PlanningOptions,
  ctx: Context,
  reporter: Reporter,
): Promise<number> {
  if (options.detailedExitcode && !options.dryRun) throw new InputError('--detailed-exitcode goes with --dry-run.', 'Add --dry-run.');
  await cmd.preflight?.(ctx);
  // A fleet config runs every account, unless one account's saved plan is made or applied.
  const { fleet, config } = await readConfig(options);
  const oneSaved = fleet?.members.length === 1 && (options.plan !== undefined || options.out !== undefined);
  if (fleet && !oneSaved) return runFleetPlanning(cmd, options, ctx, reporter, fleet);
  const planFile = await PlanFile.open(cmd.name, options);
  const session = fleet
    ? (await openFleet(fleet, options, ctx, reporter, '2m', cmd.scimTokenNeed, planFile.inputs))[0].session
    : await openSession(options, ctx, reporter, {
        defaultWait: '2m',
        saved: planFile.inputs,
        scimTokenNeed: cmd.scimTokenNeed,
        config,
        asksWhatToProvision: cmd.asksWhatToProvision,
      });
  const { inputs, desired } = session;
  planFile.admit({ orgUrl: inputs.orgUrl, desired, options: cmd.flags?.given }, reporter);
  const flags = cmd.flags ? planFile.options<F>(cmd.flags.given, cmd.flags.defaults) : ({} as F);
  const startedAt = new Date();
  const planned = await afterReadTokenCheck(session, () => cmd.plan(session, flags));
  const saved = toSavedPlan(planned.plan, desired, inputs.orgUrl, inputs.accountId, planned.appId, startedAt, cmd.name, cmd.flags ? flags : undefined);
  planFile.refuseStale(saved);
  const document = { formatVersion: 1 as const, command: cmd.name, ...planned.document };
  if (planned.nothing === undefined && (!reporter.json || options.dryRun)) {
    reporter.info(`\n${renderPlan(planned.plan, reporter.style, planned.title)}\n`);
    const pacing = pacingEstimate([planned.plan], inputs.oktaRateShare, session.okta.rateLimits());
    if (pacing) reporter.info(`${pacingLine(pacing)}\n`);
  }
  await planFile.save(saved, ctx, reporter);
  if (planned.nothing !== undefined) {
    reporter.info(planned.nothing);
    reporter.result({ ...document, dryRun: Boolean(options.dryRun), applied: [] });
    return ExitCode.ok;
  }
  if (options.dryRun) {
    const outcome = (await cmd.dryRun?.(planned, session)) ?? { exitCode: ExitCode.ok };
    // --detailed-exitcode, in every command that plans: 2 while changes are pending, 0 when none.
    const pending = Boolean(options.detailedExitcode && hasChanges(planned.plan));
    reporter.result({ ...document, dryRun: true, ...outcome.document, ...(pending ? { status: 'changes' } : {}) });
    return pending ? ExitCode.changes : outcome.exitCode;
  }
  const changes = hasChanges(planned.plan);
  if (changes) {
    const declined = await confirmOrCancel(
      cmd.question(planned),
      { yes: options.yes, applying: planFile.applying, interactivity: session.interactivity },
      { ctx, reporter, document },
    );
    if (declined !== undefined) return declined;
  }
  const result: RunResult = { applied: [], manualSteps: [], ...(planned.appId ? { appId: planned.appId } : {}) };
  const outcome = await cmd.execute(planned, session, flags, result, changes).catch(async (error: unknown) => {
    await planFile.recordProgress(result);
    // One shape for a run stopped half-way, in every command: the plan's document, what was done, and the error.
    if (error instanceof CliError) {
      // The executor fills this run's result as it goes (and hands the same object to the error).
      const done = result;
      reporter.result({
        ...document,
        dryRun: false,
        ...(await cmd.stopped?.(planned, done, error)),
        applied: done.applied,
        manualSteps: done.manualSteps,
        error: errorDocument(error, ctx.signal),
      });
    }
    throw error;
  });
  await planFile.recordProgress(result);
  reporter.result({ ...document, dryRun: false, applied: result.applied, manualSteps: result.manualSteps, ...outcome.document });
  return outcome.exitCode;
}

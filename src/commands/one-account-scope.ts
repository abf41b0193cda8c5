import { CliError, ExitCode } from '../lib/errors.js';
import type { LoadedConfig } from '../lib/config-file.js';
import { renderPlan } from '../plan/render.js';
import { pacingEstimate, pacingLine } from '../plan/pacing.js';
import type { PlanOptions } from '../plan/saved-plan.js';
import { openFleet, type Fleet } from './fleet.js';
import type { Planned, Scope, ScopeIo, Seat } from './planning-command.js';
import { errorDocument, openSession } from './session.js';

/**
 * One account: its error ends the run (main says it), its plan is shown under the command's title,
 * and its document is the command's own. A fleet config narrowed to one account (--account NAME,
 * for its saved plan) is one account too, with its inputs from the config.
 */
export async function oneAccountScope<F extends PlanOptions, P extends Planned>(
  io: ScopeIo<F, P>,
  fleet: Fleet | undefined,
  config: LoadedConfig | undefined,
): Promise<Scope<P>> {
  const { cmd, options, ctx, reporter, planFile } = io;
  const session = fleet
    ? (await openFleet(fleet, options, ctx, reporter, '2m', cmd.scimTokenNeed, planFile.inputs))[0].session
    : await openSession(options, ctx, reporter, {
        defaultWait: '2m',
        saved: planFile.inputs,
        scimTokenNeed: cmd.scimTokenNeed,
        config,
        asksWhatToProvision: cmd.asksWhatToProvision,
      });
  const run: Seat<P> = { session, result: { applied: [], manualSteps: [] } };
  const head = () => ({ formatVersion: 1 as const, command: cmd.name, ...run.planned?.document });
  return {
    runs: [run],
    async each(runs, stage) {
      for (const r of runs) await stage(r);
    },
    showPlans() {
      const { planned } = run;
      // With --json, a plan is shown (on stderr) only where it is the point: a dry run.
      if (!planned || planned.nothing !== undefined || (reporter.json && !options.dryRun)) return;
      reporter.info(`\n${renderPlan(planned.plan, reporter.style, planned.title)}\n`);
      const pacing = pacingEstimate([planned.plan], session.inputs.oktaRateShare, session.okta.rateLimits());
      if (pacing) reporter.info(`${pacingLine(pacing)}\n`);
    },
    adviseAfterDryRun() {},
    question: (one) => one,
    declinedDocument: head,
    stopped(stopped, error) {
      // One shape for a run stopped half-way, in every command: the plan's document, what was done, and the error.
      if (!(error instanceof CliError)) return;
      const { applied, manualSteps } = stopped.result;
      reporter.result({ ...head(), dryRun: false, ...stopped.stoppedFields, applied, manualSteps, error: errorDocument(error, ctx.signal) });
    },
    async finish(dryRun) {
      // Nothing to do, in words: said instead of a plan, and a success (a re-run after a teardown).
      if (run.planned?.nothing !== undefined) {
        reporter.info(run.planned.nothing);
        reporter.result({ ...head(), dryRun: Boolean(options.dryRun), applied: [] });
        return ExitCode.ok;
      }
      const exitCode = run.exitCode ?? ExitCode.ok;
      if (dryRun) reporter.result({ ...head(), dryRun, ...run.outcome?.document, ...(exitCode === ExitCode.changes ? { status: 'changes' } : {}) });
      else reporter.result({ ...head(), dryRun, applied: run.result.applied, manualSteps: run.result.manualSteps, ...run.outcome?.document });
      return exitCode;
    },
  };
}

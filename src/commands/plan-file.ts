import type { Context } from '../context.js';
import { InputError } from '../lib/errors.js';
import { checkOutputPath, writeFileAtomic } from '../lib/output-file.js';
import type { SavedInputs } from '../lib/inputs.js';
import type { Reporter } from '../lib/reporter.js';
import { inputContradictions, planDifferences, readSavedPlan, savedInputs, type PlanCommand, type PlanOptions, type SavedPlan } from '../plan/saved-plan.js';
import type { Desired } from '../plan/types.js';

/** The flags every planning command takes for saved plans. */
export interface PlanFileFlags {
  dryRun?: boolean;
  out?: string;
  plan?: string;
}

/**
 * Saved plans, the same for every command: `--dry-run --out FILE` saves the plan (no secrets),
 * `--plan FILE` applies it as saved, its inputs and flags included, once the world is checked
 * to be as it was. Everything that can be wrong with the files is found before any request.
 */
export class PlanFile {
  private constructor(
    private readonly command: PlanCommand,
    private readonly flags: PlanFileFlags,
    readonly saved: SavedPlan | undefined,
  ) {}

  static async open(command: PlanCommand, flags: PlanFileFlags): Promise<PlanFile> {
    if (flags.out !== undefined) await checkOutputPath(flags.out, '--out');
    // A broken plan file is an input error: found before any request. The plan carries its inputs.
    const saved = flags.plan !== undefined ? await readSavedPlan(flags.plan, command) : undefined;
    return new PlanFile(command, flags, saved);
  }

  /** The saved plan's inputs, for the session to start from. */
  get inputs(): SavedInputs | undefined {
    return this.saved && this.flags.plan !== undefined ? savedInputs(this.saved, this.flags.plan) : undefined;
  }

  /** A saved plan's flags, under any given on this run (undefined = not given). */
  options<T extends PlanOptions>(given: { [K in keyof T]?: T[K] }, defaults: T): T {
    const explicit = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    return { ...defaults, ...(this.saved?.options as Partial<T> | undefined), ...explicit } as T;
  }

  /** An applied plan is not confirmed again: it was reviewed when it was saved. */
  get applying(): boolean {
    return this.saved !== undefined;
  }

  /** Inputs or flags given to this run that contradict the saved plan are refused, each named. */
  refuseContradictions(given: { orgUrl: string; desired: Desired; options?: Record<string, boolean | string | undefined> }): void {
    if (!this.saved) return;
    const options = Object.fromEntries(Object.entries(given.options ?? {}).filter((e): e is [string, boolean | string] => e[1] !== undefined));
    const contradictions = inputContradictions(this.saved, { ...given, options });
    if (contradictions.length > 0)
      throw new InputError(
        `This run was given inputs that contradict the saved plan ${this.flags.plan}:\n${contradictions.map((d) => `  - ${d}`).join('\n')}`,
        'A saved plan carries its inputs: apply it with --plan alone, or make a new plan with these inputs (--dry-run --out). Nothing was changed.',
      );
  }

  /** The fresh plan against the saved one: a plan made in another world is refused, each change named. */
  refuseStale(fresh: SavedPlan): void {
    if (!this.saved) return;
    const differences = planDifferences(this.saved, fresh);
    if (differences.length > 0)
      throw new InputError(
        `The saved plan ${this.flags.plan} is stale; the world changed since it was made:\n${differences.map((d) => `  - ${d}`).join('\n')}`,
        'Make a new plan with --dry-run --out, review it, and apply that one. Nothing was changed.',
      );
  }

  /** --out: the plan written, atomically, secrets redacted. */
  async save(fresh: SavedPlan, ctx: Context, reporter: Reporter): Promise<void> {
    if (this.flags.out === undefined) return;
    await writeFileAtomic(this.flags.out, `${ctx.redactor.redact(JSON.stringify(fresh, null, 2))}\n`);
    reporter.info(`Plan saved to ${this.flags.out}; apply it with: scim-setup ${this.command} --plan ${this.flags.out}`);
  }
}

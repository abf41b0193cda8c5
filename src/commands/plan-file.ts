import type { Context } from '../context.js';
import { InputError } from '../lib/errors.js';
import { readBounded, TooLarge } from '../lib/bounded-read.js';
import { inWords } from '../lib/errno.js';
import { checkOutputPath, writeFileAtomic } from '../lib/output-file.js';
import type { SavedInputs } from '../lib/inputs.js';
import type { Reporter } from '../lib/reporter.js';
import {
  inputContradictions,
  MAX_PLAN_BYTES,
  parseProgress,
  parseSavedPlan,
  planDifferences,
  type PlanProgress,
  savedInputs,
  targetMismatches,
  type PlanCommand,
  type PlanOptions,
  type ReadPlan,
  type SavedPlan,
} from '../plan/saved-plan.js';
import type { Desired } from '../plan/types.js';
import type { RunResult } from '../apply/executor.js';

/** The flags every planning command takes for saved plans. */
export interface PlanFileFlags {
  dryRun?: boolean;
  out?: string;
  plan?: string;
  planSha256?: string;
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
    /** The saved plan given to --plan, with its path. */
    private readonly read: (ReadPlan & { path: string }) | undefined,
    /** What an earlier apply of this very plan did, from `<plan>.progress`. */
    private progress: PlanProgress | undefined,
  ) {}

  static async open(command: PlanCommand, flags: PlanFileFlags): Promise<PlanFile> {
    if (flags.out !== undefined) await checkOutputPath(flags.out, '--out');
    if (flags.planSha256 !== undefined && flags.plan === undefined)
      throw new InputError('--plan-sha256 pins the file given to --plan, and no --plan was given.', 'Add --plan <file>, or drop --plan-sha256.');
    // A broken plan file is an input error: found before any request. The plan carries its inputs.
    const path = flags.plan;
    const read = path !== undefined ? { ...parseSavedPlan(path, await readPlanBytes(path), command), path } : undefined;
    if (read && flags.planSha256 !== undefined) refuseUnpinned(read.path, read.sha256, flags.planSha256);
    const progress = read ? await readProgress(read.path, read.sha256) : undefined;
    return new PlanFile(command, flags, read, progress);
  }

  get saved(): SavedPlan | undefined {
    return this.read?.plan;
  }

  /** The saved plan's inputs, for the session to start from. */
  get inputs(): SavedInputs | undefined {
    return this.read ? savedInputs(this.read.plan, this.read.path) : undefined;
  }

  /** A saved plan's flags, under any given on this run (undefined = not given). */
  options<T extends PlanOptions>(given: { [K in keyof T]?: T[K] }, defaults: T): T {
    return commandFlags(given, defaults, this.saved?.options as Partial<T> | undefined);
  }

  /** An applied plan is not confirmed again: it was reviewed when it was saved. */
  get applying(): boolean {
    return this.saved !== undefined;
  }

  /**
   * Before any request: the plan's targets must be where this run connects (a plan never chooses
   * where credentials go), and no input given may contradict it. Then what is applied is said:
   * the file, its digest and its targets.
   */
  admit(given: { orgUrl: string; desired: Desired; options?: Record<string, boolean | string | undefined> }, reporter: Reporter): void {
    if (!this.read) return;
    const { path } = this.read;
    const mismatches = targetMismatches(this.read.plan, { orgUrl: given.orgUrl, accountId: given.desired.accountId, scimBaseUrl: given.desired.scimBaseUrl });
    if (mismatches.length > 0)
      throw new InputError(
        `The saved plan ${path} was made for another destination than this run's:\n${mismatches.map((d) => `  - ${d}`).join('\n')}`,
        'A saved plan never decides where your tokens go: set --org-url/OKTA_ORG_URL, --api-base-url/CLOUDFLARE_API_BASE_URL and ' +
          '--account-id/CLOUDFLARE_ACCOUNT_ID to where you mean to apply it, or make a new plan there. Nothing was sent.',
      );
    const options = Object.fromEntries(Object.entries(given.options ?? {}).filter((e): e is [string, boolean | string] => e[1] !== undefined));
    const contradictions = inputContradictions(this.read.plan, { desired: given.desired, options });
    if (contradictions.length > 0)
      throw new InputError(
        `This run was given inputs that contradict the saved plan ${path}:\n${contradictions.map((d) => `  - ${d}`).join('\n')}`,
        'A saved plan carries its inputs: apply it with --plan alone, or make a new plan with these inputs (--dry-run --out). Nothing was changed.',
      );
    reporter.info(
      `Applying saved plan ${path} (sha256 ${this.read.sha256})\n` +
        `  Okta org:   ${given.orgUrl}\n  Cloudflare: ${given.desired.scimBaseUrl}\n` +
        (this.flags.planSha256 === undefined
          ? `  Pin the file you reviewed with --plan-sha256 ${this.read.sha256}`
          : '  Pinned by --plan-sha256: the file is the one reviewed'),
    );
  }

  /** The fresh plan against the saved one: a plan made in another world is refused, each change named. */
  refuseStale(fresh: SavedPlan): void {
    if (!this.saved) return;
    const differences = planDifferences(this.saved, fresh, this.progress);
    if (differences.length > 0)
      throw new InputError(
        `The saved plan ${this.flags.plan} is stale; the world changed since it was made:\n${differences.map((d) => `  - ${d}`).join('\n')}`,
        'Make a new plan with --dry-run --out, review it, and apply that one. Nothing was changed.',
      );
  }

  /**
   * Applying a saved plan: what it has done so far is kept beside it, so that a re-run after a stop
   * (the guided step waiting: "re-run the same command") carries on instead of calling the plan
   * stale. No secrets: the plan's digest, the app's id, the finished actions' ids.
   */
  async recordProgress(result: RunResult): Promise<void> {
    if (!this.read) return;
    // Done, or asked of a person (a guided step shown): either way the plan's own work once it is found done.
    const done = [...new Set([...(this.progress?.done ?? []), ...result.applied.map((a) => a.id), ...result.manualSteps.map((m) => m.id)])];
    const appId = result.appId ?? this.progress?.appId;
    this.progress = { planSha256: this.read.sha256, ...(appId ? { appId } : {}), done };
    await writeFileAtomic(progressPath(this.read.path), `${JSON.stringify(this.progress, null, 2)}\n`);
  }

  /** --out: the plan written, atomically, secrets redacted. */
  async save(fresh: SavedPlan, ctx: Context, reporter: Reporter): Promise<void> {
    if (this.flags.out === undefined) return;
    await writeFileAtomic(this.flags.out, `${ctx.redactor.redact(JSON.stringify(fresh, null, 2))}\n`);
    reporter.info(`Plan saved to ${this.flags.out}; apply it with: npx scim-setup ${this.command} --plan ${this.flags.out}`);
  }
}

const progressPath = (plan: string) => `${plan}.progress`;

/** An earlier apply's record of this plan, where there is one that names this plan's digest; anything else is ignored. */
async function readProgress(plan: string, sha256: string): Promise<PlanProgress | undefined> {
  try {
    return parseProgress((await readBounded(progressPath(plan), 1024 * 1024)).toString('utf8'), sha256);
  } catch {
    return undefined;
  }
}

/** --plan-sha256: the file applied is the file reviewed, byte for byte. */
function refuseUnpinned(path: string, actual: string, pinned: string): void {
  const want = pinned
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(want))
    throw new InputError(`--plan-sha256: "${pinned}" is not a SHA-256 digest (64 hex characters).`, `Use the digest of the reviewed file: sha256sum ${path}.`);
  if (want !== actual)
    throw new InputError(
      `--plan ${path}: the file's SHA-256 is ${actual}, not ${want} as --plan-sha256 pins: it is not the file that was reviewed.`,
      'Review the plan that is there now and pin its digest, or restore the reviewed file. Nothing was sent.',
    );
}

/** The plan file's bytes, bounded, or why they could not be read (the I/O edge of saved plans). */
async function readPlanBytes(path: string): Promise<{ bytes: Buffer } | { unreadable: string }> {
  try {
    return { bytes: await readBounded(path, MAX_PLAN_BYTES) };
  } catch (error) {
    return { unreadable: error instanceof TooLarge ? 'it is over 8 MB' : `it cannot be read: ${inWords((error as NodeJS.ErrnoException).code)}` };
  }
}

/** Pure: a command's own flags: those given, over a saved plan's, over the defaults. */
export function commandFlags<T extends PlanOptions>(given: { [K in keyof T]?: T[K] }, defaults: T, saved?: Partial<T>): T {
  const explicit = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...defaults, ...saved, ...explicit } as T;
}

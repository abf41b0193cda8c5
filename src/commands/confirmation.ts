import type { Context } from '../context.js';
import type { JsonDocument } from '../lib/json-document.js';
import type { PlanFields } from './documents.js';
import { ExitCode, InputError, type ExitCodeValue } from '../lib/errors.js';
import { ask, confirm } from '../lib/prompt.js';
import type { Reporter } from '../lib/reporter.js';
import type { Interactivity } from '../lib/tty.js';

/** How one command asks before it changes anything. */
export interface Question {
  /** "Apply these changes?", or for destroy the label to type. */
  ask: string | { typeToConfirm: string; what?: string };
  /** What needs the confirmation, for the non-interactive refusal: "Applying changes". */
  doing: string;
  /** How to go on without asking. */
  yesHint: string;
  /** Said when declined: "Apply cancelled; nothing was changed." */
  cancelled: string;
}

/**
 * The one confirmation of every planning command: skipped with --yes or
 * a saved plan; refused as an input error where no one can answer; declined the same way
 * everywhere: said, one JSON document with `cancelled: true`, exit 1.
 * Returns the exit code of a declined run, or undefined to go on.
 */
export async function confirmOrCancel(
  question: Question,
  options: { yes?: boolean; applying: boolean; interactivity: Interactivity },
  io: { ctx: Context; reporter: Reporter; document: JsonDocument & Partial<PlanFields> },
): Promise<ExitCodeValue | undefined> {
  if (options.yes || options.applying) return undefined;
  if (!options.interactivity.interactive)
    throw new InputError(`${question.doing} needs confirmation, and the run is non-interactive (${options.interactivity.reason}).`, question.yesHint);
  const { ctx } = io;
  const agreed =
    typeof question.ask === 'string'
      ? await confirm(ctx.stdin, ctx.stderr, question.ask)
      : (await ask(ctx.stdin, ctx.stderr, `Type ${question.ask.what ?? 'the app label'} ("${question.ask.typeToConfirm}") to confirm: `)).trim() ===
        question.ask.typeToConfirm;
  if (agreed) return undefined;
  // As terraform's "Apply cancelled": a run that did not do what it was asked is not a success.
  io.reporter.info(question.cancelled);
  io.reporter.result({ ...io.document, dryRun: false, cancelled: true });
  return ExitCode.failed;
}

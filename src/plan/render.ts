import type { ChalkInstance } from 'chalk';
import { untrusted } from '../lib/terminal-text.js';
import type { Action, ActionKind, Plan } from './types.js';

const SYMBOL: Record<ActionKind, string> = { create: '+', update: '~', delete: '-', manual: '!', noop: '=' };

/** Counts by kind; an action that may fall back to a guided step counts as manual, since it may need a person. */
export function summarize(plan: Plan): Record<ActionKind, number> {
  const counts: Record<ActionKind, number> = { create: 0, update: 0, delete: 0, manual: 0, noop: 0 };
  for (const a of plan.actions) counts[a.guided ? 'manual' : a.kind] += 1;
  return counts;
}

export function summaryLine(plan: Plan): string {
  const c = summarize(plan);
  const guided = plan.actions.filter((a) => a.guided).length;
  const manual = `${c.manual} manual${guided ? ` (${guided === c.manual ? '' : `${guided} of them `}a guided step unless Okta takes it by API)` : ''}`;
  return `Plan: ${c.create} to create, ${c.update} to update, ${c.delete} to delete, ${manual}, ${c.noop} unchanged.`;
}

/** A readable plan, like `terraform plan`: one line an action, the request under it. */
export function renderPlan(plan: Plan, style: ChalkInstance, heading: string): string {
  const colour: Record<ActionKind, (s: string) => string> = {
    create: style.green,
    update: style.yellow,
    delete: style.red,
    manual: style.magenta,
    noop: style.dim,
  };
  const lines = [style.bold(heading)];
  for (const a of plan.actions) lines.push(...renderAction(a, colour[a.kind]));
  for (const w of plan.warnings) lines.push(style.yellow(`  warning: ${untrusted(w)}`));
  lines.push('', style.bold(summaryLine(plan)));
  return lines.join('\n');
}

function renderAction(a: Action, paint: (s: string) => string): string[] {
  // Summaries and details quote names from Okta and Cloudflare: each stays one line.
  const out = [paint(`  ${a.guided ? SYMBOL.manual : SYMBOL[a.kind]} ${a.kind === 'manual' ? 'manual: ' : ''}${untrusted(a.summary)}`)];
  if (a.detail) out.push(`      ${untrusted(a.detail)}`);
  for (const r of [...(a.request ? [a.request] : []), ...(a.followUps ?? [])])
    out.push(`      ${r.method} ${untrusted(r.path)}${r.body !== undefined ? ` ${JSON.stringify(r.body)}` : ''}`);
  return out;
}

import type { ChalkInstance } from 'chalk';
import { untrusted, wrapWords } from '../lib/terminal-text.js';
import type { Check, CheckStatus } from './types.js';

/** Below this width the table would leave its text column a few characters wide: each check is stacked instead. */
const STACK_BELOW = 60;

/**
 * One line a check, its status coloured, its evidence and fix under it. Given the terminal's width,
 * text is folded under its own column; below STACK_BELOW columns, id and status take a line and the
 * text goes under them, indented. Without a width (a pipe, a file) lines stay whole.
 */
export function renderChecks(checks: Check[], style: ChalkInstance, columns = 0): string {
  const paint: Record<CheckStatus, (s: string) => string> = { pass: style.green, fail: style.red, pending: style.cyan, warn: style.yellow, skipped: style.dim };
  const width = Math.max(...checks.map((c) => c.id.length));
  const stacked = columns > 0 && columns < STACK_BELOW;
  const textColumn = stacked ? 4 : 10 + width + 2;
  const pad = ' '.repeat(textColumn);
  const fold = (text: string) => (columns > 0 ? wrapWords(text, Math.max(columns - textColumn, 20)) : [text]);
  const block = (text: string, dim: boolean) => fold(text).map((l) => (dim ? style.dim(pad + l) : pad + l));
  const lines: string[] = [];
  // Summaries and evidence quote names and messages from Okta and Cloudflare: each is neutralised before it is folded.
  for (const c of checks) {
    const status = paint[c.status](c.status.toUpperCase().padEnd(7));
    const [first, ...rest] = fold(untrusted(c.summary));
    if (stacked) lines.push(`  ${status} ${untrusted(c.id)}`, ...block(untrusted(c.summary), false));
    else lines.push(`  ${status} ${untrusted(c.id).padEnd(width)}  ${first}`, ...rest.map((l) => pad + l));
    for (const e of c.evidence) lines.push(...block(untrusted(e), true));
    if (c.fix && c.status !== 'pass') lines.push(...block(`fix: ${untrusted(c.fix)}`, false));
  }
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const warnings = count('warn');
  const total = `Checks: ${count('pass')} passed, ${count('fail')} failed, ${count('pending')} pending, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('skipped')} skipped.`;
  lines.push('', ...(columns > 0 ? wrapWords(total, columns, '  ') : [total]).map((l) => style.bold(l)));
  return lines.join('\n');
}

import type { ChalkInstance } from 'chalk';
import { untrusted } from '../lib/terminal-text.js';
import type { Check, CheckStatus } from './types.js';

/** One line a check, its status coloured, its evidence and fix under it. */
export function renderChecks(checks: Check[], style: ChalkInstance): string {
  const paint: Record<CheckStatus, (s: string) => string> = { pass: style.green, fail: style.red, pending: style.cyan, warn: style.yellow, skipped: style.dim };
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines: string[] = [];
  // Summaries and evidence quote names and messages from Okta and Cloudflare: each stays one line.
  for (const c of checks) {
    lines.push(`  ${paint[c.status](c.status.toUpperCase().padEnd(7))} ${untrusted(c.id).padEnd(width)}  ${untrusted(c.summary)}`);
    for (const e of c.evidence) lines.push(style.dim(`          ${' '.repeat(width)}  ${untrusted(e)}`));
    if (c.fix && c.status !== 'pass') lines.push(`          ${' '.repeat(width)}  fix: ${untrusted(c.fix)}`);
  }
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const warnings = count('warn');
  lines.push(
    '',
    style.bold(
      `Checks: ${count('pass')} passed, ${count('fail')} failed, ${count('pending')} pending, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('skipped')} skipped.`,
    ),
  );
  return lines.join('\n');
}

import type { ChalkInstance } from 'chalk';
import { exitStatus } from '../lib/errors.js';
import { untrusted } from '../lib/terminal-text.js';
import type { Check } from '../verify/types.js';

/** One account's line of the fleet's closing table. */
export interface FleetRow {
  account: string;
  app: string;
  /** Actions carried out; undefined where the command applies nothing (verify) or never got that far. */
  applied?: number;
  exitCode: number;
  checks?: Check[];
  /** The error or wait that ended the account's run, in its first line. */
  ending?: string;
}

/** Pure: an account's outcome in a few words: its status, its checks, or what stopped it (its first line, cut at `cutAt` where given). */
export function rowResult(row: FleetRow, cutAt?: number): string {
  const status = exitStatus(row.exitCode);
  const passed = row.checks?.filter((c) => c.status === 'pass').length;
  const checks = row.checks?.length ? `${passed} of ${row.checks.length} checks pass` : undefined;
  const first = row.ending ? untrusted(row.ending.split('\n')[0]) : undefined;
  const detail = first !== undefined ? (cutAt === undefined ? first : shortened(first, cutAt)) : checks;
  return detail ? `${status}: ${detail}` : status;
}

/**
 * Pure: the table a fleet run ends with: account, app, actions applied (where the command applies),
 * and how it ended. On a terminal (`onTerminal`) an error is cut to fit a line, its whole text being
 * above; in a file or a log it stays whole, where nothing scrolls and a reader searches.
 */
export function fleetTable(rows: FleetRow[], style: ChalkInstance, onTerminal = true): string {
  const applies = rows.some((r) => r.applied !== undefined);
  const cells = rows.map((r) => [
    r.account,
    untrusted(r.app),
    ...(applies ? [r.applied === undefined ? '-' : String(r.applied)] : []),
    rowResult(r, onTerminal ? 80 : undefined),
  ]);
  const head = ['account', 'app', ...(applies ? ['applied'] : []), 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `  ${c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`.trimEnd();
  const colour = (row: FleetRow, text: string) => (row.exitCode === 0 ? style.green(text) : row.exitCode === 3 ? style.yellow(text) : style.red(text));
  const worst = rows.filter((r) => r.exitCode !== 0).length;
  return [
    style.bold(`${rows.length} account${rows.length === 1 ? '' : 's'}: ${rows.length - worst} ok${worst ? `, ${worst} not` : ''}`),
    style.dim(line(head)),
    ...rows.map((r, i) => colour(r, line(cells[i]))),
  ].join('\n');
}

/** A line cut at a word before `max` characters, marked as cut: the account's full error is above the table. */
function shortened(line: string, max: number): string {
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

import { csvDocument, type CsvCell } from '../../lib/csv.js';
import { untrusted } from '../../lib/terminal-text.js';
import type { AccessReport } from './document.js';

const HEADER = [
  'email',
  'outside_okta',
  'super_administrator',
  'roles',
  'status',
  'came',
  'expected_outside',
  'why_outside',
  'deprovisioning_cause',
  'requested_at',
  'okta_sent_at',
  'removed_at',
  'seconds',
  'outcome',
  'outcome_why',
];

/**
 * Pure: one row per person. Someone in both tables (a former assignee Cloudflare still lists) is
 * one row with both halves; the outside-governance rows come first, in their order.
 */
export function reportCsv(report: AccessReport): string {
  const removalOf = new Map(report.deprovisioning.map((d) => [d.login.toLowerCase(), d]));
  const removalCells = (login: string): CsvCell[] => {
    const d = removalOf.get(login.toLowerCase());
    return d ? [d.cause, d.requestedAt, d.oktaSentAt, d.removedAt, d.seconds, d.outcome, d.why] : ['', '', '', '', null, '', ''];
  };
  const outside = report.ungoverned.map((u): CsvCell[] => [
    u.email,
    true,
    u.superAdmin,
    u.roles.join('; '),
    u.status,
    u.came,
    u.expected,
    u.why,
    ...removalCells(u.email),
  ]);
  const listed = new Set(report.ungoverned.map((u) => u.email.toLowerCase()));
  const removals = report.deprovisioning
    .filter((d) => !listed.has(d.login.toLowerCase()))
    .map((d): CsvCell[] => [d.login, false, null, '', '', '', null, '', ...removalCells(d.login)]);
  // Names and reasons from the wire, one line each with their controls shown: the file is read in a
  // spreadsheet, and as often with `cat` on a terminal.
  const shown = (row: CsvCell[]) => row.map((cell) => (typeof cell === 'string' ? untrusted(cell) : cell));
  return csvDocument(HEADER, [...outside, ...removals].map(shown));
}

import type { ChalkInstance } from 'chalk';
import type { AccessReport } from './document.js';

/**
 * Pure: the report on a terminal. The summary, then the first rows of each table, as many as a
 * screen holds; beyond it, the files that hold them all. Nothing outside Okta beyond what the admin
 * expects, and nobody still a member, is one line.
 */
export function reportLines(report: AccessReport, style: ChalkInstance, rowsPerTable: number, files: { html?: string; csv?: string }): string[] {
  const s = report.summary;
  const period = `${report.period.since.slice(0, 10)} to ${report.period.until.slice(0, 10)}`;
  const removals = removalSummary(report);
  if (s.unexpected === 0 && s.stillMembers === 0) {
    const expected = s.ungoverned ? `; ${s.ungoverned} outside Okta, all expected` : '';
    return [
      `${style.green('✓')} Nobody reaches Cloudflare account ${report.accountId} outside Okta's governance unexpectedly${expected}. ${removals} (${period})`,
    ];
  }
  const lines = [`Access to Cloudflare account ${report.accountId} through Okta app "${report.app.label}" (${report.app.id}), ${period}`, ''];
  const admins = s.superAdministrators ? `, ${s.superAdministrators} Super Administrator${s.superAdministrators === 1 ? '' : 's'}` : '';
  const pending = s.pendingInvitations ? `, ${s.pendingInvitations} pending invitation${s.pendingInvitations === 1 ? '' : 's'}` : '';
  lines.push(style.bold(`Outside Okta's governance: ${s.ungoverned}${admins}${pending}; ${s.unexpected} not expected`));
  for (const u of report.ungoverned.slice(0, rowsPerTable)) {
    const mark = u.expected ? style.dim('expected') : u.superAdmin ? style.red('!') : style.yellow('!');
    const roles = u.roles.length ? u.roles.join(', ') : 'no role';
    lines.push(`  ${mark} ${u.email}  ${u.superAdmin ? style.bold(roles) : roles}  ${u.status}, ${u.came}`, `      ${style.dim(u.why)}`);
  }
  const deprovisioned = report.deprovisioning;
  lines.push('', style.bold(`Deprovisioning: ${removals}`));
  for (const d of deprovisioned.slice(0, rowsPerTable)) {
    const what = d.cause ? `${d.cause}${d.causeDetail ? ` (${d.causeDetail})` : ''}` : 'what asked is not in the log';
    const result =
      d.outcome === 'removed'
        ? style.green(d.seconds === null ? 'removed' : `removed after ${d.seconds} s`)
        : d.outcome === 'still-member'
          ? style.red('still a member')
          : 'unknown';
    lines.push(`  ${d.login}  ${what}${d.requestedAt ? ` at ${d.requestedAt}` : ''} → ${result}`);
    if (d.why) lines.push(`      ${style.dim(d.why)}`);
  }
  const hidden = Math.max(0, report.ungoverned.length - rowsPerTable) + Math.max(0, deprovisioned.length - rowsPerTable);
  if (hidden > 0) {
    const where = files.html ? `see ${files.html}` : files.csv ? `see ${files.csv}` : 'see --html FILE, --csv FILE or --json for every row';
    lines.push('', `… and ${hidden} more row${hidden === 1 ? '' : 's'}: ${where}`);
  }
  for (const note of report.notes) lines.push('', style.yellow(`note: ${note}`));
  return lines;
}

function removalSummary(report: AccessReport): string {
  const s = report.summary;
  if (s.deprovisioned === 0) return 'Okta deprovisioned nobody from the app in the period.';
  const delays = s.medianSeconds === null ? '' : `, median ${s.medianSeconds} s, largest ${s.maxSeconds} s`;
  return `${s.deprovisioned} deprovisioned by Okta${delays}; ${s.removed} removed, ${s.stillMembers} still a member${s.unknown ? `, ${s.unknown} unknown` : ''}.`;
}

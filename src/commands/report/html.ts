import { untrusted } from '../../lib/terminal-text.js';
import type { Deprovisioning } from '../../plan/deprovisioning.js';
import type { AccessReport } from './document.js';

/**
 * Pure: the report as one self-contained page. Nothing is fetched (a Content-Security-Policy of
 * `default-src 'none'` holds the page to its own inline style), there is no script, and every value
 * from the wire is escaped where it is written.
 */
export function reportHtml(report: AccessReport): string {
  const s = report.summary;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Access report: ${esc(report.app.label)} → Cloudflare ${esc(report.accountId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Who reaches Cloudflare account ${esc(report.accountId)}</h1>
<dl class="frame">
<dt>Okta org</dt><dd>${esc(report.orgUrl)}</dd>
<dt>Okta app</dt><dd>${esc(report.app.label)} (${esc(report.app.id)})</dd>
<dt>Period</dt><dd>${esc(report.period.since)} to ${esc(report.period.until)}</dd>
<dt>Made</dt><dd>${esc(report.generatedAt)} by scim-setup report</dd>
</dl>
${report.notes.length ? `<ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Outside Okta's governance: ${s.ungoverned} (${s.superAdministrators} Super Administrator${s.superAdministrators === 1 ? '' : 's'}, ${s.unexpected} not expected)</h2>
${report.ungoverned.length ? ungovernedTable(report) : '<p>Everyone who reaches the account is provisioned by this Okta app.</p>'}
<h2>Deprovisioning: ${s.deprovisioned} (median ${seconds(s.medianSeconds)}, largest ${seconds(s.maxSeconds)}, ${s.stillMembers} still a member)</h2>
${report.deprovisioning.length ? `${timeline(report.deprovisioning)}${removalTable(report.deprovisioning)}` : '<p>Okta deprovisioned nobody from the app in the period.</p>'}
</body>
</html>
`;
}

function ungovernedTable(report: AccessReport): string {
  const rows = report.ungoverned.map(
    (u) =>
      `<tr${u.superAdmin ? ' class="super"' : ''}><td>${esc(u.email)}</td><td>${esc(u.roles.join(', '))}</td><td>${esc(u.status)}</td>` +
      `<td>${u.superAdmin ? 'yes' : ''}</td><td>${esc(u.came)}${u.joinedAt ? `<br><small>${esc(u.joinedAt)}</small>` : ''}</td>` +
      `<td>${u.expected ? 'expected' : ''}</td><td>${esc(u.why)}</td></tr>`,
  );
  return `<table><thead><tr><th>E-mail</th><th>Roles</th><th>Status</th><th>Super Admin</th><th>How they came</th><th>Expected</th><th>Why Okta will never remove them</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function removalTable(rows: Deprovisioning[]): string {
  const body = rows.map(
    (d) =>
      `<tr class="${esc(d.outcome)}"><td>${esc(d.login)}</td><td>${esc(d.cause ?? 'not in the log')}${d.causeDetail ? `<br><small>${esc(d.causeDetail)}</small>` : ''}</td>` +
      `<td>${esc(d.requestedAt ?? '')}</td><td>${esc(d.oktaSentAt ?? '')}</td><td>${esc(d.removedAt ?? '')}</td><td class="num">${seconds(d.seconds)}</td>` +
      `<td>${esc(d.outcome)}${d.why ? `<br><small>${esc(d.why)}</small>` : ''}</td></tr>`,
  );
  return `<table><thead><tr><th>Okta user</th><th>What asked</th><th>Okta asked</th><th>Okta sent</th><th>Cloudflare removed</th><th>Delay</th><th>Outcome</th></tr></thead><tbody>
${body.join('\n')}
</tbody></table>`;
}

/** Each removal's delay as a bar, on one scale; a person still a member as a bar to the edge, marked. */
function timeline(rows: Deprovisioning[]): string {
  const width = 640;
  const label = 220;
  const row = 18;
  const longest = Math.max(1, ...rows.map((d) => d.seconds ?? 0));
  const bars = rows.map((d, i) => {
    const y = i * row + 4;
    const still = d.outcome === 'still-member';
    const w = d.seconds === null ? (still ? width - label - 60 : 0) : Math.max(2, ((width - label - 60) * d.seconds) / longest);
    const text = d.seconds === null ? (still ? 'still a member' : d.outcome) : seconds(d.seconds);
    return (
      `<text x="0" y="${y + 11}" class="who">${esc(truncate(d.login, 32))}</text>` +
      `<rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="12" class="${still ? 'bar still' : 'bar'}"/>` +
      `<text x="${(label + w + 4).toFixed(1)}" y="${y + 11}">${esc(text)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Delay from Okta's request to Cloudflare's removal" width="${width}" height="${rows.length * row + 8}" class="timeline">${bars.join('')}</svg>`;
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const seconds = (value: number | null) => (value === null ? '–' : `${value} s`);

/**
 * A value as the page shows it: controls and direction overrides as visible escapes (a browser
 * reorders text at U+202E as a terminal would), then every character that means something in HTML,
 * in text and in attribute values alike.
 */
export function esc(value: string): string {
  return untrusted(value).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
.frame{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}.frame dt{font-weight:600}.frame dd{margin:0}
.notes{background:#fff8e1;padding:.6em 2em;border-left:4px solid #f0b400}
table{border-collapse:collapse;width:100%;margin-top:.5em}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}tr.super td:first-child{font-weight:700}tr.still-member{background:#fdecea}.num{text-align:right}
small{color:#666}.timeline{margin-top:1em;font-size:11px}.timeline .bar{fill:#3b82f6}.timeline .bar.still{fill:#dc2626}`;

import { piiStandIn } from '../../lib/har.js';
import { deprovisionings, deprovisioningSummary, type Deprovisioning } from '../../plan/deprovisioning.js';
import { ungovernedMembers, type UngovernedMember } from '../../plan/ungoverned.js';
import type { AccessEvidence } from './read.js';

/** The access report: what `--json` prints, and what the CSV, the page and the terminal are drawn from. */
export interface AccessReport {
  orgUrl: string;
  accountId: string;
  app: { id: string; label: string };
  /** The period asked for (--since), as ISO times. */
  period: { since: string; until: string };
  generatedAt: string;
  /** Where each log begins: the later of the period's start and what the log keeps. */
  reach: { okta: string; cloudflare: string };
  notes: string[];
  summary: AccessSummary;
  ungoverned: UngovernedMember[];
  deprovisioning: Deprovisioning[];
}

export interface AccessSummary {
  ungoverned: number;
  superAdministrators: number;
  pendingInvitations: number;
  /** Outside Okta and not named as expected (--expect-outside): what --fail-on-ungoverned fails on. */
  unexpected: number;
  deprovisioned: number;
  removed: number;
  stillMembers: number;
  unknown: number;
  medianSeconds: number | null;
  maxSeconds: number | null;
}

export interface ReportFrame {
  orgUrl: string;
  accountId: string;
  app: { id: string; label: string };
  since: Date;
  now: Date;
  expectedOutside: readonly string[];
}

/** Pure: the report from what was read. */
export function accessReport(evidence: AccessEvidence, frame: ReportFrame): AccessReport {
  const deprovisioning = deprovisionings(evidence.deprovisioning);
  // A former assignee still listed is in both tables: the outside-governance row says why, from the removal's.
  const lingering = new Map(deprovisioning.flatMap((d) => (d.outcome === 'still-member' && d.why ? [[d.login.toLowerCase(), d.why]] : [])));
  const ungoverned = ungovernedMembers({ ...evidence.governance, lingering, expectedOutside: frame.expectedOutside });
  const removals = deprovisioningSummary(deprovisioning);
  return {
    orgUrl: frame.orgUrl,
    accountId: frame.accountId,
    app: frame.app,
    period: { since: frame.since.toISOString(), until: frame.now.toISOString() },
    generatedAt: frame.now.toISOString(),
    reach: evidence.deprovisioning.reach,
    notes: evidence.notes,
    summary: {
      ungoverned: ungoverned.length,
      superAdministrators: ungoverned.filter((u) => u.superAdmin).length,
      pendingInvitations: ungoverned.filter((u) => u.status === 'pending').length,
      unexpected: ungoverned.filter((u) => !u.expected).length,
      deprovisioned: removals.count,
      removed: removals.removed,
      stillMembers: removals.stillMembers,
      unknown: removals.unknown,
      medianSeconds: removals.medianSeconds,
      maxSeconds: removals.maxSeconds,
    },
    ungoverned,
    deprovisioning,
  };
}

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** Pure, for --redact-pii: every e-mail address and login as a stable hash, in every field that may hold one. */
export function withoutPeople(report: AccessReport): AccessReport {
  const text = (s: string) => s.replace(EMAIL, (m) => piiStandIn(m.toLowerCase()));
  // A field that holds a person is hashed whole, whatever its characters (an address with markup in it is still one).
  const person = (s: string) => piiStandIn(s.toLowerCase());
  return {
    ...report,
    notes: report.notes.map(text),
    ungoverned: report.ungoverned.map((u) => ({ ...u, email: person(u.email), why: text(u.why) })),
    deprovisioning: report.deprovisioning.map((d) => ({ ...d, login: person(d.login), ...(d.why ? { why: text(d.why) } : {}) })),
  };
}

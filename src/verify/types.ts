import type { CloudflareClient } from '../cloudflare/client.js';
import type { Inputs } from '../lib/inputs.js';
import type { Clock } from '../lib/clock.js';
import type { Reporter } from '../lib/reporter.js';
import type { OktaClient } from '../okta/client.js';
import type { DriftFacts } from '../plan/drift.js';
import type { Desired } from '../plan/types.js';

/** What verification reads with: the clients, the inputs and the reporter of the command that runs it. */
export interface VerifySession {
  reporter: Reporter;
  inputs: Inputs;
  desired: Desired;
  okta: OktaClient;
  scim: CloudflareClient;
  /** The "Account Settings: Read" client; absent without CLOUDFLARE_API_TOKEN. */
  accountApi?: CloudflareClient;
  /** The run's clock: rounds, settle times and "now" are on it. */
  clock: Clock;
}

/** The SCIM token Okta holds, as read at one moment: which, until when, and what else it may do. */
export type TokenLife =
  | { known: false; reason: string }
  | {
      known: true;
      id: string;
      name?: string;
      /** given: its value is held here; made: by this run; named: found by scim-setup's name, its value held by Okta alone. */
      source: 'given' | 'made' | 'named';
      status: string;
      expiresOn?: string;
      /** Whole days left at the reading; negative once expired. */
      daysLeft?: number;
      /** Whole days from its issue to its expiry, where both are known: how early a warning is worth it. */
      lifeDays?: number;
      accountOwned: boolean;
      /** Beyond SCIM Provisioning on this account; absent where the API token may not read the token's policies. */
      rights?: { extra: string[]; otherResources: string[]; scim: boolean };
    };

export type CheckStatus = 'pass' | 'fail' | 'pending' | 'warn' | 'skipped';

/** One verification check: a verdict, the evidence read back, and how to fix it. */
export interface Check {
  id: string;
  status: CheckStatus;
  summary: string;
  evidence: string[];
  fix?: string;
  /** A refused token: the run exits 4 rather than 1. */
  authRefused?: boolean;
}

/** What verify read back from Okta and Cloudflare in one pass: the drift facts, and the rest the checks need. */
export interface Evidence extends DriftFacts {
  accountId: string;
  /** `watched`: no SCIM token is held here; SCIM was read with CLOUDFLARE_API_TOKEN, and Okta's token is known by its id. */
  scimToken: { ok: true; detail: string; watched?: boolean } | { ok: false; status: number; message: string; auth: boolean; fix?: string };
  tokenLife: TokenLife;
  app?: {
    id: string;
    label: string;
    status: string;
    features: string[];
    visibility: { autoLaunch: boolean; autoSubmitToolbar: boolean; hide: { iOS: boolean; web: boolean } };
  };
  assignedGroupNames: string[];
  pushGroups: Array<DriftFacts['pushGroups'][number] & { mapping?: { id: string; status: string; errorSummary?: string; lastPush?: string | null } }>;
  /** IAM user groups by name; undefined without the read token. */
  userGroups?: Record<string, { id: string; policies: number; grantedRoleIds: string[] }>;
  /** Roles the inputs ask for, by pushed group, with their permission group ids. */
  wantedRoles: Record<string, Array<{ name: string; id: string }>>;
  superAdminEmails?: string[];
  oktaFailures: Array<{ eventType: string; displayMessage: string; reason?: string; target?: string; published: string }>;
  /** SCIM requests by the given token since `since`, and by other tokens (whose ids: Okta may hold another). */
  /** `others.latest`: the newest of Okta's requests by another token (Cloudflare's clock), where any. */
  audit:
    | { skipped: string; fix: string }
    | {
        count: number;
        latest?: string;
        tokenId: string;
        others: { count: number; tokenIds: string[]; latest?: string };
        /** SCIM requests by the token the log records no user agent for: Okta's, or anyone's, it cannot tell. */
        unattributed: number;
      };
  /** From when the audit log was read: the run's start, or verify's --since. */
  since: string;
  /** What the run just changed that makes Okta send SCIM requests; none for `verify` alone. */
  expected?: ExpectedActivity;
  /** Where in Okta's Admin Console an admin does what the API cannot: Provision User, and retrying a failed task. */
  adminLinks: { assignments: string; tasks: string };
  /** The SCIM base URL this account needs, and the one Okta holds where its API shows it (null where it cannot be read back). */
  baseUrl: { expected: string; okta: string | null };
}

/** Changes that make Okta send SCIM requests: provisioning turned on, groups with members assigned or pushed, users assigned. */
export interface ExpectedActivity {
  provisioning: boolean;
  /** Groups assigned (not pushed) that have at least one member. */
  assignedGroups: string[];
  pushedGroups: string[];
  users: number;
}

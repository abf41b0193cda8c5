import type { APP_TEMPLATE } from './app-template.js';
import type { PolicyWrite } from './roles.js';
import type { TokenCreation } from '../lib/inputs.js';

/** What the user asked for, from the validated inputs. */
export interface Desired {
  appName: typeof APP_TEMPLATE.name;
  appLabel: string;
  accountId: string;
  scimBaseUrl: string;
  /** A fingerprint of the SCIM token: plans carry no secrets. */
  scimTokenFingerprint: string;
  assignGroups: string[];
  pushGroups: string[];
  /** Cloudflare role names for the user groups of pushed groups. */
  groupRoles: Record<string, string[]>;
  assignUsers: string[];
  /** Set when scim-setup makes the SCIM token: its life and ranges (never a value). */
  tokenCreation?: TokenCreation;
}

export interface Visibility {
  autoLaunch: boolean;
  autoSubmitToolbar: boolean;
  hide: { iOS: boolean; web: boolean };
}

/** The guide's display options: icons hidden on web and mobile, no auto sign-in, no auto-launch. */
export const WANTED_VISIBILITY: Visibility = { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: true, web: true } };

export function visibilityDrift(visibility: Visibility): string[] {
  const drift: string[] = [];
  if (!visibility.hide.web) drift.push('the icon is shown to users on the web');
  if (!visibility.hide.iOS) drift.push('the icon is shown in the Okta mobile app');
  if (visibility.autoSubmitToolbar) drift.push('automatic sign-in on the login page is on');
  if (visibility.autoLaunch) drift.push('auto-launch is on');
  return drift;
}

export interface ObservedApp {
  id: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  visibility: Visibility;
  features: string[];
}

export interface ObservedMapping {
  id: string;
  sourceGroupId: string;
  status: 'ACTIVE' | 'INACTIVE' | 'ERROR';
  errorSummary?: string;
}

export interface ObservedRoles {
  /** Permission group id by role name. */
  roleIds: Record<string, string>;
  /** IAM user groups by name, with their policies (ids only). */
  userGroups: Record<string, { id: string; policies: PolicyWrite[] }>;
  accountResourceGroupId?: string;
}

export type ActionKind = 'create' | 'update' | 'noop' | 'manual' | 'delete';

export type ActionResource =
  | 'app'
  | 'app-visibility'
  | 'provisioning'
  | 'group-assignment'
  | 'user-assignment'
  | 'push-mapping'
  | 'repair'
  | 'group-roles'
  | 'token-proof'
  | 'scim-token';

/** The request an action implies; `{appId}` stands for an app that a previous action creates. */
export interface PlannedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}

/** What every operation is: a kind its command's steps switch on. Each command has its own union (commands/<name>/operation.ts). */
export interface OperationBase {
  kind: string;
}

export interface Action<O extends OperationBase = OperationBase> {
  /** Stable across runs: how a saved plan is compared with a fresh one. */
  id: string;
  kind: ActionKind;
  resource: ActionResource;
  summary: string;
  request?: PlannedRequest;
  /** Requests sent after `request`, in order, as one action. */
  followUps?: PlannedRequest[];
  /** Why the action is what it is (drift found, a reason for manual). */
  detail?: string;
  /** Done by API where the service takes it, else by a person through a guided step: counted as manual. */
  guided?: boolean;
  /** The person's step, where sending the requests turns out not to do the work (a user a group assigns too). */
  manualFallback?: { title: string; steps: string[] };
  /** The group or user the action is about, by name: what a result and a report name (never parsed out of `id`). */
  subject?: string;
  /** A step more than its requests: what the executor does, typed, with an exhaustive switch. */
  operation?: O;
}

/**
 * The requests an action sends, in order, as the plan showed them: the one accessor every executor
 * uses, so that an action planned without a request fails loudly instead of sending `undefined`.
 */
export function requestsOf(action: Action): [PlannedRequest, ...PlannedRequest[]] {
  if (!action.request) throw new Error(`internal: action ${action.id} (${action.kind}) has no request to send`);
  return [action.request, ...(action.followUps ?? [])];
}

export interface Plan<O extends OperationBase = OperationBase> {
  actions: Action<O>[];
  warnings: string[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.some((a) => a.kind !== 'noop');
}

/** Provisioning is on when Okta reports Create Users and Deactivate Users (DESIGN §1, step 4). */
export function provisioningOn(features: string[]): boolean {
  return features.includes('PUSH_NEW_USERS') && features.includes('PUSH_USER_DEACTIVATION');
}

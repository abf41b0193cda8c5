/**
 * Okta logs success and failure of provisioning under different event types (its event catalogue,
 * shared/reference/okta-scim-protocol/event-types-provisioning.json): a group push that failed with
 * `…group_push.mapping.update.or.delete.failed.with.error` is healed by a later
 * `…group_push.pushed` or `…push_memberships`, not by a success of the failure's own type. This
 * table says which later successes resolve a failure, for the same user or group.
 */
const USER_PUSHES = [
  'application.provision.user.push',
  'application.provision.user.activate',
  'application.provision.user.reactivate',
  'application.provision.user.sync',
  'application.provision.user.push_profile',
];
const USER_REMOVALS = ['application.provision.user.deactivate', 'application.provision.user.deprovision', 'application.provision.user.delete'];
const GROUP_PUSHES = [
  'application.provision.group_push.pushed',
  'application.provision.group_push.push_memberships',
  'application.provision.group_push.updated',
  'application.provision.group_membership.update',
];

/** What kind of subject an event is about, and which successes (by type) mend its failure. */
type Pairing = { subject: 'user' | 'group' | 'app'; healedBy: (successType: string) => boolean };

const PAIRINGS: Array<[(failureType: string) => boolean, Pairing]> = [
  // Okta could not reach or authenticate to the app: any later successful provisioning shows it can.
  [
    (t) => t.startsWith('application.integration.'),
    { subject: 'app', healedBy: (s) => s.startsWith('application.provision.user.') || s.startsWith('application.provision.group') },
  ],
  [(t) => USER_PUSHES.includes(t), { subject: 'user', healedBy: (s) => USER_PUSHES.includes(s) }],
  // A deactivation that failed is mended by one that succeeded, or by the user being pushed again (assigned back).
  [(t) => USER_REMOVALS.includes(t), { subject: 'user', healedBy: (s) => USER_REMOVALS.includes(s) || USER_PUSHES.includes(s) }],
  [(t) => t.startsWith('application.provision.group_push.') || GROUP_PUSHES.includes(t), { subject: 'group', healedBy: (s) => GROUP_PUSHES.includes(s) }],
];

export interface LoggedEvent {
  eventType: string;
  published: string;
  /** The user's login or the group's name the event is about, if any. */
  subject?: string;
}

/** Pure: whether a later success, as Okta's catalogue pairs them, resolves this failure. */
export function resolvedBy(failure: LoggedEvent, successes: LoggedEvent[]): boolean {
  const pairing = PAIRINGS.find(([matches]) => matches(failure.eventType))?.[1];
  if (!pairing) return successes.some((s) => s.published > failure.published && s.eventType === failure.eventType && s.subject === failure.subject);
  return successes.some(
    (s) => s.published > failure.published && pairing.healedBy(s.eventType) && (pairing.subject === 'app' || s.subject === failure.subject),
  );
}

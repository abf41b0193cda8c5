import { describe, expect, it } from 'vitest';
import { resolvedBy, type LoggedEvent } from '../../src/verify/log-pairs.js';

// Okta's event catalogue (shared/reference/okta-scim-protocol/event-types-provisioning.json) logs
// success and failure under different types (#21 item 13): a failure is resolved by the later
// successes the catalogue pairs with it, for the same user or group.
const at = (eventType: string, published: string, subject?: string): LoggedEvent => ({ eventType, published, subject });
const T1 = '2026-11-30T10:00:01.000Z';
const T2 = '2026-11-30T10:00:02.000Z';

describe('a failure is resolved by a later success as Okta pairs them', () => {
  it.each<[string, LoggedEvent, LoggedEvent[], boolean]>([
    [
      'a push in error, then the group pushed afresh',
      at('application.provision.group_push.mapping.update.or.delete.failed.with.error', T1, 'Eng'),
      [at('application.provision.group_push.pushed', T2, 'Eng')],
      true,
    ],
    [
      'a push in error, then memberships pushed',
      at('application.provision.group_push.mapping.update.or.delete.failed', T1, 'Eng'),
      [at('application.provision.group_push.push_memberships', T2, 'Eng')],
      true,
    ],
    [
      'another group pushed',
      at('application.provision.group_push.mapping.update.or.delete.failed.with.error', T1, 'Eng'),
      [at('application.provision.group_push.pushed', T2, 'Ops')],
      false,
    ],
    [
      'a success before the failure',
      at('application.provision.group_push.mapping.update.or.delete.failed.with.error', T2, 'Eng'),
      [at('application.provision.group_push.pushed', T1, 'Eng')],
      false,
    ],
    ['a user push failed, then synced', at('application.provision.user.push', T1, 'ada@x.com'), [at('application.provision.user.sync', T2, 'ada@x.com')], true],
    [
      'a user push failed, then a group pushed',
      at('application.provision.user.push', T1, 'ada@x.com'),
      [at('application.provision.group_push.pushed', T2, 'Eng')],
      false,
    ],
    [
      'a deactivation failed, then the user pushed again',
      at('application.provision.user.deactivate', T1, 'ada@x.com'),
      [at('application.provision.user.reactivate', T2, 'ada@x.com')],
      true,
    ],
    [
      'authentication failed, then any push succeeded',
      at('application.integration.authentication_failure', T1),
      [at('application.provision.user.push', T2, 'bob@x.com')],
      true,
    ],
    [
      'rate limited, then a group pushed',
      at('application.integration.rate_limit_exceeded', T1),
      [at('application.provision.group_push.pushed', T2, 'Eng')],
      true,
    ],
    ['authentication failed, nothing since', at('application.integration.authentication_failure', T1), [], false],
  ])('%s', (_, failure, successes, expected) => {
    expect(resolvedBy(failure, successes)).toBe(expected);
  });
});

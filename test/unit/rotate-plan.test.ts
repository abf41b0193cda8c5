import { describe, expect, it } from 'vitest';
import { planRotation, repushMapping, type RotateObserved } from '../../src/commands/rotate-token/plan.js';

const app = { id: 'a1', label: 'Cloudflare SCIM' };
const shape = (o: RotateObserved) =>
  planRotation(o, 'https://api.cloudflare.com/client/v4/accounts/x/scim/v2').map((a) => [
    a.id,
    a.kind,
    [a.request, ...(a.followUps ?? [])].filter(Boolean).length,
  ]);

describe('the rotation plan (pure)', () => {
  it.each<[string, RotateObserved, unknown[]]>([
    [
      'a push mapping to prove it with: hand over, then push and read the audit log',
      { app, repushMappingId: 'm1' },
      [
        ['token-handover', 'update', 1],
        ['token-proof', 'update', 2],
      ],
    ],
    [
      'no push mapping to push again: the proof waits for one (manual)',
      { app },
      [
        ['token-handover', 'update', 1],
        ['token-proof', 'manual', 0],
      ],
    ],
    [
      'Okta already uses the new token: nothing to do',
      { app, alreadyInUse: 'audit log shows it', repushMappingId: 'm1' },
      [
        ['token-handover', 'noop', 0],
        ['token-proof', 'noop', 0],
      ],
    ],
  ])('%s', (_, observed, expected) => {
    expect(shape(observed)).toEqual(expected);
  });

  it('the plan carries no token: the handover body holds a placeholder', () => {
    const [handover] = planRotation({ app, repushMappingId: 'm1' }, 'https://x');
    expect(JSON.stringify(handover.request)).toContain('[redacted]');
    expect(handover.guided).toBe(true);
  });

  it.each<[string, Array<{ id: string; status: string }>, string | undefined]>([
    [
      'an ACTIVE mapping first',
      [
        { id: 'e', status: 'ERROR' },
        { id: 'a', status: 'ACTIVE' },
      ],
      'a',
    ],
    [
      'else one in ERROR: a push the old token failed, which the re-push repairs',
      [
        { id: 'i', status: 'INACTIVE' },
        { id: 'e', status: 'ERROR' },
      ],
      'e',
    ],
    ['never an INACTIVE one: switching it on would push what the admin turned off', [{ id: 'i', status: 'INACTIVE' }], undefined],
  ])('the mapping pushed again to prove the token: %s', (_, mappings, expected) => {
    expect(repushMapping(mappings)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultVariants, pairwiseVariants, pairwiseWorlds, parseVariants, VARIANTS, type VariantName } from '../../src/lib/sandbox-variants.js';

describe('the sandbox variants (#35): one named reading per open question', () => {
  it('name=value pairs over the defaults; an unknown name or value is refused naming what exists', () => {
    expect(parseVariants(['lastSync=absent'])).toEqual({ ...defaultVariants(), lastSync: 'absent' });
    expect(() => parseVariants(['lastsync=absent'])).toThrow(
      'the variants are lastSync, queued, retriedPushFailure, unknownToken, nonBearer, pendingInvitee, deactivatedUser, deletedGroup, auditUserAgent, idpExternalId, auditReads, inviteAuditId, systemGroupMembers, systemGroupName, rateLimitPause, preProvisionedUser, scimWriteRefusal',
    );
    expect(() => parseVariants(['queued=STAGED'])).toThrow('queued is one of active, staged');
    expect(() => parseVariants(['queued'])).toThrow('queued is one of');
  });

  it("the pairwise matrix holds every pair of two variants' values, in fewer worlds than every combination", () => {
    const worlds = pairwiseVariants();
    const names = Object.keys(VARIANTS) as VariantName[];
    for (const [i, a] of names.entries())
      for (const b of names.slice(i + 1))
        for (const va of VARIANTS[a].values)
          for (const vb of VARIANTS[b].values)
            expect(
              worlds.some((w) => w[a] === va && w[b] === vb),
              `${a}=${va} with ${b}=${vb}`,
            ).toBe(true);
    // Every combination would be 2^17 worlds.
    expect(worlds.length).toBeLessThan(Object.values(VARIANTS).reduce((n, v) => n * v.values.length, 1));
  });

  it('eight worlds hold every pair of the seventeen questions, the first of them the defaults', () => {
    expect(pairwiseVariants()).toHaveLength(8);
    expect(pairwiseVariants()[0]).toEqual(defaultVariants());
  });

  it('a question of three values is held pairwise too (the greedy, where a covering array of two values does not serve)', () => {
    const table = { a: { values: ['1', '2', '3'] }, b: { values: ['x', 'y'] }, c: { values: ['p', 'q'] }, d: { values: ['m', 'n', 'o'] } };
    const worlds = pairwiseWorlds(table);
    for (const [i, a] of Object.keys(table).entries())
      for (const b of Object.keys(table).slice(i + 1))
        for (const va of table[a as keyof typeof table].values)
          for (const vb of table[b as keyof typeof table].values)
            expect(
              worlds.some((w) => w[a] === va && w[b] === vb),
              `${a}=${va} ${b}=${vb}`,
            ).toBe(true);
    expect(worlds.length).toBeLessThan(3 * 2 * 2 * 3);
  });
});

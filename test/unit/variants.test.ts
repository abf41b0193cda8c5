import { describe, expect, it } from 'vitest';
import { defaultVariants, everyVariant, pairwiseVariants, parseVariants, VARIANTS, type VariantName } from '../../src/lib/sandbox-variants.js';

describe('the sandbox variants (#35): one named reading per open question', () => {
  it('name=value pairs over the defaults; an unknown name or value is refused naming what exists', () => {
    expect(parseVariants(['lastSync=absent'])).toEqual({ ...defaultVariants(), lastSync: 'absent' });
    expect(() => parseVariants(['lastsync=absent'])).toThrow(
      'the variants are lastSync, queued, retriedPushFailure, unknownToken, nonBearer, pendingInvitee, deactivatedUser, deletedGroup, auditUserAgent',
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
    expect(worlds.length).toBeLessThan(everyVariant().length);
  });
});

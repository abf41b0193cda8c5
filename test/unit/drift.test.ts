import { describe, expect, it } from 'vitest';
import { decidableAt, doneBeforeReading, findDrift, type DriftFacts, type ReadingMoments, oktaDoneAt } from '../../src/plan/drift.js';
import { DriftSightings } from '../../src/verify/drift-sightings.js';
import { repairs } from '../../src/plan/repair.js';

// Times: Okta provisioned the users at T1, the group changed at T0, Okta pushed at T2.
const T0 = '2026-11-01T10:00:00.000Z';
const T1 = '2026-11-01T10:00:01.000Z';
const T2 = '2026-11-01T10:00:02.000Z';
const T3 = '2026-11-01T10:00:03.000Z';

// Cloudflare was read a minute after all of it, on a clock Okta's agrees with; listings may trail by 10 s.
const READ_LATER = { cloudflareReadAt: Date.parse(T3) + 60_000, oktaClockOffsetMs: 0, settleMs: 10_000 };

const converged = (): DriftFacts => ({
  moments: { ...READ_LATER },
  scimToken: { ok: true },
  assignedLogins: ['ada@x.com', 'bob@x.com', 'cy@x.com'],
  oktaSynced: { 'ada@x.com': T1, 'bob@x.com': T1, 'cy@x.com': T1 },
  appUsers: {
    'ada@x.com': { id: 'u1', scope: 'GROUP', provisioned: true },
    'bob@x.com': { id: 'u2', scope: 'GROUP', provisioned: true },
    'cy@x.com': { id: 'u3', scope: 'USER', provisioned: true },
  },
  cloudflareUsers: { 'ada@x.com': { id: 's1', active: true }, 'bob@x.com': { id: 's2', active: true }, 'cy@x.com': { id: 's3', active: true } },
  pushGroups: [
    {
      name: 'Eng',
      groupId: 'g1',
      mapping: { id: 'm1', status: 'ACTIVE', lastPush: T2, lastUpdated: T0 },
      lastMembershipUpdated: T0,
      lastUpdated: T0,
      assignedMemberLogins: ['ada@x.com', 'bob@x.com'],
    },
  ],
  scimGroups: { Eng: { id: 'c1', memberEmails: ['ada@x.com', 'bob@x.com'] } },
  otherScimGroups: [],
});

type Change = (f: DriftFacts) => void;
const deactivate =
  (login: string): Change =>
  (f) => {
    f.cloudflareUsers[login].active = false;
  };
const dropFromGroup: Change = (f) => {
  f.scimGroups.Eng.memberEmails = ['ada@x.com'];
};
const renameGroup: Change = (f) => {
  f.otherScimGroups = [{ name: 'Eng (old)', memberEmails: f.scimGroups.Eng.memberEmails }];
  delete f.scimGroups.Eng;
};
const deleteGroup: Change = (f) => {
  delete f.scimGroups.Eng;
};
const with_ = (...changes: Change[]): DriftFacts => {
  const f = converged();
  for (const c of changes) c(f);
  return f;
};
const kinds = (f: DriftFacts) => findDrift(f).map((d) => `${d.kind}:${d.kind === 'member' ? d.login : d.group}`);

describe('drift: a difference Okta reports as done (pure)', () => {
  it.each<[string, DriftFacts, string[]]>([
    ['converged', converged(), []],
    ['a directly assigned user deactivated in Cloudflare', with_(deactivate('cy@x.com')), ['member:cy@x.com']],
    ['a member dropped from the pushed group after the push', with_(dropFromGroup), ['group-members:Eng']],
    ['the pushed group renamed after the push', with_(renameGroup), ['group-gone:Eng']],
    ['the pushed group deleted after the push', with_(deleteGroup), ['group-gone:Eng']],
    [
      'a user Okta has not provisioned yet: in flight',
      with_(deactivate('cy@x.com'), (f) => {
        delete f.oktaSynced['cy@x.com'];
      }),
      [],
    ],
    [
      'membership changed in Okta after the last push: in flight',
      with_(dropFromGroup, (f) => {
        f.pushGroups[0].lastMembershipUpdated = T3;
      }),
      [],
    ],
    [
      'the group renamed in Okta after the last push: in flight',
      with_(renameGroup, (f) => {
        f.pushGroups[0].lastUpdated = T3;
      }),
      [],
    ],
    [
      'the mapping changed (set ACTIVE again) after the last push: a push is to come',
      with_(dropFromGroup, (f) => {
        f.pushGroups[0].mapping!.lastUpdated = T3;
      }),
      [],
    ],
    [
      'never pushed (lastPush null): in flight',
      with_(renameGroup, (f) => {
        f.pushGroups[0].mapping!.lastPush = null;
      }),
      [],
    ],
    [
      'a member missing who Okta provisioned after the push: in flight',
      with_(dropFromGroup, (f) => {
        f.oktaSynced['bob@x.com'] = T3;
      }),
      [],
    ],
    [
      'the SCIM token refused: nothing read in Cloudflare is evidence',
      with_(deactivate('cy@x.com'), (f) => {
        f.scimToken = { ok: false };
      }),
      [],
    ],
  ])('%s', (_, facts, expected) => {
    expect(kinds(facts)).toEqual(expected);
  });
});

describe('repairs: planned through Okta (pure)', () => {
  const inputs = { pushGroups: ['Eng'], assignUsers: ['cy@x.com'] };
  const plan = (f: DriftFacts, given = inputs) => repairs(findDrift(f), 'a1', given);
  const steps = (f: DriftFacts) => plan(f).actions.map((a) => [a.id, a.kind, [a.request, ...(a.followUps ?? [])].map((r) => r && `${r.method} ${r.path}`)]);

  it.each<[string, DriftFacts, unknown[]]>([
    ['converged: nothing', converged(), []],
    [
      'a direct user: unassigned and assigned again',
      with_(deactivate('cy@x.com')),
      [['repair:user:cy@x.com', 'update', ['DELETE /api/v1/apps/a1/users/u3', 'POST /api/v1/apps/a1/users']]],
    ],
    [
      'a user a group assigns: a manual step, no request',
      with_(deactivate('ada@x.com')),
      // Eng lacks only ada, whom a push cannot add while Cloudflare has dropped it: no re-push.
      [['repair:user:ada@x.com', 'manual', [undefined]]],
    ],
    [
      'members differ: the mapping INACTIVE, then ACTIVE',
      with_(dropFromGroup),
      [['repair:push:Eng', 'update', ['PATCH /api/v1/apps/a1/group-push/mappings/m1', 'PATCH /api/v1/apps/a1/group-push/mappings/m1']]],
    ],
    [
      'renamed: pushed again, as Okta sends its name with each push',
      with_(renameGroup),
      [['repair:push:Eng', 'update', ['PATCH /api/v1/apps/a1/group-push/mappings/m1', 'PATCH /api/v1/apps/a1/group-push/mappings/m1']]],
    ],
    [
      'deleted (no SCIM group has another name): unlinked and pushed afresh by name',
      with_(deleteGroup),
      [
        [
          'repair:push:Eng',
          'update',
          [
            'PATCH /api/v1/apps/a1/group-push/mappings/m1',
            'DELETE /api/v1/apps/a1/group-push/mappings/m1?deleteTargetGroup=false',
            'POST /api/v1/apps/a1/group-push/mappings',
          ],
        ],
      ],
    ],
  ])('%s', (_, facts, expected) => {
    expect(steps(facts)).toEqual(expected);
  });

  it('drift in what the inputs do not name is a warning that says which flag repairs it, not a change', () => {
    const r = plan(with_(deactivate('cy@x.com'), dropFromGroup), { pushGroups: [], assignUsers: [] });
    expect(r.actions).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringContaining('Add --assign-user cy@x.com to repair it.'),
      expect.stringContaining('Add --push-group "Eng" to repair it.'),
    ]);
  });

  it('a deleted group gets a mapping made again by its Okta name', () => {
    const [action] = plan(with_(deleteGroup)).actions;
    expect(action.followUps?.[1].body).toEqual({ sourceGroupId: 'g1', targetGroupName: 'Eng', status: 'ACTIVE' });
  });

  it('a rename is named when exactly one unnamed SCIM group has the same members, and only then', () => {
    const renamed = findDrift(with_(renameGroup))[0];
    expect(renamed).toMatchObject({ kind: 'group-gone', renamedTo: 'Eng (old)', otherScimGroups: ['Eng (old)'] });
    expect(plan(with_(renameGroup)).actions[0].summary).toContain('(renamed there to "Eng (old)")');
    const twins = with_(renameGroup, (f) => {
      f.otherScimGroups.push({ name: 'Eng (copy)', memberEmails: ['bob@x.com', 'ada@x.com'] });
    });
    expect(findDrift(twins)[0]).toMatchObject({ renamedTo: undefined, otherScimGroups: ['Eng (old)', 'Eng (copy)'] });
    const other = with_(deleteGroup, (f) => {
      f.otherScimGroups = [{ name: 'Finance', memberEmails: ['cy@x.com'] }];
    });
    expect(findDrift(other)[0]).toMatchObject({ renamedTo: undefined, otherScimGroups: ['Finance'] });
  });
});

describe('drift only on evidence that predates the reading of the other side (#22)', () => {
  const at = (ms: number, offset = 0, settle = 10_000): ReadingMoments => ({
    cloudflareReadAt: Date.parse(T1) + ms,
    oktaClockOffsetMs: offset,
    settleMs: settle,
  });
  const timed = (moments: ReadingMoments, ...changes: Change[]) => {
    const f = with_(...changes);
    f.moments = moments;
    return kinds(f);
  };

  it.each<[string, ReadingMoments, string[]]>([
    // The report's race: Cloudflare read first, Okta after it provisioned.
    ['Cloudflare read before Okta synced the user', at(-500), []],
    ['read at the moment Okta synced', at(0), []],
    ['read within the settle time after it (a listing may trail)', at(9_999), []],
    ['read the settle time after it', at(10_000), ['member:cy@x.com']],
    ['read long after it', at(3_600_000), ['member:cy@x.com']],
    // Skew from Date headers: our clock minus Okta's.
    ["Okta's clock 30 s ahead of ours: its stamp is later than the event", at(20_000, -30_000), ['member:cy@x.com']],
    ["Okta's clock 30 s behind ours: its stamp is earlier than the event", at(20_000, 30_000), []],
    ['no settle time: any read after the stamp', at(1, 0, 0), ['member:cy@x.com']],
  ])('a deactivated user: %s', (_, moments, expected) => {
    expect(timed(moments, deactivate('cy@x.com'))).toEqual(expected);
  });

  it.each<[string, ReadingMoments, Change, string[]]>([
    ['a group read before its push', at(0), dropFromGroup, []],
    ['a group read the settle time after its push', at(11_000), dropFromGroup, ['group-members:Eng']],
    ['a deleted group read before the push', at(500), deleteGroup, []],
    ['a deleted group read long after the push', at(60_000), deleteGroup, ['group-gone:Eng']],
  ])('a pushed group: %s', (_, moments, change, expected) => {
    expect(timed(moments, change)).toEqual(expected);
  });

  it('an unknown time proves nothing', () => {
    expect(doneBeforeReading('an unknown time', READ_LATER)).toBe(false);
    expect(doneBeforeReading(null, READ_LATER)).toBe(false);
    expect(doneBeforeReading(undefined, READ_LATER)).toBe(false);
  });

  it('with --wait, drift is confirmed only by a reading the settle time after the first that showed it', () => {
    const drift = findDrift(with_(deactivate('cy@x.com')));
    const sightings = new DriftSightings(5_000);
    expect(sightings.confirm(drift, 1_000)).toEqual([]);
    expect(sightings.confirm(drift, 4_000)).toEqual([]);
    expect(sightings.confirm(drift, 6_000)).toEqual(drift);
    // Gone in between: a later sighting starts again.
    expect(sightings.confirm([], 7_000)).toEqual([]);
    expect(sightings.confirm(drift, 8_000)).toEqual([]);
    // One look (no --wait): the time rule is all the proof.
    expect(new DriftSightings(undefined).confirm(drift, 0)).toEqual(drift);
  });
});

describe('when to read again: the moment a difference may be told, not before (#35)', () => {
  const readAt = (ms: number, offset = 0): ReadingMoments => ({ cloudflareReadAt: Date.parse(T1) + ms, oktaClockOffsetMs: offset, settleMs: 10_000 });
  const facts = (moments: ReadingMoments, ...changes: Change[]) => Object.assign(with_(...changes), { moments });
  it('a difference whose Okta time has not settled may be told at that time plus the offset and the settle time; one that has, or none, needs no wait', () => {
    // cy's sync (T1) settles at T1 + 10 s on our clock; with Okta 30 s behind, 30 s later.
    expect(decidableAt(facts(readAt(2_000), deactivate('cy@x.com')))).toBe(Date.parse(T1) + 10_000);
    expect(decidableAt(facts(readAt(2_000, 30_000), deactivate('cy@x.com')))).toBe(Date.parse(T1) + 40_000);
    // The group's push (T2) settles at T2 + 10 s; the earliest of several wins.
    expect(decidableAt(facts(readAt(2_000), dropFromGroup))).toBe(Date.parse(T2) + 10_000);
    expect(decidableAt(facts(readAt(2_000), dropFromGroup, deactivate('cy@x.com')))).toBe(Date.parse(T1) + 10_000);
    // Already decidable (drift is found now), or nothing differs: no reason to wait.
    expect(decidableAt(facts(readAt(60_000), deactivate('cy@x.com')))).toBeUndefined();
    expect(decidableAt(facts(readAt(2_000)))).toBeUndefined();
    // A refused token read nothing of Cloudflare: nothing to tell.
    expect(decidableAt({ ...facts(readAt(2_000), deactivate('cy@x.com')), scimToken: { ok: false } })).toBeUndefined();
  });

  it('drift seen once may be confirmed the settle time after its first sighting', () => {
    const sightings = new DriftSightings(10_000);
    const drift = findDrift(with_(deactivate('cy@x.com')));
    expect(sightings.confirmableAt()).toBeUndefined();
    expect(sightings.confirm(drift, 1_000)).toEqual([]);
    expect(sightings.confirmableAt()).toBe(11_000);
    expect(sightings.confirm(drift, 11_000)).toEqual(drift);
    // One look has nothing to confirm against.
    expect(new DriftSightings(undefined).confirmableAt()).toBeUndefined();
  });
});

describe("Okta's done-time from what real Okta records (#35)", () => {
  it.each([
    ['lastSync where Okta keeps one', { status: 'PROVISIONED', lastSync: 'T1', statusChanged: 'T0' }, { at: 'T1', by: 'lastSync' }],
    [
      "statusChanged of a PROVISIONED user where it keeps none (profile push and import off, as Cloudflare's guide leaves them)",
      { status: 'PROVISIONED', statusChanged: 'T0' },
      { at: 'T0', by: 'statusChanged' },
    ],
    ['nothing for a user not PROVISIONED: its status changed for another reason', { status: 'ACTIVE', statusChanged: 'T0' }, undefined],
  ] as const)('%s', (_, appUser, done) => {
    expect(oktaDoneAt(appUser)).toEqual(done);
  });
});

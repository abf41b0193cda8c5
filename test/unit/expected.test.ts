import { describe, expect, it } from 'vitest';
import type { ReassignUser } from '../../src/plan/operations.js';
import type { Action as AnyAction } from '../../src/plan/types.js';

type Action = AnyAction<ReassignUser>;
import { expectedActivity } from '../../src/verify/expected.js';

/** What a run makes Okta send, read from the actions by what they are about and what they change, never by id (#23 item 1). */
const a = (over: Partial<Action> & Pick<Action, 'id' | 'resource'>): Action => ({ kind: 'update', summary: over.id, ...over });
const actions: Action[] = [
  a({ id: 'provisioning', resource: 'provisioning' }),
  a({ id: 'x1', resource: 'group-assignment', subject: 'Sales', request: { method: 'PUT', path: '/api/v1/apps/1/groups/g1' } }),
  a({ id: 'x2', resource: 'group-assignment', subject: 'Empty', request: { method: 'PUT', path: '/api/v1/apps/1/groups/g2' } }),
  a({ id: 'x3', resource: 'push-mapping', subject: 'Engineering', request: { method: 'POST', path: '/api/v1/apps/1/group-push/mappings' } }),
  a({ id: 'x4', resource: 'repair', subject: 'Ops', request: { method: 'PATCH', path: '/api/v1/apps/1/group-push/mappings/m' } }),
  a({ id: 'x5', resource: 'repair', subject: 'Team', request: { method: 'DELETE', path: '/api/v1/apps/1/groups/g5' } }),
  a({
    id: 'x6',
    resource: 'repair',
    subject: 'ada@x.com',
    operation: { kind: 'reassign-user', login: 'ada@x.com' },
    request: { method: 'DELETE', path: '/api/v1/apps/1/users/u1' },
  }),
  a({ id: 'x7', resource: 'user-assignment', subject: 'bob@x.com', request: { method: 'POST', path: '/api/v1/apps/1/users' } }),
  a({ id: 'x8', resource: 'user-assignment', subject: 'cy@x.com', request: { method: 'POST', path: '/api/v1/apps/1/users' } }),
];

describe('expectedActivity', () => {
  it('counts only what was done: provisioning, assigned groups with members, pushes and push repairs, users assigned or re-assigned', () => {
    const done = actions.filter((x) => x.id !== 'x8').map((x) => ({ id: x.id, result: 'done' }));
    expect(expectedActivity(actions, [...done, { id: 'x8', result: 'pending' }], { Empty: { members: 0 } })).toEqual({
      provisioning: true,
      assignedGroups: ['Sales', 'Team'],
      pushedGroups: ['Engineering', 'Ops'],
      users: 2,
    });
  });
});

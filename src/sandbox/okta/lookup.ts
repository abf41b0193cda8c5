import { notFound } from './errors.js';
import type { OktaGroup, OktaUser } from './records.js';
import type { OktaState } from './state.js';

/** A group by id, or Okta's 404. */
export function findGroup(state: OktaState, id: string): OktaGroup {
  const g = state.groups.get(id);
  if (!g) throw notFound(`UserGroup ${id}`);
  return g;
}

/** A user by id or login (Okta takes either in a path), or Okta's 404. */
export function findUser(state: OktaState, idOrLogin: string): OktaUser {
  const u = state.users.get(idOrLogin) ?? [...state.users.values()].find((x) => x.profile.login === idOrLogin);
  if (!u) throw notFound(`User ${idOrLogin}`);
  return u;
}

import { describe, expect, it } from 'vitest';
import { legacyGroupPrefix, legacyRoleGroup, refusedScimGroupName } from '../../src/lib/cloudflare-names.js';

const ACCOUNT = '5a3d9c1e7b2f4a6d8c0e1f2a3b4c5d6e';

describe("Cloudflare's naming rules, said once (#36)", () => {
  it.each([
    ['CF Platform Team', true],
    ['cf lower', true],
    ['Cfg', true],
    ['Engineering', false],
    ['Team CF', false],
  ])('a SCIM group named %j is refused: %s', (name, refused) => {
    expect(refusedScimGroupName(name)).toBe(refused);
  });

  it('a legacy role group gives its account (lower case) and role; anything else is none', () => {
    expect(legacyRoleGroup(`CF-${ACCOUNT} - Administrator Read Only`)).toEqual({ accountId: ACCOUNT, role: 'Administrator Read Only' });
    expect(legacyRoleGroup(`cf-${ACCOUNT.toUpperCase()} - Billing`)).toEqual({ accountId: ACCOUNT, role: 'Billing' });
    expect(legacyRoleGroup('CF-short - Billing')).toBeUndefined();
    expect(legacyRoleGroup('CF Platform Team')).toBeUndefined();
    expect(legacyGroupPrefix(ACCOUNT)).toBe(`CF-${ACCOUNT} - `);
    expect(legacyRoleGroup(`${legacyGroupPrefix(ACCOUNT)}DNS`)?.role).toBe('DNS');
  });
});

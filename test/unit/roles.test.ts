import { describe, expect, it } from 'vitest';
import { grantedRoles, toWrite, withRoles, type PolicyRead } from '../../src/plan/roles.js';

// Cloudflare's user-groups docs write a policy's resource group inline, by the account's scope, and
// read it back with no id (shared/reference/cloudflare-docs-examples/user-groups.excerpt.mdx; #21 item 17).
const ACCOUNT = { accountId: 'acct1', resourceGroupId: 'rg1' };
const inline = (key: string, objects = [{ key: '*' }]) => ({ scope: { key, objects } });
const policy = (resourceGroup: NonNullable<PolicyRead['resource_groups']>[number], access: 'allow' | 'deny' = 'allow'): PolicyRead => ({
  access,
  permission_groups: [{ id: 'role-ro' }],
  resource_groups: [resourceGroup],
});

describe('roles granted on the whole account, however the resource group is written', () => {
  it.each<[string, PolicyRead, string[]]>([
    ['by the account resource group id', policy({ id: 'rg1' }), ['role-ro']],
    ['inline, the account scope over every object', policy(inline('com.cloudflare.api.account.acct1')), ['role-ro']],
    ['inline, another account', policy(inline('com.cloudflare.api.account.other')), []],
    ['inline, the account scope over one zone only', policy(inline('com.cloudflare.api.account.acct1', [{ key: 'zone-1' }])), []],
    ['another resource group id', policy({ id: 'rg2' }), []],
    ['a deny policy', policy({ id: 'rg1' }, 'deny'), []],
  ])('%s', (_, p, expected) => {
    expect(grantedRoles(toWrite([p]), ACCOUNT)).toEqual(expected);
  });

  it('adds nothing for a role granted inline, and keeps an inline scope as written when adding another', () => {
    const policies = toWrite([policy(inline('com.cloudflare.api.account.acct1'))]);
    expect(withRoles(policies, ['role-ro'], ACCOUNT)).toBeUndefined();
    const more = withRoles(policies, ['role-ro', 'role-billing'], ACCOUNT)!;
    expect(more).toHaveLength(2);
    expect(more[0].resource_groups).toEqual([inline('com.cloudflare.api.account.acct1')]);
    expect(more[1]).toEqual({ access: 'allow', permission_groups: [{ id: 'role-billing' }], resource_groups: [{ id: 'rg1' }] });
  });
});

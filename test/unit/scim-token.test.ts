import { describe, expect, it } from 'vitest';
import { resolveInputs, type Inputs } from '../../src/lib/inputs.js';
import { planTokenRotation, type TokenRotationFacts } from '../../src/plan/rotate-plan.js';
import { scimTokenAction, tokenCreateBody, type ObservedScimTokens } from '../../src/plan/scim-token.js';
import { scimTokenLife } from '../../src/verify/checks/scim-token-life.js';
import { rightsOf } from '../../src/verify/token-life.js';
import type { TokenLife } from '../../src/verify/types.js';

// #25, the pure parts: which token step a run plans, the create request, the rotation's plan, and the life check.

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const creation = { ttlDays: 90, allowCidrs: [] as string[] };
const observed = (named: ObservedScimTokens['named']): ObservedScimTokens => ({ named, permissionGroupId: 'pg-scim' });
const t = (id: string, issued: string, allowCidrs: string[] = []) => ({ id, name: 'scim-setup: L', issued_on: issued, allowCidrs });

describe("okta's token step", () => {
  it.each<[string, ObservedScimTokens, boolean, { kind: string; summary: RegExp; op?: unknown }]>([
    ['none made, Okta holds none: create', observed([]), false, { kind: 'create', summary: /^create account API token "scim-setup: L"/, op: { revoke: [] } }],
    [
      'an earlier run made one, Okta holds none: adopt it by rolling',
      observed([t('a', '2026-11-01T00:00:00Z')]),
      false,
      { kind: 'update', summary: /^adopt account API token "scim-setup: L" \(a\)/, op: { adopt: 'a', revoke: [] } },
    ],
    [
      'two made: adopt the newest, revoke the older',
      observed([t('old', '2026-11-01T00:00:00Z'), t('new', '2026-11-02T00:00:00Z')]),
      false,
      { kind: 'update', summary: /\(new\).*and revoke 1 older one/, op: { adopt: 'new', revoke: ['old'] } },
    ],
    [
      'one made with other IP ranges: revoked and replaced (a roll keeps its ranges)',
      observed([t('a', '2026-11-01T00:00:00Z', ['10.0.0.0/8'])]),
      false,
      { kind: 'create', summary: /^replace account API token .* other IP ranges/, op: { revoke: ['a'] } },
    ],
    [
      'Okta already holds one: nothing to make',
      observed([t('a', '2026-11-01T00:00:00Z')]),
      true,
      { kind: 'noop', summary: /^SCIM token: Okta holds one; scim-setup's is/ },
    ],
    ['Okta holds one made by hand: said, and left', observed([]), true, { kind: 'noop', summary: /made outside scim-setup .*rotate-token --create/ }],
  ])('%s', (_name, o, oktaHoldsOne, expected) => {
    const action = scimTokenAction('L', ACCOUNT, creation, o, oktaHoldsOne);
    expect(action.kind).toBe(expected.kind);
    expect(action.summary).toMatch(expected.summary);
    if (expected.op) expect(action.operation).toMatchObject({ kind: 'make-scim-token', ...(expected.op as object) });
    else expect(action.operation).toBeUndefined();
  });

  it('asks for exactly one policy, SCIM on this account, with the expiry counted from the sending, and the ranges when given', () => {
    const now = new Date('2026-11-30T12:00:00.000Z');
    expect(tokenCreateBody('scim-setup: L', ACCOUNT, 'pg', { ttlDays: 90, allowCidrs: ['192.0.2.0/24'] }, now)).toEqual({
      name: 'scim-setup: L',
      policies: [{ effect: 'allow', permission_groups: [{ id: 'pg' }], resources: { [`com.cloudflare.api.account.${ACCOUNT}`]: '*' } }],
      expires_on: '2027-02-28T12:00:00Z',
      condition: { request_ip: { in: ['192.0.2.0/24'] } },
    });
    expect(tokenCreateBody('n', ACCOUNT, 'pg', { ttlDays: null, allowCidrs: [] }, now)).not.toHaveProperty('expires_on');
  });
});

describe('the rotation that makes its token', () => {
  const facts = (f: Partial<TokenRotationFacts>): TokenRotationFacts => ({
    name: 'scim-setup: L',
    permissionGroupId: 'pg',
    named: [],
    accountTokenIds: [],
    creationDetail: 'detail',
    ...f,
  });
  const shape = (f: Partial<TokenRotationFacts>) => {
    const p = planTokenRotation(facts(f));
    return { make: p.make && [p.make.kind, p.make.operation], revoke: p.revoke?.operation, notes: p.notes.length };
  };

  it.each<[string, Partial<TokenRotationFacts>, ReturnType<typeof shape>]>([
    [
      'Okta uses the one token scim-setup made: make a new one, revoke the old after the proof',
      { named: [t('a', '2026-11-01')], inUseId: 'a', accountTokenIds: ['a'] },
      { make: ['create', expect.objectContaining({ revoke: [] })], revoke: { kind: 'revoke-scim-tokens', ids: ['a'], name: 'scim-setup: L' }, notes: 0 },
    ],
    [
      'Okta uses a token made by hand (an account token): it is revoked too',
      { named: [], inUseId: 'h', accountTokenIds: ['h'] },
      { make: ['create', expect.anything()], revoke: expect.objectContaining({ ids: ['h'] }), notes: 0 },
    ],
    [
      'Okta uses a user-owned token: not revocable by this API, said',
      { named: [], inUseId: 'u', accountTokenIds: [] },
      { make: ['create', expect.anything()], revoke: undefined, notes: 1 },
    ],
    [
      'a token of the name that Okta does not use: an earlier rotation, finished by adopting it',
      { named: [t('b', '2026-11-02'), t('a', '2026-11-01')], inUseId: 'a', accountTokenIds: ['a', 'b'] },
      { make: ['update', expect.objectContaining({ adopt: 'b' })], revoke: expect.objectContaining({ ids: ['a'] }), notes: 0 },
    ],
    [
      'the newest already proved in use: nothing to make, only the old to revoke',
      { named: [t('b', '2026-11-02'), t('a', '2026-11-01')], inUseId: 'b', accountTokenIds: ['a', 'b'], newestInUse: 'seen' },
      { make: ['noop', undefined], revoke: expect.objectContaining({ ids: ['a'] }), notes: 0 },
    ],
    [
      'no request by Okta seen: only tokens of the name are revoked, and that is said',
      { named: [t('a', '2026-11-01')], accountTokenIds: ['a'] },
      { make: ['create', expect.anything()], revoke: expect.objectContaining({ ids: ['a'] }), notes: 1 },
    ],
  ])('%s', (_name, f, expected) => {
    expect(shape(f)).toEqual(expected);
  });
});

describe("the SCIM token's life check", () => {
  const life = (l: Partial<Extract<TokenLife, { known: true }>>): TokenLife => ({
    known: true,
    id: 't1',
    source: 'given',
    status: 'active',
    accountOwned: true,
    expiresOn: '2027-03-01T00:00:00Z',
    daysLeft: 90,
    rights: { extra: [], otherResources: [] },
    ...l,
  });
  it.each<[string, TokenLife, string, RegExp]>([
    ['not read', { known: false, reason: 'no token' }, 'skipped', /were not read/],
    ['active, 90 days, SCIM only', life({}), 'pass', /is active and expires .* \(90 days left\)/],
    ['never expires', life({ expiresOn: undefined, daysLeft: undefined }), 'pass', /never expires/],
    ['expired', life({ status: 'expired', daysLeft: -2 }), 'fail', /is expired: Okta's provisioning to Cloudflare stops with it/],
    ['29 days left', life({ daysLeft: 29 }), 'warn', /it expires in 29 days/],
    ['30 days left', life({ daysLeft: 30 }), 'pass', /30 days left/],
    ['user-owned', life({ accountOwned: false }), 'warn', /user-owned/],
    ['more than SCIM', life({ rights: { extra: ['Account Settings Write'], otherResources: [] } }), 'warn', /more than SCIM needs \(Account Settings Write\)/],
    ['another account', life({ rights: { extra: [], otherResources: ['com.cloudflare.api.account.*'] } }), 'warn', /reaches more than account/],
  ])('%s', (_name, tokenLife, status, summary) => {
    const check = scimTokenLife({ tokenLife, accountId: ACCOUNT });
    expect(check.status).toBe(status);
    expect(check.summary).toMatch(summary);
    if (status === 'warn' || status === 'fail') expect(check.fix).toContain('npx scim-setup rotate-token --create');
  });

  it('reads rights from policies: every allowed group but SCIM, every resource but this account', () => {
    expect(
      rightsOf(
        {
          id: 'x',
          name: 'n',
          status: 'active',
          policies: [
            {
              effect: 'allow',
              permission_groups: [
                { id: '1', name: 'SCIM Provisioning' },
                { id: '2', name: 'DNS Read' },
              ],
              resources: { [`com.cloudflare.api.account.${ACCOUNT}`]: '*', 'com.cloudflare.api.account.zone.z': '*' },
            },
            { effect: 'deny', permission_groups: [{ id: '3', name: 'Billing Read' }], resources: {} },
          ],
        },
        ACCOUNT,
      ),
    ).toEqual({ extra: ['DNS Read'], otherResources: ['com.cloudflare.api.account.zone.z'] });
  });
});

describe('the inputs of a token scim-setup makes', () => {
  const env = {
    OKTA_ORG_URL: 'https://acme.okta.com',
    OKTA_API_TOKEN: '00oktatoken1234567',
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    CLOUDFLARE_API_TOKEN: 'cfat_apitoken123456',
  };
  const resolve = (flags: Record<string, unknown>, extraEnv: Record<string, string> = {}, need: 'create' | 'required' = 'create'): Promise<Inputs> =>
    resolveInputs({ flags, env: { ...env, ...extraEnv }, secretFiles: {}, defaultWait: '2m', scimTokenNeed: need }, { interactive: false, reason: 'CI' });

  it.each<[string, Record<string, unknown>, Record<string, string>, unknown]>([
    ['no SCIM token and an API token: made, 90 days, any address', {}, {}, { ttlDays: 90, allowCidrs: [] }],
    ['--scim-token-ttl never', { scimTokenTtl: 'never' }, {}, { ttlDays: null, allowCidrs: [] }],
    [
      'ranges, a bare address taken as one host',
      { scimTokenAllowCidr: ['192.0.2.0/24', '2001:db8::1'] },
      {},
      { ttlDays: 90, allowCidrs: ['192.0.2.0/24', '2001:db8::1/128'] },
    ],
    ['a SCIM token given: nothing is made', {}, { CLOUDFLARE_SCIM_TOKEN: 'cfat_scimtoken123456' }, undefined],
  ])('%s', async (_name, flags, extraEnv, expected) => {
    expect((await resolve(flags, extraEnv)).tokenCreation).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, RegExp]>([
    ['a lifetime in hours', { scimTokenTtl: '12h' }, {}, /"12h" is not a token lifetime.*90d/],
    ['a range that is not one', { scimTokenAllowCidr: ['10.0.0.0/33'] }, {}, /"10.0.0.0\/33" is not an IP range/],
    [
      'a lifetime for a token given by hand',
      { scimTokenTtl: '30d' },
      { CLOUDFLARE_SCIM_TOKEN: 'cfat_scimtoken123456' },
      /--scim-token-ttl.*a SCIM token is given/,
    ],
  ])('refused before anything is sent: %s', async (_name, flags, extraEnv, message) => {
    await expect(resolve(flags, extraEnv)).rejects.toThrow(message);
  });

  it('without either token, okta names both ways to give one', async () => {
    const { CLOUDFLARE_API_TOKEN: _unset, ...noApiToken } = env;
    await expect(
      resolveInputs({ flags: {}, env: noApiToken, secretFiles: {}, defaultWait: '2m', scimTokenNeed: 'create' }, { interactive: false, reason: 'CI' }),
    ).rejects.toThrow(
      /Cloudflare SCIM token: set CLOUDFLARE_SCIM_TOKEN or pass --scim-token-file, or set CLOUDFLARE_API_TOKEN to a token with "Account API Tokens: Edit" and scim-setup makes one/,
    );
  });

  it('a command that needs the token given asks for it, API token or not', async () => {
    await expect(resolve({}, {}, 'required')).rejects.toThrow(/Cloudflare SCIM token: set CLOUDFLARE_SCIM_TOKEN/);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveInputs, type Inputs } from '../../src/lib/inputs.js';
import { planTokenRotation, type TokenRotationFacts } from '../../src/commands/rotate-token/plan.js';
import { scimTokenAction, tokenCreateBody, type ObservedScimTokens } from '../../src/plan/scim-token.js';
import { appTokens, namedForApp, ownTokens, refuseForeignTokens, resolveTokenName, scimTokenName, type ListedToken } from '../../src/plan/token-ownership.js';
import { isOktaRequest, oktaLatestTokenId, oktaOtherTokenIds } from '../../src/cloudflare/audit.js';
import { InputError } from '../../src/lib/errors.js';
import { scimTokenLife } from '../../src/verify/checks/scim-token-life.js';
import { rightsOf } from '../../src/verify/token-life.js';
import type { TokenLife } from '../../src/verify/types.js';

// #25, the pure parts: which token step a run plans, the create request, the rotation's plan, and the life check.

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const APP = '0oa1appid';
const NAME = `scim-setup: L (Okta app ${APP})`;
const creation = { ttlDays: 90, allowCidrs: [] as string[] };
const READ_AT = '2026-12-01T00:00:00Z';
const SCIM_ONLY = [
  { effect: 'allow', permission_groups: [{ id: 'pg-scim', name: 'SCIM Provisioning' }], resources: { [`com.cloudflare.api.account.${ACCOUNT}`]: '*' } },
];
/** A token as Cloudflare lists it: scim-setup's shape unless told otherwise. */
const t = (id: string, issued: string, more: Partial<ListedToken> = {}): ListedToken => ({
  id,
  name: NAME,
  status: 'active',
  issued_on: issued,
  expires_on: '2027-01-15T00:00:00Z',
  policies: SCIM_ONLY,
  ...more,
});
const observed = (tokens: ListedToken[]): ObservedScimTokens => ({ tokens, permissionGroupId: 'pg-scim', readAt: READ_AT });
const expectation = { accountId: ACCOUNT, scimGroupId: 'pg-scim', creation, now: new Date(READ_AT) };

describe("which tokens are scim-setup's own for an app", () => {
  it('binds the name to the app id, whatever the label is now', () => {
    expect(scimTokenName('L', APP)).toBe(NAME);
    expect(namedForApp(NAME, APP)).toBe(true);
    expect(namedForApp(scimTokenName('Renamed', APP), APP)).toBe(true);
    expect(namedForApp(scimTokenName('L', '0oa2other'), APP)).toBe(false);
    // The name scim-setup gave before it bound tokens to apps, and a look-alike: neither is bound.
    expect(namedForApp('scim-setup: L', APP)).toBe(false);
    expect(namedForApp(`x scim-setup: L (Okta app ${APP})`, APP)).toBe(false);
  });

  it.each<[string, Partial<ListedToken>, 'adoptable' | 'replaceable' | 'foreign', RegExp?]>([
    ['exactly what scim-setup makes', {}, 'adoptable'],
    [
      'a second permission (planted, or edited since)',
      { policies: [{ ...SCIM_ONLY[0], permission_groups: [{ id: 'pg-scim' }, { id: 'pg-tokens', name: 'Account API Tokens Write' }] }] },
      'foreign',
      /Account API Tokens Write/,
    ],
    [
      'another permission instead of SCIM',
      { policies: [{ ...SCIM_ONLY[0], permission_groups: [{ id: 'pg-read', name: 'Account Settings Read' }] }] },
      'foreign',
      /Account Settings Read/,
    ],
    [
      'every account',
      { policies: [{ ...SCIM_ONLY[0], resources: { 'com.cloudflare.api.account.*': '*' } }] },
      'foreign',
      /reaches com.cloudflare.api.account.\*/,
    ],
    ['two policies', { policies: [SCIM_ONLY[0], SCIM_ONLY[0]] }, 'foreign', /2 policies/],
    ['a deny policy', { policies: [{ ...SCIM_ONLY[0], effect: 'deny' }] }, 'foreign', /deny/],
    ['policies not listed', { policies: undefined }, 'foreign', /could not be read/],
    ['no expiry, 90 days asked', { expires_on: undefined }, 'replaceable', /never expires/],
    ['an expiry beyond the life asked', { expires_on: '2028-01-01T00:00:00Z' }, 'replaceable', /beyond the 90 days/],
    ['expired', { expires_on: '2026-11-01T00:00:00Z' }, 'replaceable', /expired/],
    ['other IP ranges', { condition: { request_ip: { in: ['10.0.0.0/8'] } } }, 'replaceable', /IP ranges differ/],
    ['excluded ranges', { condition: { request_ip: { not_in: ['10.0.0.0/8'] } } }, 'replaceable', /excludes/],
  ])('%s: %s', (_name, more, kind, why) => {
    const sorted = appTokens([t('a', '2026-11-01', more)], APP, expectation);
    const found = kind === 'adoptable' ? sorted.adoptable : sorted[kind].map((x) => x.token);
    expect(found.map((x) => x.id)).toEqual(['a']);
    if (why) expect(sorted[kind === 'adoptable' ? 'foreign' : kind][0]?.why).toMatch(why);
  });

  it('tokens named for another app, or for none, are not sorted at all; ownTokens never holds a foreign one', () => {
    const sorted = appTokens(
      [
        t('mine', '2026-11-02'),
        t('other-app', '2026-11-03', { name: scimTokenName('L', '0oa2') }),
        t('old-name', '2026-11-04', { name: 'scim-setup: L' }),
        t('broad', '2026-11-05', { policies: [{ ...SCIM_ONLY[0], resources: { 'com.cloudflare.api.account.*': '*' } }] }),
      ],
      APP,
      expectation,
    );
    expect(ownTokens(sorted).map((x) => x.id)).toEqual(['mine']);
    expect(sorted.foreign.map((x) => x.token.id)).toEqual(['broad']);
    expect(appTokens([t('mine', '2026-11-02')], undefined, expectation)).toEqual({ adoptable: [], replaceable: [], foreign: [] });
  });

  it('a token named for the app that scim-setup cannot prove its own stops the run: exit 2, the token and why named', () => {
    const { foreign } = appTokens(
      [t('planted', '2026-11-02', { policies: [{ ...SCIM_ONLY[0], permission_groups: [{ id: 'pg-scim' }, { id: 'x', name: 'Workers Scripts Write' }] }] })],
      APP,
      expectation,
    );
    expect(() => refuseForeignTokens(foreign)).toThrow(InputError);
    expect(() => refuseForeignTokens(foreign)).toThrow(/planted .*Workers Scripts Write.*Nothing was changed/);
    expect(() => refuseForeignTokens([])).not.toThrow();
  });
});

describe("okta's token step", () => {
  it.each<[string, ObservedScimTokens, boolean, { kind: string; summary: RegExp; op?: unknown }]>([
    [
      'none made, Okta holds none: create',
      observed([]),
      false,
      { kind: 'create', summary: /^create account API token "scim-setup: L \(Okta app 0oa1appid\)"/, op: { revoke: [], name: NAME } },
    ],
    [
      'an earlier run made one for this app, Okta holds none: adopt it by rolling',
      observed([t('a', '2026-11-01T00:00:00Z')]),
      false,
      { kind: 'update', summary: /^adopt account API token "scim-setup: L \(Okta app 0oa1appid\)" \(a\)/, op: { adopt: 'a', revoke: [] } },
    ],
    [
      'two made: adopt the newest, revoke the older',
      observed([t('old', '2026-11-01T00:00:00Z'), t('new', '2026-11-02T00:00:00Z')]),
      false,
      { kind: 'update', summary: /\(new\).*and revoke 1 other scim-setup made for this app/, op: { adopt: 'new', revoke: ['old'] } },
    ],
    [
      'one made with other IP ranges: revoked and replaced (a roll keeps its ranges)',
      observed([t('a', '2026-11-01T00:00:00Z', { condition: { request_ip: { in: ['10.0.0.0/8'] } } })]),
      false,
      { kind: 'create', summary: /^replace account API token .*IP ranges differ/, op: { revoke: ['a'] } },
    ],
    [
      'tokens of another app, of the old unbound name, and one with more rights: none is adopted or revoked',
      observed([
        t('other', '2026-11-03', { name: scimTokenName('L', '0oa2') }),
        t('legacy', '2026-11-04', { name: 'scim-setup: L' }),
        t('planted', '2026-11-05', { policies: [{ ...SCIM_ONLY[0], permission_groups: [{ id: 'pg-scim' }, { id: 'pg-tokens' }] }] }),
      ]),
      false,
      { kind: 'create', summary: /^create account API token/, op: { revoke: [] } },
    ],
    [
      'Okta already holds one: nothing to make',
      observed([t('a', '2026-11-01T00:00:00Z')]),
      true,
      { kind: 'noop', summary: /^SCIM token: Okta holds one; scim-setup's for this app is/ },
    ],
    ['Okta holds one made by hand: said, and left', observed([]), true, { kind: 'noop', summary: /did not make for this app .*rotate-token --create/ }],
  ])('%s', (_name, o, oktaHoldsOne, expected) => {
    const action = scimTokenAction({ label: 'L', id: APP }, creation, o, ACCOUNT, oktaHoldsOne);
    expect(action.kind).toBe(expected.kind);
    expect(action.summary).toMatch(expected.summary);
    if (expected.op) expect(action.operation).toMatchObject({ kind: 'make-scim-token', ...(expected.op as object) });
    else expect(action.operation).toBeUndefined();
  });

  it('for an app this run creates, the name waits for its id', () => {
    const action = scimTokenAction({ label: 'L' }, creation, observed([t('a', '2026-11-01')]), ACCOUNT, false);
    expect(action).toMatchObject({ kind: 'create', operation: { name: 'scim-setup: L (Okta app {appId})', revoke: [] } });
    expect(action.summary).toContain('(Okta app <new app id>)');
    expect(resolveTokenName('scim-setup: L (Okta app {appId})', APP)).toBe(NAME);
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
    name: NAME,
    permissionGroupId: 'pg',
    own: [],
    creationDetail: 'detail',
    ...f,
  });
  const shape = (f: Partial<TokenRotationFacts>) => {
    const p = planTokenRotation(facts(f));
    return { make: [p.make.kind, p.make.operation], revoke: p.revoke?.operation, notes: p.notes.length };
  };
  const own = (...ids: string[]) => ids.map((id, i) => t(id, `2026-11-${String(10 - i).padStart(2, '0')}`));

  it.each<[string, Partial<TokenRotationFacts>, ReturnType<typeof shape>]>([
    [
      "Okta's latest request carries scim-setup's one token: make a new one, revoke the old after the proof",
      { own: own('a'), oktaLatestId: 'a' },
      { make: ['create', expect.objectContaining({ revoke: [] })], revoke: { kind: 'revoke-scim-tokens', ids: ['a'], name: NAME }, notes: 0 },
    ],
    [
      "Okta's requests carry a token scim-setup did not make for this app (by hand, another app's): never revoked, said",
      { own: [], oktaOthers: ['h'] },
      // Two: which token Okta holds for this app is not told (none of its own seen), and the other token is named.
      { make: ['create', expect.anything()], revoke: undefined, notes: 2 },
    ],
    [
      "an earlier rotation's token that Okta's requests do not carry yet: never rolled (Okta may hold it); a new one, and both old revoked after the proof",
      { own: own('b', 'a'), oktaLatestId: 'a' },
      { make: ['create', expect.not.objectContaining({ adopt: expect.anything() })], revoke: expect.objectContaining({ ids: ['b', 'a'] }), notes: 0 },
    ],
    [
      'the newest already proved in use: nothing to make, only the old to revoke',
      { own: own('b', 'a'), oktaLatestId: 'b', newestInUse: 'seen' },
      { make: ['noop', undefined], revoke: expect.objectContaining({ ids: ['a'] }), notes: 0 },
    ],
    [
      "no request by Okta seen: no verdict on which token Okta holds; scim-setup's own are revoked only after the proof, and that is said",
      { own: own('a') },
      { make: ['create', expect.anything()], revoke: expect.objectContaining({ ids: ['a'] }), notes: 1 },
    ],
  ])('%s', (_name, f, expected) => {
    expect(shape(f)).toEqual(expected);
  });

  it("tells which token Okta holds only from requests with Okta's user agent", () => {
    const entry = (token: string, ua: string) => ({
      action: { time: '2026-12-01T00:00:00Z' },
      actor: { token_id: token },
      raw: { uri: '/scim/v2/Users', user_agent: ua },
    });
    // Newest first: a script's write with another token, then Okta's.
    const entries = [entry('script', 'curl/8.5.0'), entry('entra', 'Microsoft Azure AD SCIM Client'), entry('okta', 'Okta SCIM Client 1.0.0')];
    expect(entries.map(isOktaRequest)).toEqual([false, false, true]);
    expect(oktaLatestTokenId(entries)).toBe('okta');
    expect(oktaLatestTokenId(entries.slice(0, 2))).toBeUndefined();
    // Another Okta app's requests carry its own token, with the same user agent: only this app's tokens count.
    const twoApps = [entry('app-b', 'Okta SCIM Client 1.0.0'), entry('app-a', 'Okta SCIM Client 1.0.0')];
    expect(oktaLatestTokenId(twoApps, new Set(['app-a']))).toBe('app-a');
    expect(oktaOtherTokenIds(twoApps, new Set(['app-a']))).toEqual(['app-b']);
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
    rights: { extra: [], otherResources: [], scim: true },
    ...l,
  });
  it.each<[string, TokenLife, string, RegExp]>([
    ['not read', { known: false, reason: 'no token' }, 'skipped', /were not read/],
    ['active, 90 days, SCIM only', life({}), 'pass', /is active and expires .* \(90 days left\)/],
    // #34 item 13: a token that never expires is not a pass; a short life warns late in it, not from day one.
    ['never expires', life({ expiresOn: undefined, daysLeft: undefined }), 'warn', /it never expires, so a copy that leaks stays good/],
    ['a 30-day token on its first day', life({ daysLeft: 29, lifeDays: 30 }), 'pass', /29 days left/],
    ['a 30-day token with 9 days left', life({ daysLeft: 9, lifeDays: 30 }), 'warn', /it expires in 9 days/],
    ['expired', life({ status: 'expired', daysLeft: -2 }), 'fail', /is expired: Okta's provisioning to Cloudflare stops with it/],
    ['29 days left', life({ daysLeft: 29 }), 'warn', /it expires in 29 days/],
    ['30 days left', life({ daysLeft: 30 }), 'pass', /30 days left/],
    ['user-owned', life({ accountOwned: false }), 'warn', /user-owned/],
    [
      'more than SCIM',
      life({ rights: { extra: ['Account Settings Write'], otherResources: [], scim: true } }),
      'warn',
      /more than SCIM needs \(Account Settings Write\)/,
    ],
    ['another account', life({ rights: { extra: [], otherResources: ['com.cloudflare.api.account.*'], scim: true } }), 'warn', /reaches more than account/],
    // A read-only token is not "too much": it cannot do the job at all.
    [
      'no SCIM at all',
      life({ rights: { extra: ['Account Settings Read'], otherResources: [], scim: false } }),
      'fail',
      /does not hold SCIM Provisioning .*Okta can push nothing/,
    ],
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
    ).toEqual({ extra: ['DNS Read'], otherResources: ['com.cloudflare.api.account.zone.z'], scim: true });
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

  it('a lifetime typo is one problem, not two: no second, false "this command makes none" (#34 item 14)', async () => {
    const error = await resolve({ scimTokenTtl: '30' }, {}).then(
      () => undefined,
      (e: unknown) => e as { message: string; problems?: Array<{ input: string }> },
    );
    expect(error?.problems?.map((p) => p.input)).toEqual(['SCIM token lifetime']);
    expect(error?.message).not.toContain('this command makes none');
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

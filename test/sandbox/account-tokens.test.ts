import Cloudflare from 'cloudflare';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { control, sandbox } from '../helpers/sandbox.js';

// The sandbox's account-token API, driven through the official SDK's `client.accounts.tokens` (the spec
// subset lacks these paths): what the SDK sends, the sandbox takes; what it answers, the SDK's types name.

let s: Sandbox;
afterEach(() => s?.close());

const sdk = (token: string) => new Cloudflare({ apiToken: token, baseURL: s.cloudflare.apiBaseUrl, maxRetries: 0 });
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { status?: number; error?: { errors?: Array<{ code: number; message: string }> } }) => `${e.status} ${e.error?.errors?.[0]?.code ?? ''}`.trim(),
  );

describe('account tokens through the SDK', () => {
  it('catalogue, create, list, get, verify, roll and delete, each taking effect at once', async () => {
    s = await sandbox();
    const account_id = s.accountId;
    const api = sdk(s.env.CLOUDFLARE_API_TOKEN);
    const groups = [];
    for await (const g of api.accounts.tokens.permissionGroups.list({ account_id, name: 'SCIM Provisioning' })) groups.push(g);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: 'SCIM Provisioning', scopes: ['com.cloudflare.api.account'], is_selectable: true });

    const expires = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const created = await api.accounts.tokens.create({
      account_id,
      name: 'scim-setup: L',
      policies: [{ effect: 'allow', permission_groups: [{ id: groups[0].id as string }], resources: { [`com.cloudflare.api.account.${account_id}`]: '*' } }],
      expires_on: expires,
      condition: { request_ip: { in: ['127.0.0.1/32'] } },
    });
    expect(created).toMatchObject({ name: 'scim-setup: L', status: 'active', expires_on: expires, condition: { request_ip: { in: ['127.0.0.1/32'] } } });
    expect(created.value).toMatch(/^cfat_/);
    const id = created.id as string;

    const listed = [];
    for await (const t of api.accounts.tokens.list({ account_id })) listed.push(t);
    expect(listed.map((t) => t.id)).toContain(id);
    expect(listed.every((t) => !('value' in t))).toBe(true);
    const got = await api.accounts.tokens.get(id, { account_id });
    expect(got.policies?.[0].permission_groups.map((g) => g.name)).toEqual(['SCIM Provisioning']);

    // The new token reads SCIM (its one permission) and verifies with its expiry; it may not list tokens.
    const made = sdk(created.value as string);
    expect(await made.accounts.tokens.verify({ account_id })).toMatchObject({ id, status: 'active', expires_on: expires });
    expect(await status(made.get(`/accounts/${account_id}/scim/v2/Users`))).toBe(200);
    expect(await status(made.accounts.tokens.get(id, { account_id }))).toBe('403 10000');

    // Roll: same token, a new value; the old value is refused at once.
    const rolled = await api.accounts.tokens.value.update(id, { account_id });
    expect(rolled).toMatch(/^cfat_/);
    expect(await status(made.get(`/accounts/${account_id}/scim/v2/Users`))).toBe('403');
    expect(await status(sdk(rolled).accounts.tokens.verify({ account_id }))).toBe(200);

    // Delete: refused at once; a second delete is 404.
    expect(await api.accounts.tokens.delete(id, { account_id })).toMatchObject({ id });
    expect(await status(sdk(rolled).accounts.tokens.verify({ account_id }))).toBe('403 10000');
    expect(await status(api.accounts.tokens.delete(id, { account_id }))).toBe('404 1003');
  });

  it('enforces what a token may do, where from, and when: permissions, other accounts, IP ranges, expiry, not_before', async () => {
    s = await sandbox();
    const account_id = s.accountId;
    const api = sdk(s.env.CLOUDFLARE_API_TOKEN);
    const [scim] = await api.accounts.tokens.permissionGroups.get({ account_id, name: 'SCIM Provisioning' });
    const make = (extra: Partial<Cloudflare.Accounts.TokenCreateParams>, resources = { [`com.cloudflare.api.account.${account_id}`]: '*' }) =>
      api.accounts.tokens.create({
        account_id,
        name: 'x',
        policies: [{ effect: 'allow', permission_groups: [{ id: scim.id as string }], resources }],
        ...extra,
      });
    // Without "Account API Tokens: Edit", no token is made; another account's resources are refused.
    expect(await status(sdk(s.env.CLOUDFLARE_SCIM_TOKEN).accounts.tokens.create({ account_id, name: 'x', policies: [] }))).toBe('403 10000');
    expect(await status(make({}, { 'com.cloudflare.api.account.0123456789abcdef0123456789abcdef': '*' }))).toBe('403 9109');
    expect(await status(make({ expires_on: '2000-01-01T00:00:00Z' }))).toBe('400 1001');
    expect(await status(make({ condition: { request_ip: { in: ['not-a-cidr'] } } }))).toBe('400 1001');

    const outside = await make({ condition: { request_ip: { in: ['203.0.113.0/24'] } } });
    const refused = await fetch(`${s.cloudflare.apiBaseUrl}/accounts/${account_id}/members`, { headers: { authorization: `Bearer ${outside.value}` } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).errors[0]).toEqual({ code: 9109, message: 'Cannot use the access token from location: 127.0.0.1' });
    const notIn = await make({ condition: { request_ip: { not_in: ['127.0.0.0/8'] } } });
    expect(await status(sdk(notIn.value as string).accounts.tokens.verify({ account_id }))).toBe('403 9109');

    const later = await make({ not_before: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await status(sdk(later.value as string).get(`/accounts/${account_id}/scim/v2/Users`))).toBe('403');
    // Expired (made so through the control API): refused everywhere, but /tokens/verify says so.
    const old = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'old', permissions: ['scim'], expiresOn: '2020-01-01T00:00:00Z' });
    expect(await sdk(old.value).accounts.tokens.verify({ account_id })).toMatchObject({ status: 'expired' });
    expect(await status(sdk(old.value).get(`/accounts/${account_id}/scim/v2/Users`))).toBe('403');
    const listed = [];
    for await (const t of api.accounts.tokens.list({ account_id })) listed.push(t.name);
    expect(listed).not.toContain('old');
  });
});

describe("the product's Cloudflare client", () => {
  it('knows a made or rolled token value as a secret the moment its answer arrives, before anything reads it', async () => {
    s = await sandbox();
    const { RequestPolicy } = await import('../../src/lib/request-policy.js');
    const { CloudflareClient } = await import('../../src/cloudflare/client.js');
    const { createAccountToken, rollAccountToken, scimPermissionGroup } = await import('../../src/cloudflare/account-tokens.js');
    const secrets: string[] = [];
    const policy = new RequestPolicy({ timeoutMs: 10_000, maxRetries: 0, maxWaitMs: 1000, onSecret: (v) => secrets.push(v) });
    const api = new CloudflareClient(s.cloudflare.apiBaseUrl, s.accountId, s.env.CLOUDFLARE_API_TOKEN, 'read', policy, {});
    const group = await scimPermissionGroup(api);
    expect(secrets).toEqual([]);
    const made = await createAccountToken(api, {
      name: 'n',
      policies: [{ effect: 'allow', permission_groups: [{ id: group.id }], resources: { [`com.cloudflare.api.account.${s.accountId}`]: '*' } }],
    });
    expect(secrets).toEqual([made.value]);
    const rolled = await rollAccountToken(api, made.token.id);
    expect(secrets).toEqual([made.value, rolled]);
  });
});

describe('several accounts on one API host (#26, the sandbox)', () => {
  it('serves each account with its own tokens and state; a token reaches its own account only (9109 elsewhere)', async () => {
    s = await sandbox({ accounts: 3 });
    expect(s.accounts.map((a) => a.accountId)).toEqual([s.accountId, expect.stringMatching(/^[0-9a-f]{32}$/), expect.stringMatching(/^[0-9a-f]{32}$/)]);
    expect(new Set(s.accounts.map((a) => a.accountId)).size).toBe(3);
    const [first, second] = s.accounts;
    const users = async (token: string, accountId: string) =>
      fetch(`${s.cloudflare.apiBaseUrl}/accounts/${accountId}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
    expect((await users(second.env.CLOUDFLARE_SCIM_TOKEN, second.accountId)).status).toBe(200);
    const refused = await users(second.env.CLOUDFLARE_SCIM_TOKEN, first.accountId);
    expect(refused.status).toBe(403);
    expect((await refused.json()).detail).toBe('Unauthorized to access requested resource');
    // A user made in the second account is not in the first.
    const made = await fetch(`${s.cloudflare.apiBaseUrl}/accounts/${second.accountId}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${second.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'only.here@example.com',
        externalId: '00u-only-here',
        active: true,
        name: { givenName: 'Only', familyName: 'Here' },
        emails: [{ value: 'only.here@example.com', primary: true }],
      }),
    });
    expect(made.status).toBe(201);
    const inState = (i: number) => [...s.cloudflare.accounts[i].state.scimUsers.values()].map((u) => u.userName);
    expect(inState(1)).toContain('only.here@example.com');
    expect(inState(0)).not.toContain('only.here@example.com');
    // Tokens made through an account's API belong to it, and verify there.
    const api = sdk(second.env.CLOUDFLARE_API_TOKEN);
    const [scim] = await api.accounts.tokens.permissionGroups.get({ account_id: second.accountId, name: 'SCIM Provisioning' });
    const token = await api.accounts.tokens.create({
      account_id: second.accountId,
      name: 'second',
      policies: [{ effect: 'allow', permission_groups: [{ id: scim.id as string }], resources: { [`com.cloudflare.api.account.${second.accountId}`]: '*' } }],
    });
    expect(await sdk(token.value as string).accounts.tokens.verify({ account_id: second.accountId })).toMatchObject({ status: 'active' });
    expect(await status(sdk(token.value as string).accounts.tokens.verify({ account_id: first.accountId }))).toBe('403 9109');
  });
});

import { BlockList, isIP } from 'node:net';
import type { Req, Res, Route } from '../http/types.js';
import { accountRoute, actor, type CloudflareContext } from './context.js';
import { cfFailure, ok } from './errors.js';
import { expired, hexId, TOKEN_PERMISSION_GROUPS, type TokenPolicy, type TokenRecord } from './records.js';
import { pageOf } from './routes-v4.js';
import type { CloudflareState } from './state.js';
import { cloudflareBody } from './bodies.js';
import { fieldsOf, filled, items, type Fields } from '../http/body.js';

const ACCOUNT = '/accounts/{account_id}';

/** A token as Cloudflare's token API shows it (the SDK's `Token`): never its value. */
export function tokenView(t: TokenRecord, now: string) {
  return {
    id: t.id,
    name: t.name,
    status: expired(t, now) ? 'expired' : 'active',
    issued_on: t.issuedOn,
    modified_on: t.modifiedOn,
    ...(t.lastUsedOn ? { last_used_on: t.lastUsedOn } : {}),
    ...(t.expiresOn ? { expires_on: t.expiresOn } : {}),
    ...(t.notBefore ? { not_before: t.notBefore } : {}),
    ...(t.condition ? { condition: t.condition } : {}),
    policies: t.policies,
  };
}

function findToken({ state }: CloudflareContext, req: Req): TokenRecord {
  const token = state.tokenById(req.params.token_id);
  if (!token?.accountOwned) throw cfFailure(req.path, 404, 'Invalid token', 1003);
  return token;
}

function listPermissionGroups(_ctx: CloudflareContext, req: Req): Res {
  const name = req.query.get('name');
  const scope = req.query.get('scope');
  const groups = TOKEN_PERMISSION_GROUPS.filter((g) => (!name || g.name === name) && (!scope || g.scopes.includes(scope)));
  return ok(groups.map((g) => ({ id: g.id, name: g.name, scopes: g.scopes, category: 'account_and_billing', is_selectable: true })));
}

function listTokens({ state }: CloudflareContext, req: Req): Res {
  // Expired tokens only when asked (the SDK: "recently-expired tokens when include_expired is set to true").
  const now = state.now();
  const withExpired = req.query.get('include_expired') === 'true';
  const tokens = [...state.tokens.values()].filter((t) => t.accountOwned && t.status === 'active' && (withExpired || !expired(t, now)));
  return {
    status: 200,
    body: pageOf(
      req,
      tokens.map((t) => tokenView(t, now)),
      20,
      50,
      5,
    ),
  };
}

function createToken(ctx: CloudflareContext, req: Req): Res {
  const token = ctx.state.createAccountToken(tokenSpec(req, ctx.state), actor(ctx, req));
  return ok({ ...tokenView(token, ctx.state.now()), value: token.value });
}

function rollToken(ctx: CloudflareContext, req: Req): Res {
  return ok(ctx.state.rollAccountToken(findToken(ctx, req), actor(ctx, req)).value);
}

function deleteToken(ctx: CloudflareContext, req: Req): Res {
  const token = findToken(ctx, req);
  ctx.state.deleteAccountToken(token, actor(ctx, req));
  return ok({ id: token.id });
}

/**
 * Account-owned API tokens (`/accounts/{id}/tokens`, the SDK's `client.accounts.tokens`): the
 * permission-group catalogue, create (the value is in this answer only), list, get, roll
 * (`PUT …/value`) and delete, which takes effect at once.
 */
export function accountTokenRoutes(ctx: CloudflareContext): Route[] {
  const route = accountRoute(ctx);
  return [
    route('GET', `${ACCOUNT}/tokens/permission_groups`, ['tokens-read'], listPermissionGroups),
    route('GET', `${ACCOUNT}/tokens`, ['tokens-read'], listTokens),
    route('POST', `${ACCOUNT}/tokens`, ['tokens-write'], createToken),
    route('GET', `${ACCOUNT}/tokens/{token_id}`, ['tokens-read'], (c, req) => ok(tokenView(findToken(c, req), c.state.now()))),
    route('PUT', `${ACCOUNT}/tokens/{token_id}/value`, ['tokens-write'], rollToken),
    route('DELETE', `${ACCOUNT}/tokens/{token_id}`, ['tokens-write'], deleteToken),
  ];
}

/** A create request checked as the API checks it: a name, known permission groups, this account's resources, valid dates and CIDRs. */
function tokenSpec(req: Req, state: CloudflareState): Pick<TokenRecord, 'name' | 'policies' | 'expiresOn' | 'notBefore' | 'condition'> {
  const b = cloudflareBody('POST /accounts/{account_id}/tokens', req.body);
  const bad = (message: string) => cfFailure(req.path, 400, message, 1001);
  const name = filled(b.name);
  if (name === undefined || name.length > 120) throw bad('name is required (1-120 characters)');
  const given = items(b.policies);
  if (given.length === 0) throw bad('policies are required');
  const policies = given.map((policy, i) => tokenPolicy(req, state, fieldsOf(policy), `policies[${i}]`, `policy:${i}:${name}:${state.now()}`));
  const date = (field: 'expires_on' | 'not_before') => {
    const v = b[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw bad(`${field} must be an RFC 3339 date-time`);
    return new Date(Date.parse(v)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  };
  const expiresOn = date('expires_on');
  if (expiresOn && Date.parse(expiresOn) <= Date.parse(state.now())) throw bad('expires_on must be in the future');
  const requestIp = fieldsOf<'request_ip'>(b.condition).request_ip;
  const ranges = fieldsOf<'in' | 'not_in'>(requestIp);
  const cidrs = (list: unknown): string[] | undefined => {
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || !list.every((c) => typeof c === 'string' && cidrBlock(c)))
      throw bad('condition.request_ip lists must hold IPv4 or IPv6 CIDR addresses');
    return list;
  };
  const condition = { in: cidrs(ranges.in), not_in: cidrs(ranges.not_in) };
  return {
    name,
    policies,
    expiresOn,
    notBefore: date('not_before'),
    ...(requestIp !== undefined ? { condition: { request_ip: Object.fromEntries(Object.entries(condition).filter(([, v]) => v !== undefined)) } } : {}),
  };
}

/** One policy of a token: allow or deny, known permission groups, resources of this account (or zones). */
function tokenPolicy(req: Req, state: CloudflareState, p: Fields<'effect' | 'permission_groups' | 'resources'>, where: string, seed: string): TokenPolicy {
  const bad = (message: string) => cfFailure(req.path, 400, message, 1001);
  if (p.effect !== 'allow' && p.effect !== 'deny') throw bad(`${where}.effect must be allow or deny`);
  const groups = items(p.permission_groups).map((g) => fieldsOf<'id'>(g));
  if (groups.length === 0) throw bad(`${where}.permission_groups is required`);
  const resources = fieldsOf(p.resources);
  if (Object.keys(resources).length === 0) throw bad(`${where}.resources is required`);
  for (const key of Object.keys(resources))
    if (key.startsWith('com.cloudflare.api.account.') && !key.startsWith('com.cloudflare.api.account.zone') && key !== state.accountResource)
      throw cfFailure(req.path, 403, 'Unauthorized to access requested resource', 9109);
  return {
    id: hexId(seed),
    effect: p.effect,
    permission_groups: groups.map((g) => {
      const known = TOKEN_PERMISSION_GROUPS.find((k) => k.id === g.id);
      if (!known) throw bad(`permission group ${String(g.id)} does not exist`);
      return { id: known.id, name: known.name };
    }),
    resources: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, String(v)])),
  };
}

/** A CIDR (or a bare address) as a BlockList, or undefined when it is not one. */
function cidrBlock(cidr: string): BlockList | undefined {
  const [address, bits] = cidr.split('/');
  const family = isIP(address);
  if (family === 0) return undefined;
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list;
}

/** Whether a token's `condition.request_ip` lets a request from `ip` through. */
export function ipAllowed(token: TokenRecord, ip: string): boolean {
  const rule = token.condition?.request_ip;
  if (!rule) return true;
  const address = ip.replace(/^::ffff:/, '');
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const inAny = (list: string[] | undefined) => (list ?? []).some((c) => cidrBlock(c)?.check(address, family));
  if (rule.in && rule.in.length > 0 && !inAny(rule.in)) return false;
  return !inAny(rule.not_in);
}

import { fieldsOf, type Fields } from '../http/body.js';

/**
 * The request bodies the Cloudflare routes read: for each operation (keyed by the spec's method and
 * path), the top-level fields of its request schema that the handler reads (an array body: the
 * fields of its items). Held to the spec subset by `test/contract/bodies.test.ts`.
 */
export const CLOUDFLARE_BODIES = {
  'POST /accounts/{account_id}/scim/v2/Users': ['schemas', 'userName', 'emails', 'active', 'name', 'displayName', 'externalId'],
  'PUT /accounts/{account_id}/scim/v2/Users/{user_id}': ['schemas', 'userName', 'name', 'active'],
  'PATCH /accounts/{account_id}/scim/v2/Users/{user_id}': ['Operations'],
  'POST /accounts/{account_id}/scim/v2/Groups': ['displayName', 'externalId'],
  'PATCH /accounts/{account_id}/scim/v2/Groups/{group_id}': ['Operations'],
  'POST /accounts/{account_id}/iam/user_groups': ['name', 'policies'],
  'PUT /accounts/{account_id}/iam/user_groups/{user_group_id}': ['name', 'policies'],
  'POST /accounts/{account_id}/iam/user_groups/{user_group_id}/members': ['id'],
  'PUT /accounts/{account_id}/iam/user_groups/{user_group_id}/members': ['id'],
  'POST /accounts/{account_id}/members': ['email', 'roles', 'status'],
} as const;

/**
 * Bodies the spec subset does not describe, with where their fields come from: the test holds that
 * none of these is in the spec after all (then it belongs in the table above).
 */
export const CLOUDFLARE_BODIES_BEYOND_SPEC = {
  // "Dashboard SCIM now supports replacing groups using HTTP PUT" (Cloudflare changelog 2026-08-21): RFC 7644 §3.5.1's Group.
  'PUT /accounts/{account_id}/scim/v2/Groups/{group_id}': ['displayName', 'externalId', 'members'],
  // Account API tokens are outside the spec subset: the fields of the cloudflare SDK's TokenCreateParams.
  'POST /accounts/{account_id}/tokens': ['name', 'policies', 'expires_on', 'not_before', 'condition'],
  'POST /accounts/{account_id}/iam/resource_groups': ['name', 'scope'],
} as const;

type Bodies = typeof CLOUDFLARE_BODIES & typeof CLOUDFLARE_BODIES_BEYOND_SPEC;
export type CloudflareOperation = keyof Bodies;

/** A request's body as `operation`'s schema gives it: the fields the handler reads, each `unknown` until checked. */
export function cloudflareBody<K extends CloudflareOperation>(_operation: K, body: unknown): Fields<Bodies[K][number]> {
  return fieldsOf(body);
}

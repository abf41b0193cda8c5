import { fieldsOf, type Fields } from '../http/body.js';

/**
 * The request bodies the Okta routes read: for each operation (keyed by the spec's method and path),
 * the top-level fields of its request schema that the handler reads. Held to the spec by
 * `test/contract/bodies.test.ts`: a field the spec does not give the body fails it.
 */
export const OKTA_BODIES = {
  // Application: its common fields, and `name`, `settings`, `credentials` of its sign-on mode's subtype.
  'POST /api/v1/apps': ['name', 'label', 'signOnMode', 'settings', 'visibility', 'accessibility', 'credentials'],
  'PUT /api/v1/apps/{appId}': ['name', 'label', 'signOnMode', 'settings', 'visibility', 'accessibility', 'credentials'],
  'POST /api/v1/apps/{appId}/connections/default': ['baseUrl', 'profile'],
  'PUT /api/v1/apps/{appId}/features/{featureName}': ['create', 'update'],
  'PUT /api/v1/apps/{appId}/groups/{groupId}': ['priority', 'profile'],
  'POST /api/v1/apps/{appId}/users': ['id'],
  'POST /api/v1/apps/{appId}/group-push/mappings': ['sourceGroupId', 'targetGroupId', 'targetGroupName', 'status'],
  'PATCH /api/v1/apps/{appId}/group-push/mappings/{mappingId}': ['status'],
  'POST /api/v1/groups': ['profile'],
  'PUT /api/v1/groups/{groupId}': ['profile'],
  'POST /api/v1/users': ['profile', 'credentials'],
  'PUT /api/v1/users/{id}': ['profile'],
} as const;

export type OktaOperation = keyof typeof OKTA_BODIES;

/** A request's body as `operation`'s schema gives it: the fields the handler reads, each `unknown` until checked. */
export function oktaBody<K extends OktaOperation>(_operation: K, body: unknown): Fields<(typeof OKTA_BODIES)[K][number]> {
  return fieldsOf(body);
}

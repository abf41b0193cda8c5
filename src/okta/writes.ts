import { RemoteError } from '../lib/errors.js';
import { connectionBody } from '../plan/app-template.js';
import { oktaPaths } from '../plan/okta-paths.js';
import type { PushMapping } from './app-assignments.js';
import type { OktaClient } from './client.js';
import type { OktaApp } from './reads.js';

/**
 * The writes scim-setup's procedures make to Okta, one function per endpoint with the body its spec
 * gives and the answer it reads. A request action is sent as planned by the executor
 * (`OktaClient.send`); these are the steps that are more than their requests (create or adopt, the
 * connection, migrate's moves).
 */
export const writeOkta = {
  /** POST /apps, activated at once: the app as created. */
  createApp: (okta: OktaClient, body: unknown) => okta.post<OktaApp>(oktaPaths.apps, body, { activate: 'true' }),
  activateApp: (okta: OktaClient, appId: string) => okta.postNoContent(oktaPaths.lifecycle(appId, 'activate')),
  /** An app is deactivated before it can be deleted (Okta answers 403 E0000056 otherwise). */
  deleteApp: async (okta: OktaClient, appId: string) => {
    await okta.postNoContent(oktaPaths.lifecycle(appId, 'deactivate'));
    await okta.delete(oktaPaths.app(appId));
  },
  /**
   * The app's display options set, by the only write Okta has for them: PUT /apps/{id} replaces the
   * whole app, so it is read whole and sent back with only its visibility changed. Never once
   * provisioning is on (a replace would reset it): that is refused, for a re-run to plan again.
   */
  replaceVisibility: async (okta: OktaClient, appId: string, visibility: object) => {
    const app = await okta.get<{ [field: string]: unknown; features?: string[]; visibility?: object }>(oktaPaths.app(appId));
    if ((app.features ?? []).length > 0)
      throw new RemoteError(
        'Provisioning was turned on while this run was planning; replacing the app now would reset it.',
        'Re-run: the plan will make this a manual step.',
      );
    // Read-only fields Okta sets itself are not sent back.
    const { id: _id, created: _created, lastUpdated: _lastUpdated, _links: _l, _embedded: _e, features: _f, ...rest } = app;
    return okta.put<OktaApp>(oktaPaths.app(appId), { ...rest, visibility: { ...(app.visibility ?? {}), ...visibility } });
  },
  /**
   * The provisioning connection (AppConnectionRequest, TOKEN), activated. Okta documents it for a
   * few apps only; on others it answers 200 with status UNKNOWN and changes nothing.
   */
  saveConnection: (okta: OktaClient, appId: string, baseUrl: string, token: string) =>
    okta.post<{ status?: string }>(oktaPaths.connection(appId), connectionBody(baseUrl, token), { activate: 'true' }),
  /** USER_PROVISIONING as the guide sets it: create users and deactivate them, no profile updates, no passwords. */
  enableUserProvisioning: (okta: OktaClient, appId: string) =>
    okta.put(oktaPaths.feature(appId, 'USER_PROVISIONING'), {
      create: { lifecycleCreate: { status: 'ENABLED' } },
      update: { lifecycleDeactivate: { status: 'ENABLED' }, profile: { status: 'DISABLED' }, password: { status: 'DISABLED' } },
    }),
  assignGroup: (okta: OktaClient, appId: string, groupId: string) => okta.put(oktaPaths.appGroup(appId, groupId), {}),
  unassignGroup: (okta: OktaClient, appId: string, groupId: string) => okta.delete(oktaPaths.appGroup(appId, groupId)),
  /** POST /groups: an Okta group of this name. */
  createGroup: (okta: OktaClient, body: unknown) => okta.post<{ id: string }>(oktaPaths.groups, body),
  addGroupMember: (okta: OktaClient, groupId: string, userId: string) => okta.putNoContent(oktaPaths.groupUser(groupId, userId)),
  /** A push of `sourceGroupId` to a new target group of `targetGroupName`, ACTIVE (CreateGroupPushMappingRequest). */
  createPushMapping: (okta: OktaClient, appId: string, sourceGroupId: string, targetGroupName: string) =>
    okta.post<PushMapping>(oktaPaths.pushMappings(appId), { sourceGroupId, targetGroupName, status: 'ACTIVE' }),
  setPushMappingStatus: (okta: OktaClient, appId: string, mappingId: string, status: 'ACTIVE' | 'INACTIVE') =>
    okta.patch<PushMapping>(oktaPaths.pushMapping(appId, mappingId), { status }),
  /** An INACTIVE mapping removed; `deleteTargetGroup` false keeps the group it pushed. */
  deletePushMapping: (okta: OktaClient, appId: string, mappingId: string, deleteTargetGroup: boolean) =>
    okta.delete(oktaPaths.pushMapping(appId, mappingId), { deleteTargetGroup: String(deleteTargetGroup) }),
};

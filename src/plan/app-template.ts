/**
 * The Okta app template Cloudflare's guide names, said once: the "SCIM 2.0 Test App (OAuth Bearer
 * Token)", its catalog name, how it is made, the provisioning connection Okta takes for it where it
 * takes one, and where its Admin Console tabs are. Pure.
 */
export const APP_TEMPLATE = {
  /** Its name in Okta's catalog: what the apps API is asked for, and lists apps by. */
  name: 'scim2testapp',
  /** What the Admin Console calls it: "SCIM 2.0 Test App (OAuth Bearer Token)". */
  title: 'SCIM 2.0 Test App',
  auth: 'OAuth Bearer Token',
  signOnMode: 'AUTO_LOGIN',
} as const;

/** The provisioning connection for it (the API's AppConnectionRequest with a TOKEN profile). */
export function connectionBody(baseUrl: string, token: string) {
  return { baseUrl, profile: { authScheme: 'TOKEN' as const, token } };
}

/** An app's tab in the Admin Console, on the admin host (`adminOrigin`). */
export function appTabPath(appId: string, tab: 'provisioning' | 'assignments'): string {
  return `/admin/app/${APP_TEMPLATE.name}/instance/${appId}/#tab-${tab}`;
}

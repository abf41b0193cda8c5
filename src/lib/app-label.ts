/** The Okta app's label when none is given (--app-label, the config's okta.appLabel). */
export const DEFAULT_APP_LABEL = 'Cloudflare SCIM';

/** Pure: a fleet account's Okta app label: its own, or the shared label and its name ("Cloudflare SCIM (prod)"). */
export function fleetAppLabel(sharedLabel: string | undefined, account: { name: string; appLabel?: string }): string {
  return account.appLabel ?? `${sharedLabel ?? DEFAULT_APP_LABEL} (${account.name})`;
}

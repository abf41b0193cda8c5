import type { OktaEmulator } from './okta/emulator.js';

export interface AdminOptions {
  /** What the admin pastes for an app, by its label: the Base URL and token the guided step shows. */
  provisioningFor: (appLabel: string) => { baseUrl: string; token: string };
  delayMs: number;
}

/** The Provisioning tab filled in as Cloudflare's guide says. */
export function guideProvisioning(scimBaseUrl: string, scimToken: string) {
  return { baseUrl: scimBaseUrl, token: scimToken, createUsers: true, deactivateUsers: true, updateUserAttributes: false, importGroups: false };
}

/**
 * The emulated admin of `--admin auto`: once a scim2testapp instance exists whose provisioning
 * was never set up, it fills in the Provisioning tab as the guide says, after a short delay.
 */
export function startAutoAdmin(okta: OktaEmulator, options: AdminOptions): () => void {
  const handled = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const poll = setInterval(() => {
    for (const app of okta.state.apps.values()) {
      if (app.name !== 'scim2testapp' || app.provisioning || handled.has(app.id)) continue;
      handled.add(app.id);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!okta.state.apps.has(app.id)) return;
        const { baseUrl, token } = options.provisioningFor(app.label);
        okta.setProvisioning(app.id, guideProvisioning(baseUrl, token));
      }, options.delayMs);
      timers.add(timer);
    }
  }, 25);
  return () => {
    clearInterval(poll);
    for (const t of timers) clearTimeout(t);
  };
}

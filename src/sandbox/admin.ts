import type { OktaEmulator } from './okta/emulator.js';

export interface AdminOptions {
  delayMs: number;
}

/** The Provisioning tab filled in as Cloudflare's guide says. */
export function guideProvisioning(scimBaseUrl: string, scimToken: string) {
  return { baseUrl: scimBaseUrl, token: scimToken, createUsers: true, deactivateUsers: true, updateUserAttributes: false, importGroups: false };
}

/**
 * The emulated admin of `--admin auto`: once a run has asked to hand a scim2testapp instance its
 * provisioning over the connection API, and Okta kept nothing (the app is outside its supported
 * list), the run's guided step shows the Base URL and token; after a short delay the admin fills
 * in the Provisioning tab with them, as the guide says. It acts on what the guided step shows, not
 * on the app's appearing: a run makes the app before its token, and an admin who pasted before
 * the step was shown would paste a guess.
 */
export function startAutoAdmin(okta: OktaEmulator, options: AdminOptions): () => void {
  const handled = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const poll = setInterval(() => {
    for (const app of okta.state.apps.values()) {
      const shown = okta.state.handoverAsked.get(app.id);
      if (app.name !== 'scim2testapp' || app.provisioning || handled.has(app.id) || !shown) continue;
      handled.add(app.id);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!okta.state.apps.has(app.id)) return;
        okta.setProvisioning(app.id, guideProvisioning(shown.baseUrl, shown.token));
      }, options.delayMs);
      timers.add(timer);
    }
  }, 25);
  return () => {
    clearInterval(poll);
    for (const t of timers) clearTimeout(t);
  };
}

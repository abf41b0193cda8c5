import { appTabPath } from './app-template.js';
import { maskToken } from '../lib/redact.js';
import { untrusted } from '../lib/terminal-text.js';

/** A step only a person can do, with everything they need to do it. */
export interface ManualStep {
  id: string;
  title: string;
  link?: string;
  steps: string[];
  /** The values to paste, by field, for a machine reader (--json, CI): the same as in `steps`. */
  values?: Record<string, string>;
}

/** `https://acme.okta.com` → `https://acme-admin.okta.com`; other hosts keep their origin. */
export function adminOrigin(orgUrl: string): string {
  const url = new URL(orgUrl);
  const m = /^([a-z0-9-]+)\.((?:okta|oktapreview|okta-emea|okta-gov|okta-mil|trexcloud)\.com)$/i.exec(url.hostname);
  return m ? `https://${m[1]}-admin.${m[2]}` : url.origin;
}

export function provisioningTabLink(orgUrl: string, appId: string): string {
  return `${adminOrigin(orgUrl)}${appTabPath(appId, 'provisioning')}`;
}

/** Where Provision User is, for users assigned before provisioning was on. */
export function assignmentsTabLink(orgUrl: string, appId: string): string {
  return `${adminOrigin(orgUrl)}${appTabPath(appId, 'assignments')}`;
}

/** Dashboard → Tasks, where an admin retries a provisioning task that failed for good. */
export function tasksLink(orgUrl: string): string {
  return `${adminOrigin(orgUrl)}/admin/tasks`;
}

/**
 * The token field, as a person can fill it in: the value shown at their request (--reveal-token, on a
 * terminal: on its own line, whole, for copying), the file it was written to (--token-out), or the
 * variable they set themselves. A token this run made and that is shown nowhere cannot be pasted by
 * anyone: the line says so, and how to get it.
 */
const tokenLine = (scimToken: string, revealToken: boolean, origin: TokenOrigin) => {
  if (revealToken) return `OAuth Bearer Token (shown at your request; it is not printed again):\n${scimToken}`;
  if (origin === 'made')
    return `OAuth Bearer Token: ${maskToken(scimToken)} (the token scim-setup made; its value is held nowhere a person can read it, so this field cannot be filled in as shown: re-run on a terminal with --reveal-token, or in CI with --token-out FILE; the re-run gives the token a new value)`;
  if ('file' in origin)
    return `OAuth Bearer Token: the contents of the file\n${origin.file}\n(the token scim-setup made, ${maskToken(scimToken)}, in a file only you may read: paste it, then delete the file)`;
  return `OAuth Bearer Token: ${maskToken(scimToken)} (the value of ${origin.env}: paste it from where you keep it)`;
};

/** Where the token a checklist names comes from: made by this run (shown nowhere, or written to a file), or the env var that holds it (a fleet account's own). */
export type TokenOrigin = 'made' | { file: string } | { env: string };
const GIVEN: TokenOrigin = { env: 'CLOUDFLARE_SCIM_TOKEN' };
const TEST_CREDENTIALS = 'Select Test API Credentials: Okta says the credentials were verified.';

export function provisioningGuidedStep(
  orgUrl: string,
  appId: string,
  scimBaseUrl: string,
  scimToken: string,
  revealToken: boolean,
  origin: TokenOrigin = GIVEN,
): ManualStep {
  return {
    id: 'provisioning',
    title: 'Turn on provisioning in Okta (Okta does not take this step through its API for this app)',
    link: provisioningTabLink(orgUrl, appId),
    steps: [
      "Open the link (the app's Provisioning tab) and select Configure API Integration.",
      'Select Enable API integration.',
      // Values to copy stand on their own line: a terminal that wraps them mid-token breaks a copy.
      `SCIM 2.0 Base URL:\n${scimBaseUrl}`,
      tokenLine(scimToken, revealToken, origin),
      TEST_CREDENTIALS,
      'Deselect Import Groups.',
      'Select Save.',
      'Under Provisioning → To App, select Edit: enable Create Users and Deactivate Users; leave Update User Attributes off. Select Save.',
    ],
    values: { 'SCIM 2.0 Base URL': scimBaseUrl, ...tokenValues(scimToken, revealToken, origin) },
  };
}

/** The guided step of a token rotation: the token field alone, from the same lines. */
export function tokenGuidedStep(orgUrl: string, appId: string, scimToken: string, revealToken: boolean, origin: TokenOrigin = GIVEN): ManualStep {
  return {
    id: 'rotate-token',
    title: 'Put the new token in Okta (Okta does not take it through its API for this app)',
    link: provisioningTabLink(orgUrl, appId),
    steps: [
      "Open the link (the app's Provisioning tab), Integration, and select Edit.",
      tokenLine(scimToken, revealToken, origin),
      TEST_CREDENTIALS,
      'Select Save.',
    ],
    values: tokenValues(scimToken, revealToken, origin),
  };
}

/** The token as a machine reader of the step gets it: masked unless --reveal-token, and the file it is in where --token-out wrote it. */
function tokenValues(scimToken: string, revealToken: boolean, origin: TokenOrigin): Record<string, string> {
  const value = { 'OAuth Bearer Token': revealToken ? scimToken : maskToken(scimToken) };
  return origin !== 'made' && 'file' in origin ? { ...value, 'OAuth Bearer Token file': origin.file } : value;
}

export function renderManualStep(step: ManualStep): string {
  const lines = [untrusted(step.title)];
  if (step.link) lines.push('  Open:', `    ${untrusted(step.link)}`);
  step.steps.forEach((s, i) => {
    const [first, ...rest] = s.split('\n').map(untrusted);
    lines.push(`  ${i + 1}. ${first}`, ...rest.map((r) => `     ${r}`));
  });
  return lines.join('\n');
}

/** The checklist's settings as Okta shows them now, from the app's features: what is done, what is left. */
export function provisioningChecklistState(features: string[]): { done: boolean; line: string } {
  const items: Array<[string, boolean]> = [
    ['API integration', features.length > 0],
    ['Create Users', features.includes('PUSH_NEW_USERS')],
    ['Deactivate Users', features.includes('PUSH_USER_DEACTIVATION')],
    ['Update User Attributes off', !features.includes('PUSH_PROFILE_UPDATES')],
  ];
  return { done: items.every(([, ok]) => ok), line: items.map(([name, ok]) => `${name} ${ok ? '✓' : '✗'}`).join(', ') };
}

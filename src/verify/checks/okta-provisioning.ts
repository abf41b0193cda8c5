import { visibilityDrift } from '../../plan/types.js';
import { provisioningOn } from '../../plan/types.js';
import type { Check, Evidence } from '../types.js';
import { defineCheck } from './define.js';

/** The evidence the check reads: its rule sees these fields and no others. */
const READS = ['app', 'baseUrl'] as const;
type Reads = Pick<Evidence, (typeof READS)[number]>;

export const oktaProvisioningCheck = defineCheck({
  id: 'okta-provisioning',
  reads: READS,
  run: oktaProvisioning,
});

function oktaProvisioning(e: Reads): Check {
  const app = e.app;
  if (!app)
    return { id: 'okta-provisioning', status: 'fail', summary: 'the Okta app was not found', evidence: [], fix: 'Run `npx scim-setup okta` to create it.' };
  const problems: string[] = [];
  if (app.status !== 'ACTIVE') problems.push(`the app is ${app.status}`);
  if (!provisioningOn(app.features)) problems.push(`provisioning is not on (features: ${app.features.join(', ') || 'none'})`);
  if (app.features.includes('PUSH_PROFILE_UPDATES')) problems.push('Update User Attributes is on; Cloudflare does not support it');
  problems.push(...visibilityDrift(app.visibility));
  const { expected, okta } = e.baseUrl;
  if (okta !== null && okta.replace(/\/+$/, '') !== expected) problems.push(`its Base URL is ${okta}; this account's is ${expected}`);
  const evidence = [
    `app ${app.id} "${app.label}": status ${app.status}, features ${app.features.join(', ') || 'none'}`,
    okta === null
      ? `Base URL: not readable through Okta's API for this app; okta-log and cloudflare-audit show whether Okta reaches ${expected}`
      : `Base URL: ${okta}`,
  ];
  if (problems.length === 0)
    return {
      id: 'okta-provisioning',
      status: 'pass',
      summary: `Okta has provisioning on with Create Users and Deactivate Users, without Update User Attributes; the app is active and hidden${okta === null ? '' : "; its Base URL is this account's"}`,
      evidence,
    };
  return {
    id: 'okta-provisioning',
    status: 'fail',
    summary: `Okta's app is not set up as the guide asks: ${problems.join('; ')}`,
    evidence,
    fix: "Run `npx scim-setup okta`, or fix it on the app's General and Provisioning tabs.",
  };
}

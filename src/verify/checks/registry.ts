import { cloudflareAuditCheck } from './cloudflare-audit.js';
import type { RegisteredCheck } from './define.js';
import { membersCheck } from './members.js';
import { oktaLogCheck } from './okta-log.js';
import { oktaProvisioningCheck } from './okta-provisioning.js';
import { pushedGroupsCheck } from './pushed-groups.js';
import { rolesCheck } from './roles.js';
import { scimTokenLifeCheck } from './scim-token-life.js';
import { scimTokenCheck } from './scim-token.js';
import { warningsCheck } from './warnings.js';

/** Every check, in the order a report lists them: adding a check is a file and a line here. */
export const CHECKS: readonly RegisteredCheck[] = [
  scimTokenCheck,
  scimTokenLifeCheck,
  oktaProvisioningCheck,
  pushedGroupsCheck,
  rolesCheck,
  membersCheck,
  oktaLogCheck,
  cloudflareAuditCheck,
  warningsCheck,
];

/**
 * The two clients, their SDKs and the read token's account proof, as one module a session loads
 * once its inputs are valid: an input error is said without loading them.
 */
export { OktaClient } from '../okta/client.js';
export { CloudflareClient } from '../cloudflare/client.js';
export { refuseOtherAccountToken } from '../cloudflare/account-tokens.js';

import { describe, expect, it } from 'vitest';
import { nearMissNote, optionalNearMisses } from '../../src/lib/inputs.js';

// #34 item 17: an input given under another tool's name is named (never its value), not silently missed.
describe('inputs under other names', () => {
  it('a missing input names the near-miss variables that are set, and only those', () => {
    expect(nearMissNote('oktaToken', { OKTA_CLIENT_TOKEN: 'secret-value' })).toBe(' (OKTA_CLIENT_TOKEN is set: scim-setup reads OKTA_API_TOKEN)');
    expect(nearMissNote('oktaToken', { OKTA_CLIENT_TOKEN: 'secret-value' })).not.toContain('secret-value');
    expect(nearMissNote('orgUrl', {})).toBe('');
  });

  it("wrangler's CLOUDFLARE_API_KEY is said to be the Global API Key, which scim-setup never uses; nothing is said once an API token is given", () => {
    expect(optionalNearMisses({ CLOUDFLARE_API_KEY: 'k' }, false)).toEqual([expect.stringContaining('CLOUDFLARE_API_KEY is set: that is the Global API Key')]);
    expect(optionalNearMisses({ CF_API_TOKEN: 't' }, false)).toEqual(['CF_API_TOKEN is set: scim-setup reads CLOUDFLARE_API_TOKEN.']);
    expect(optionalNearMisses({ CLOUDFLARE_API_KEY: 'k', CF_API_TOKEN: 't' }, true)).toEqual([]);
  });
});

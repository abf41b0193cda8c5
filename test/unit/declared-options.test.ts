import { describe, expect, it } from 'vitest';
import { declareOkta, type OktaOptions } from '../../src/commands/okta/declaration.js';
import { declareVerify, type VerifyOptions } from '../../src/commands/verify/declaration.js';
import { inputFlagsOf } from '../../src/commands/session.js';

// #23 item 3: each command's options are inferred from its declaration. `npm run check` type-checks
// this file: each @ts-expect-error below must be an error, or the check fails.
describe('options inferred from their declarations', () => {
  it('a flag is read under the name it is declared with; a misspelt one does not compile', () => {
    const okta = declareOkta().exitOverride().parse(['--reveal-token', '--push-group', 'A', '--push-group', 'B', '--no-verify'], { from: 'user' }).opts();
    expect(okta.revealToken).toBe(true);
    expect(okta.pushGroup).toEqual(['A', 'B']);
    expect(okta.verify).toBe(false);
    const options: OktaOptions = okta;
    // @ts-expect-error: okta has --reveal-token, not --reveal-tokens
    expect(options.revealTokens).toBeUndefined();
    const verify: VerifyOptions = declareVerify().exitOverride().parse(['--since', '2h'], { from: 'user' }).opts();
    expect(verify.since).toBe('2h');
    // @ts-expect-error: verify provisions nothing, so it has no --assign-group
    expect(verify.assignGroup).toBeUndefined();
  });

  it('the flags lib/ reads are taken from the options by name, each of them', () => {
    const okta = declareOkta().exitOverride().parse(['--org-url', 'https://a.okta.com', '--settle', '5s'], { from: 'user' }).opts();
    const flags = inputFlagsOf(okta);
    expect(flags).toMatchObject({ orgUrl: 'https://a.okta.com', settle: '5s', assignGroup: undefined });
    // Every key lib/inputs.ts reads is there, declared by the command or undefined.
    expect(Object.keys(flags).sort()).toEqual(
      [
        'accountId',
        'apiBaseUrl',
        'appLabel',
        'assignGroup',
        'assignUser',
        'maxWait',
        'oktaClientId',
        'oktaKeyId',
        'oktaRateShare',
        'orgUrl',
        'pushGroup',
        'requestTimeout',
        'role',
        'scimTokenAllowCidr',
        'scimTokenTtl',
        'settle',
        'wait',
      ].sort(),
    );
  });
});

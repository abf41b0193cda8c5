import { describe, expect, it } from 'vitest';
import { diagnoseRefusal, gatewayRefusal, mayBeUnknownToken } from '../../src/cloudflare/gateway-errors.js';
import { ExitCode } from '../../src/lib/errors.js';

/** #21 fact 16: Cloudflare's refusals told apart by their codes (public reports of real answers; changelog 2026-08-21). */
const context = {
  env: 'CLOUDFLARE_SCIM_TOKEN',
  permission: '"SCIM Provisioning: Edit"',
  accountId: 'a'.repeat(32),
  where: '/accounts/<account>/scim/v2/Users',
  detail: 'x',
};
const envelope = (...errors: unknown[]) => ({ success: false, errors, messages: [], result: null });

describe('gatewayRefusal', () => {
  it('reads codes from errors and their chains, and only a documentation link on developers.cloudflare.com', () => {
    expect(gatewayRefusal(envelope({ code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111 }] })).codes).toEqual([6003, 6111]);
    expect(gatewayRefusal(envelope({ code: 10000, documentation_url: 'https://developers.cloudflare.com/api/resources/x/methods/get' })).documentationUrl).toBe(
      'https://developers.cloudflare.com/api/resources/x/methods/get',
    );
    expect(gatewayRefusal(envelope({ code: 10000, documentation_url: 'https://evil.example/phish' })).documentationUrl).toBeUndefined();
    expect(gatewayRefusal({ detail: 'SCIM shape' }).codes).toEqual([]);
    expect(gatewayRefusal('not json').codes).toEqual([]);
  });
});

describe('diagnoseRefusal', () => {
  const cases: Array<[string, number, unknown, boolean | undefined, RegExp | undefined, 401 | 403 | undefined]> = [
    [
      'a malformed header: a stray character',
      400,
      envelope({ code: 6003, error_chain: [{ code: 6111 }] }),
      undefined,
      /could not read the token .* as a bearer token/,
      401,
    ],
    [
      'an unknown token (verify refuses it)',
      403,
      envelope({ code: 10000, message: 'Authentication error' }),
      false,
      /does not know the token .*wrong, revoked or expired/,
      401,
    ],
    ['a 401 with no verdict', 401, envelope({ code: 1000 }), undefined, /does not know the token/, 401],
    ['a known token without the permission', 403, envelope({ code: 10000, message: 'Forbidden' }), true, /valid and active, but may not do this/, 403],
    ['another account', 403, envelope({ code: 9109 }), true, /belongs to another account/, 403],
    ['any other 400 is not about the token', 400, envelope({ code: 1004 }), undefined, undefined, undefined],
  ];
  it.each(cases)('%s', (_name, status, body, live, message, authStatus) => {
    const refusal = gatewayRefusal(body);
    const e = diagnoseRefusal(status, refusal, live, context);
    if (!message) return expect(e).toBeUndefined();
    expect(e?.message).toMatch(message);
    expect(e?.exitCode).toBe(ExitCode.auth);
    expect(e?.status).toBe(authStatus);
  });

  it('asks /tokens/verify only where the refusal may be the token itself', () => {
    expect(mayBeUnknownToken(403, gatewayRefusal(envelope({ code: 10000 })))).toBe(true);
    expect(mayBeUnknownToken(401, gatewayRefusal(envelope({ code: 1000 })))).toBe(true);
    expect(mayBeUnknownToken(403, gatewayRefusal(envelope({ code: 9109 })))).toBe(false);
    expect(mayBeUnknownToken(400, gatewayRefusal(envelope({ code: 6003 })))).toBe(false);
  });
});

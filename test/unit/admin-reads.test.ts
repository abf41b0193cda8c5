import { describe, expect, it } from 'vitest';
import { readGuidedSteps, readJsonSteps } from '../../src/sandbox/admin.js';
import { provisioningGuidedStep, renderManualStep, tokenGuidedStep } from '../../src/plan/guided-step.js';
import { foldLines } from '../../src/lib/terminal-text.js';

// The emulated admin reads a guided step as a person does: from the text the run prints. Each way the token can be
// shown is read for what it lets a person paste: a value, a file, or a mask they can match only with a value they hold.

const ORG = 'https://acme.okta.com';
const APP = '0oa1appid';
const BASE = 'https://api.cloudflare.com/client/v4/accounts/0123456789abcdef0123456789abcdef/scim/v2';
const TOKEN = 'cfat_abcdefghijklmnopqrstuvwxyz0123456789AB';

describe("the admin's reading of a guided step", () => {
  it.each([
    ["shown at the person's request", provisioningGuidedStep(ORG, APP, BASE, TOKEN, true, 'made'), { value: TOKEN }],
    ['in a file', provisioningGuidedStep(ORG, APP, BASE, TOKEN, false, { file: '/tmp/x/scim-token' }), { file: '/tmp/x/scim-token' }],
    [
      'the value of a variable the person set',
      provisioningGuidedStep(ORG, APP, BASE, TOKEN, false, { env: 'CLOUDFLARE_SCIM_TOKEN' }),
      { masked: 'cfat************************89AB' },
    ],
    ['made and shown nowhere', provisioningGuidedStep(ORG, APP, BASE, TOKEN, false, 'made'), { masked: 'cfat************************89AB' }],
  ])('%s', (_name, step, token) => {
    const text = `✓ something before\n\n${renderManualStep(step)}\n\nWaiting for an admin`;
    expect(readGuidedSteps(text)).toEqual([{ appId: APP, baseUrl: BASE, token }]);
    // Folded at 60 columns on a narrow terminal, with a fleet's heading on each line and colour: read the same.
    const narrow = foldLines(text, 60).replace(/^(?=.)/gm, '\u001b[1m[prod]\u001b[22m ');
    expect(readGuidedSteps(narrow)).toEqual([{ appId: APP, baseUrl: BASE, token }]);
  });

  it.each(['cfat_abcdefghijklmnopqrstuvwxyz01234567l5x-', 'cfat_abcdefghijklmnopqrstuvwxyz01234567l5x_'])(
    'a mask that ends in a character that is not a letter (%s: base64url ends so one time in 32) is read whole',
    (token) => {
      const text = renderManualStep(provisioningGuidedStep(ORG, APP, BASE, token, false, { env: 'CLOUDFLARE_SCIM_TOKEN' }));
      expect(readGuidedSteps(text)).toEqual([{ appId: APP, baseUrl: BASE, token: { masked: `cfat${'*'.repeat(24)}${token.slice(-4)}` } }]);
    },
  );

  it("the rotation's step asks for the token field alone", () => {
    expect(readGuidedSteps(renderManualStep(tokenGuidedStep(ORG, APP, TOKEN, true, 'made')))).toEqual([{ appId: APP, token: { value: TOKEN } }]);
  });

  it('a --json document gives the same through manualSteps[].values, in a fleet too', () => {
    const step = provisioningGuidedStep(ORG, APP, BASE, TOKEN, false, { file: '/tmp/t' });
    const doc = JSON.stringify({ command: 'okta', accounts: [{ name: 'prod', manualSteps: [step] }] }, null, 2);
    expect(readJsonSteps(doc)).toEqual([{ appId: APP, baseUrl: BASE, token: { file: '/tmp/t' } }]);
    expect(readJsonSteps('not json')).toEqual([]);
  });
});

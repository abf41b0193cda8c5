import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/lib/config-file.js';

const parse = (text: string | Uint8Array) => parseConfigText(typeof text === 'string' ? Buffer.from(text) : text, 'cfg.yaml');

describe('config files: JSON or YAML, strict', () => {
  it.each([
    ['{"okta":{"orgUrl":"https://a.okta.com"},"assignGroups":["A"]}', { okta: { orgUrl: 'https://a.okta.com' }, assignGroups: ['A'] }],
    ['okta:\n  orgUrl: https://a.okta.com\npushGroups: [B]\n', { okta: { orgUrl: 'https://a.okta.com' }, pushGroups: ['B'] }],
    ['', {}],
  ])('parses %j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it.each([
    ['{"okta": {"orgUrl": "a", "orgUrl": "b"}}', 'Map keys must be unique'],
    ['{"__proto__": {"x": 1}}', 'key "__proto__" is not allowed'],
    ['okta: [1, 2]', 'key "okta" must be a mapping'],
    ['assignGroups: Engineering', 'key "assignGroups" must be a list of strings'],
    ['assignGroups: [1]', 'item 1 of "assignGroups" must be a string'],
    ['cloudflare:\n  accountId: 12\n', 'key "cloudflare.accountId" must be a string'],
    ['a: &x [1]\nassignGroups: *x\n', 'unknown key "a"'],
    ['assignGroups: &x [A]\npushGroups: *x\n', 'uses a YAML alias'],
    ['{"okta": ', 'is not valid JSON or YAML'],
    // A syntax error is placed as a key error is, at its line and column (#34 item 20).
    ['okta:\n  orgUrl: x\n   bad: [\n', 'is not valid JSON or YAML (line 2, column 11): Nested mappings'],
  ])('refuses %j', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  // #24 items 21, 22: every problem at once, each at its line and column, a typo with its did-you-mean.
  it('reports every problem of a file at once, each at its line and column, with a did-you-mean for a mistyped key', () => {
    const text = 'okta:\n  orgURL: https://a.okta.com\nasignGroups: [A]\npushGroups: [B]\ncloudflare:\n  accountId: 12\n';
    let message = '';
    try {
      parse(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Config file cfg.yaml has 3 problems:',
      '  - line 2, column 3: unknown key "okta.orgURL"; did you mean "orgUrl"? Known keys under "okta": orgUrl, appLabel, clientId, keyId, scopes, rateShare.',
      '  - line 3, column 1: unknown key "asignGroups"; did you mean "assignGroups"? Known keys: okta, cloudflare, assignGroups, pushGroups, assignUsers, wait, report, accounts.',
      '  - line 6, column 14: key "cloudflare.accountId" must be a string. Quote the value of "cloudflare.accountId".',
    ]);
  });

  it('one problem is said on one line, with its place', () => {
    expect(() => parse('pushGroups:\n  - roles: [Administrator]\n')).toThrow('Config file cfg.yaml, line 2, column 5: item 1 of "pushGroups" needs a "name".');
  });

  it('refuses a binary file', () => {
    expect(() => parse(new Uint8Array([0x7b, 0, 0x7d]))).toThrow('is binary');
  });
});

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderChecks } from '../../src/verify/render.js';
import type { Check } from '../../src/verify/types.js';

/** #24 item 2: the verification table as narrow and wide terminals show it. */
const plain = new Chalk({ level: 0 });
const checks: Check[] = [
  {
    id: 'members',
    status: 'fail',
    summary: '3 assigned users were assigned before provisioning was on: Okta does not provision them by itself',
    evidence: ['never provisioned (ACTIVE, sync DISABLED, no external id): ada@example.com, bob@example.com'],
    fix: 'Select Provision User on the Assignments tab: https://acme-admin.okta.com/admin/app/scim2testapp/instance/0oa1234567890abcdef/#tab-assignments',
  },
  { id: 'okta-log', status: 'pass', summary: "Okta's System Log shows no provisioning failure", evidence: [] },
];
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('renderChecks', () => {
  it('at 40 columns, stacks each check: status and id on a line, the text under them, folded at spaces', () => {
    const text = renderChecks(checks, plain, 40);
    const lines = text.split('\n');
    expect(lines[0]).toBe('  FAIL    members');
    expect(lines[1]).toBe('    3 assigned users were assigned');
    // Only a token longer than a line (the link) may pass the width: whole, on its own line, to copy.
    expect(text.split('\n').filter((l) => l.length > 40)).toEqual([
      '    https://acme-admin.okta.com/admin/app/scim2testapp/instance/0oa1234567890abcdef/#tab-assignments',
    ]);
    expect(lines.slice(0, lines.indexOf('')).every((l) => l.startsWith('  '))).toBe(true);
    expect(lines[lines.indexOf('') + 1]).toMatch(/^Checks: 1 passed, 1 failed/);
  });

  it('at 80 columns, continuation lines go under their own column', () => {
    const lines = renderChecks(checks, plain, 80).split('\n');
    const column = lines[0].indexOf('3 assigned');
    expect(column).toBe('  FAIL    members   '.length);
    expect(lines[1].slice(0, column).trim()).toBe('');
    expect(lines[1].slice(column)).toMatch(/^\S/);
    expect(widest(lines.filter((l) => !l.includes('https://')).join('\n'))).toBeLessThanOrEqual(80);
  });

  it('without a width (a pipe, a file) keeps each line whole', () => {
    const lines = renderChecks(checks, plain).split('\n');
    expect(lines[0]).toContain('by itself');
    expect(lines).toHaveLength(6);
  });
});

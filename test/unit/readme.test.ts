import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

// #34 item 29: the README is a front door, in a newcomer's order; the manual is in docs/.
describe('the README', () => {
  it('holds what a newcomer needs, in their order, within 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    const headings = readme.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Quick start',
      '## Rehearse it in the sandbox',
      '## Real use',
      '## CI',
      '## After day one',
      '## The manual',
      '## Development',
    ]);
  });

  it('quick start is the two commands CI and a newcomer run: install and demo, then the tests', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\s/m);
  });

  it('every docs page it names exists', () => {
    const named = [...readme.matchAll(/`(docs\/[\w-]+\.md)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * docs/json.md is checked against the types the commands build their documents with: each table's
 * fields are exactly the properties of its interfaces (read with the TypeScript compiler), so that
 * a field typed and not described, or described and not typed, fails here, whatever run the
 * contract test (test/e2e/json-contract.test.ts) happens to make.
 */
const ROOT = join(import.meta.dirname, '..', '..');

/** Every interface of these files, with its own properties and those of the interfaces it extends (in any of them). */
function interfaces(...files: string[]): Map<string, string[]> {
  const own = new Map<string, { props: string[]; bases: string[] }>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const props = node.members.flatMap((m) => (m.name && ts.isIdentifier(m.name) ? [m.name.text] : []));
      const bases = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(source)));
      own.set(node.name.text, { props, bases });
    });
  }
  const all = (name: string): string[] => {
    const entry = own.get(name);
    return entry ? [...entry.props, ...entry.bases.flatMap(all)] : [];
  };
  return new Map([...own.keys()].map((name) => [name, all(name)]));
}

/** The fields each section of docs/json.md lists. */
function documented(): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of readFileSync(join(ROOT, 'docs', 'json.md'), 'utf8').split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) current = heading[1];
    const row = /^\| `(\w+)` \|/.exec(line);
    if (row && current) sections.set(current, [...(sections.get(current) ?? []), row[1]]);
  }
  return sections;
}

describe('docs/json.md and the document types say the same fields', () => {
  // Each command's document types are in its home, on the shared ones.
  const commands = interfaces(
    'src/commands/documents.ts',
    ...['okta', 'verify', 'migrate', 'rotate-token', 'destroy'].map((name) => `src/commands/${name}/document.ts`),
  );
  const base = interfaces('src/lib/json-document.ts');
  const report = interfaces('src/commands/report/document.ts');
  const docs = documented();
  const fields = (...lists: Array<string[] | undefined>) => [...new Set(lists.flatMap((l) => l ?? []))].sort();

  it.each([
    ['Every document', fields(base.get('JsonDocument'))],
    ['okta', fields(commands.get('OktaFields'), commands.get('OktaOutcomeFields'))],
    ['verify', fields(commands.get('VerifyFields'))],
    ['migrate', fields(commands.get('MigrateFields'), commands.get('MigrateOutcomeFields'))],
    ['rotate-token', fields(commands.get('RotateFields'), commands.get('RotateOutcomeFields'))],
    ['destroy', fields(commands.get('DestroyFields'))],
    ['report', fields(report.get('AccessReport'))],
    ['fleet', fields(commands.get('FleetFields'))],
  ])('%s', (section, typed) => {
    expect(typed.length).toBeGreaterThan(1);
    expect(fields(docs.get(section))).toEqual(typed);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOUDFLARE_BODIES, CLOUDFLARE_BODIES_BEYOND_SPEC } from '../../src/sandbox/cloudflare/bodies.js';
import { OKTA_BODIES } from '../../src/sandbox/okta/bodies.js';

type Schema = {
  $ref?: string;
  properties?: Record<string, unknown>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  items?: Schema;
  type?: string;
  discriminator?: { mapping?: Record<string, string> };
  /** A request body's media types (the body itself may be a $ref to one). */
  content?: Record<string, { schema?: Schema }>;
};
type Spec = { paths: Record<string, Record<string, { requestBody?: Schema }>> };

function load(file: string): Spec {
  return JSON.parse(readFileSync(new URL(`./specs/${file}`, import.meta.url), 'utf8'));
}

/** The fields a request body may have: its schema's properties, with those of every part and subtype (an array body: its items'). */
function bodyFields(spec: Spec, operation: string): Set<string> | undefined {
  const [method, path] = operation.split(' ');
  const resolve = (s: Schema | undefined): Schema | undefined =>
    s?.$ref
      ? resolve(
          s.$ref
            .split('/')
            .slice(1)
            .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], spec) as Schema,
        )
      : s;
  const fields = (s: Schema | undefined, depth = 0): string[] => {
    const r = resolve(s);
    if (!r || depth > 8) return [];
    if (r.type === 'array') return fields(r.items, depth + 1);
    return [
      ...Object.keys(r.properties ?? {}),
      ...[...(r.allOf ?? []), ...(r.oneOf ?? []), ...(r.anyOf ?? [])].flatMap((p) => fields(p, depth + 1)),
      ...Object.values(r.discriminator?.mapping ?? {}).flatMap((ref) => fields({ $ref: ref }, depth + 1)),
    ];
  };
  const body = resolve(spec.paths[path]?.[method.toLowerCase()]?.requestBody);
  const content = body?.content;
  if (!content) return undefined;
  return new Set(fields((content['application/json'] ?? Object.values(content)[0])?.schema));
}

describe("the bodies the sandbox reads are the specs' (#23 item 7)", () => {
  const cases = [
    ['Okta', load('okta.json'), OKTA_BODIES],
    ['Cloudflare', load('cloudflare.json'), CLOUDFLARE_BODIES],
  ] as const;
  for (const [service, spec, bodies] of cases)
    it(`${service}: every field a route reads is in its operation's request schema`, () => {
      for (const [operation, read] of Object.entries(bodies)) {
        const known = bodyFields(spec, operation);
        const fields: readonly string[] = read;
        expect(known, `${operation}: the spec gives it no request body`).toBeDefined();
        expect(
          fields.filter((field) => !known?.has(field)),
          `${operation}: read but not in the spec`,
        ).toEqual([]);
      }
    });

  it('Cloudflare: a body said to be beyond the spec subset is not in it (else it belongs in the table the spec holds)', () => {
    const spec = load('cloudflare.json');
    for (const operation of Object.keys(CLOUDFLARE_BODIES_BEYOND_SPEC)) expect(bodyFields(spec, operation), operation).toBeUndefined();
  });

  it('the check discriminates: a field the spec does not give is caught', () => {
    expect(bodyFields(load('okta.json'), 'POST /api/v1/apps/{appId}/group-push/mappings')?.has('targetGroupName')).toBe(true);
    expect(bodyFields(load('okta.json'), 'POST /api/v1/apps/{appId}/group-push/mappings')?.has('targetGroupLabel')).toBe(false);
    expect(bodyFields(load('okta.json'), 'POST /api/v1/apps')?.has('settings')).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const here = dirname(fileURLToPath(import.meta.url));

interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
}

/**
 * OpenAPI's discriminator (without oneOf) is not JSON Schema; the subtype is validated explicitly
 * instead. Schemas named in `anyOf` have a oneOf whose branches overlap by construction (every
 * valid answer matches both): a defect of the spec, read as anyOf.
 */
function prepare(node: unknown, anyOf: Set<string>, name = ''): unknown {
  if (Array.isArray(node)) return node.map((n) => prepare(n, anyOf));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'discriminator') continue;
      out[k === 'oneOf' && anyOf.has(name) ? 'anyOf' : k] = prepare(v, anyOf, k);
    }
    if ('schemas' in out && out.schemas && typeof out.schemas === 'object' && !Array.isArray(out.schemas)) {
      out.schemas = Object.fromEntries(
        Object.entries(node as Record<string, Record<string, unknown>>)
          .filter(([k]) => k === 'schemas')
          .flatMap(([, v]) => Object.entries(v).map(([n, schema]) => [n, prepare(schema, anyOf, n)])),
      );
    }
    return out;
  }
  return node;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const shape = (template: string) => template.replace(/\{[^}]+\}/g, '{}');

/** Holds the emulator's answers against the operations and schemas of an official spec. */
export class SpecValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly spec: Spec;
  private readonly byShape = new Map<string, string>();

  constructor(
    file: string,
    private readonly id: string,
    private readonly prefix = '',
    overlappingOneOf: string[] = [],
  ) {
    addFormats(this.ajv);
    this.spec = prepare(JSON.parse(readFileSync(join(here, 'specs', file), 'utf8')), new Set(overlappingOneOf)) as Spec;
    this.ajv.addSchema({ $id: id, ...(this.spec as object) });
    for (const template of Object.keys(this.spec.paths)) this.byShape.set(shape(template), template);
  }

  operations(): string[] {
    return Object.entries(this.spec.paths).flatMap(([template, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${shape(template)}`),
    );
  }

  key(method: string, template: string): string {
    return `${method} ${shape(template.slice(this.prefix.length))}`;
  }

  /** Errors of one response against its operation, or a reason it cannot be checked. */
  check(method: string, template: string, status: number, body: unknown, schemaName?: string): string[] {
    const specTemplate = this.byShape.get(shape(template.slice(this.prefix.length)));
    if (!specTemplate) return [`${method} ${template} is not in the spec`];
    const op = this.spec.paths[specTemplate][method.toLowerCase()];
    if (!op) return [`${method} ${specTemplate} is not in the spec`];
    if (status === 204 || body === undefined) return [];
    const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => op.responses?.[c]);
    if (!code) return [`${method} ${specTemplate} has no response ${status} in the spec`];
    const content = op.responses![code].content ?? {};
    const type = Object.keys(content).find((t) => /json/.test(t));
    if (!type || !content[type].schema) return [];
    const ref = schemaName
      ? `${this.id}#/components/schemas/${schemaName}`
      : `${this.id}#/${pointer('paths', specTemplate, method.toLowerCase(), 'responses', code, 'content', type, 'schema')}`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e: ErrorObject) => `${method} ${specTemplate} ${status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

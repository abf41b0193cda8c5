/**
 * The filter expressions both services take: `attr op "value"` clauses (eq, ne, sw, co, gt, ge,
 * lt, le, pr) joined by `and` (binds tighter) and `or`. Parentheses are not needed by the endpoints
 * emulated here and are refused, as an unsupported filter would be.
 */
export type Predicate = (item: unknown) => boolean;

export class FilterSyntaxError extends Error {}

const CLAUSE = /^\s*([A-Za-z_][\w.]*)\s+(eq|ne|sw|co|gt|ge|lt|le|pr)(?:\s+("(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?))?\s*/i;

/** A quoted literal as JSON reads it; one with raw control characters is a syntax error (a 400), as at the real services. */
function literalValue(literal: string): unknown {
  try {
    return JSON.parse(literal);
  } catch {
    throw new FilterSyntaxError(`Invalid string in filter: ${JSON.stringify(literal.slice(0, 40))}`);
  }
}

/** `caseInsensitive`: attributes compared without case (SCIM's userName and displayName: RFC 7643 §4.1.1, §4.2, caseExact false). */
export function parseFilter(expression: string, allowedAttributes?: string[], caseInsensitive: string[] = []): Predicate {
  const orParts: Predicate[][] = [[]];
  let rest = expression;
  while (rest.trim().length > 0) {
    const m = CLAUSE.exec(rest);
    if (!m) throw new FilterSyntaxError(`Invalid filter at: ${rest.trim().slice(0, 40)}`);
    const [, attr, opRaw, literal] = m;
    const op = opRaw.toLowerCase();
    if (allowedAttributes && !allowedAttributes.includes(attr)) throw new FilterSyntaxError(`Unsupported filter attribute: ${attr}`);
    if (op !== 'pr' && literal === undefined) throw new FilterSyntaxError(`Missing value for ${attr} ${op}`);
    orParts[orParts.length - 1].push(clause(attr, op, literal === undefined ? undefined : literalValue(literal), caseInsensitive.includes(attr)));
    rest = rest.slice(m[0].length);
    const joiner = /^(and|or)\s+/i.exec(rest);
    if (joiner) {
      if (joiner[1].toLowerCase() === 'or') orParts.push([]);
      rest = rest.slice(joiner[0].length);
    } else if (rest.trim().length > 0) {
      throw new FilterSyntaxError(`Invalid filter at: ${rest.trim().slice(0, 40)}`);
    }
  }
  return (item) => orParts.some((ands) => ands.length > 0 && ands.every((p) => p(item)));
}

function clause(attr: string, op: string, value: unknown, ignoreCase: boolean): Predicate {
  const fold = (v: unknown) => (ignoreCase && typeof v === 'string' ? v.toLowerCase() : v);
  return (item) => {
    return valuesAt(item, attr.split('.')).some((v) => compare(fold(v), op, fold(value)));
  };
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  switch (op) {
    case 'pr':
      return actual !== undefined && actual !== null;
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'sw':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'co':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    default: {
      if (typeof actual !== typeof expected || actual === null || actual === undefined) return false;
      const a = actual as string | number;
      const e = expected as string | number;
      return op === 'gt' ? a > e : op === 'ge' ? a >= e : op === 'lt' ? a < e : a <= e;
    }
  }
}

/** Values at a dotted path, through arrays: `target.id` on a log event is every target's id. */
function valuesAt(item: unknown, keys: string[]): unknown[] {
  if (Array.isArray(item)) return item.flatMap((x) => valuesAt(x, keys));
  if (keys.length === 0) return [item];
  if (!item || typeof item !== 'object') return [undefined];
  return valuesAt((item as Record<string, unknown>)[keys[0]], keys.slice(1));
}

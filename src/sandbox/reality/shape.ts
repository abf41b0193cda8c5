/**
 * Shapes of HTTP answers, without their values: which status, media type and header names an
 * operation answers with, and which JSON key paths, of which types, its body has. Recorded real
 * traffic and the emulators' answers are reduced to the same shape and compared; that is how the
 * sandbox is held to the real services (the reality test, `sandbox --compare`).
 */
import { parseJsonOrUndefined } from '../../lib/json.js';

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export interface PathShape {
  types: JsonType[];
  /** Samples in which the path is present. */
  seen: number;
}

export interface OperationShape {
  samples: number;
  status: number[];
  mediaTypes: string[];
  /** Header names, lower case; each with the number of samples that carry it. */
  headers: Record<string, number>;
  /** JSON key paths: `a.b`, `[]` for array items, `*` for keys that are data (app link names). */
  paths: Record<string, PathShape>;
  /** Per path (`` for the body), the samples in which it is a non-empty object or array: where a child could be. */
  containers: Record<string, number>;
}

/** One request and its answer, as recorded or as replayed. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: string;
}

/** Objects whose keys are data, not schema: their members share one wildcard path. */
const DATA_KEYED = [
  /^(\[\]\.)?visibility\.appLinks$/,
  /^(\[\]\.)?settings\.app$/,
  /^(\[\]\.)?debugContext\.debugData$/,
  /^(\[\]\.)?_embedded\.user\.profile$/,
  /^(\[\]\.)?profile$/,
];

/** Headers that say nothing of the API: transport, and those a recorder strips (X-*). */
const TRANSPORT_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'vary',
  'server',
  'strict-transport-security',
  'cache-control',
  'expires',
  'pragma',
  'set-cookie',
  'content-security-policy',
  'p3p',
  'report-to',
  'nel',
  'etag',
]);

export function isComparableHeader(name: string): boolean {
  const n = name.toLowerCase();
  return !n.startsWith('x-') && !TRANSPORT_HEADERS.has(n);
}

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

function join(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Key paths of one JSON value with their types, and the paths that are non-empty containers. */
export function pathsOf(value: unknown): { types: Map<string, Set<JsonType>>; containers: Set<string> } {
  const types = new Map<string, Set<JsonType>>();
  const containers = new Set<string>();
  const visit = (v: unknown, path: string) => {
    const t = typeOf(v);
    if (path !== '') {
      const seen = types.get(path) ?? new Set();
      types.set(path, seen);
      seen.add(t);
    }
    if (t === 'array') {
      const items = v as unknown[];
      if (items.length > 0) containers.add(path);
      for (const item of items) visit(item, path === '' ? '[]' : `${path}[]`);
    } else if (t === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length > 0) containers.add(path);
      const wildcard = DATA_KEYED.some((re) => re.test(path));
      for (const [key, child] of entries) visit(child, join(path, wildcard ? '*' : key));
    }
  };
  visit(value, '');
  return { types, containers };
}

export function parentOf(path: string): string {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

export function mediaTypeOf(headers: Record<string, string>): string {
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  return value ? value.split(';')[0].trim().toLowerCase() : '';
}

export function emptyShape(): OperationShape {
  return { samples: 0, status: [], mediaTypes: [], headers: {}, paths: {}, containers: {} };
}

/** Folds one answer into an operation's shape. */
export function addSample(shape: OperationShape, exchange: Pick<Exchange, 'status' | 'responseHeaders' | 'responseBody'>): OperationShape {
  const add = <T>(list: T[], value: T) => (list.includes(value) ? list : [...list, value].sort());
  const headers = { ...shape.headers };
  for (const name of Object.keys(exchange.responseHeaders)) {
    if (isComparableHeader(name)) headers[name.toLowerCase()] = (headers[name.toLowerCase()] ?? 0) + 1;
  }
  const paths: Record<string, PathShape> = Object.fromEntries(Object.entries(shape.paths).map(([k, v]) => [k, { ...v, types: [...v.types] }]));
  const containerCounts = { ...shape.containers };
  const body = parseJsonOrUndefined(exchange.responseBody);
  if (body !== undefined) {
    const { types, containers } = pathsOf(body);
    for (const [path, seenTypes] of types) {
      paths[path] ??= { types: [], seen: 0 };
      const known = paths[path];
      known.seen += 1;
      for (const t of seenTypes) known.types = add(known.types, t);
    }
    for (const path of containers) containerCounts[path] = (containerCounts[path] ?? 0) + 1;
  }
  return {
    samples: shape.samples + 1,
    status: add(shape.status, exchange.status),
    mediaTypes: add(shape.mediaTypes, mediaTypeOf(exchange.responseHeaders)),
    headers,
    paths,
    containers: containerCounts,
  };
}

export type DifferenceKind = 'status' | 'media-type' | 'header-missing' | 'header-extra' | 'missing' | 'extra' | 'type';

export interface Difference {
  operation: string;
  kind: DifferenceKind;
  /** The key path or header name, or the status / media type that differs. */
  subject: string;
  recorded: string;
  emulated: string;
}

/** An accepted difference, with the reason it stays. */
export interface Allowance {
  operation: string;
  kind: DifferenceKind;
  subject: string;
  reason: string;
}

/** Present wherever its parent was filled: every recording had it. */
function isRequired(shape: OperationShape, path: string): boolean {
  const of = shape.containers[parentOf(path)] ?? 0;
  return of > 0 && shape.paths[path].seen >= of;
}

/**
 * What the emulated shape does that the recorded one never showed, and what every recording
 * showed that the emulated one lacks. Paths under a parent the recordings never showed filled
 * (an empty list) cannot be judged and are left out.
 */
export function compareShapes(operation: string, recorded: OperationShape, emulated: OperationShape): Difference[] {
  const out: Difference[] = [];
  const diff = (kind: DifferenceKind, subject: string, r: string, e: string) => out.push({ operation, kind, subject, recorded: r, emulated: e });
  // A success status must be one recorded; an error status counts only where the recordings show the operation never failing.
  const recordedErrors = recorded.status.some((s) => s >= 400);
  for (const s of emulated.status)
    if (!recorded.status.includes(s) && (s < 400 || !recordedErrors)) diff('status', String(s), recorded.status.join(','), String(s));
  for (const m of emulated.mediaTypes)
    if (!recorded.mediaTypes.includes(m)) diff('media-type', m || '(none)', recorded.mediaTypes.map((x) => x || '(none)').join(','), m || '(none)');
  for (const [name, count] of Object.entries(recorded.headers))
    if (count === recorded.samples && !emulated.headers[name]) diff('header-missing', name, 'always', 'never');
  for (const name of Object.keys(emulated.headers)) if (!recorded.headers[name]) diff('header-extra', name, 'never', 'sent');
  // A path can be judged only where the recordings showed its parent filled (not an empty list).
  const judged = (path: string) => (recorded.containers[parentOf(path)] ?? 0) > 0;
  for (const [path, e] of Object.entries(emulated.paths)) {
    const r = recorded.paths[path];
    if (!r) {
      if (judged(path)) diff('extra', path, 'absent', e.types.join('|'));
      continue;
    }
    const unseen = e.types.filter((t) => !r.types.includes(t));
    if (unseen.length) diff('type', path, r.types.join('|'), e.types.join('|'));
  }
  for (const [path, r] of Object.entries(recorded.paths)) {
    if (!isRequired(recorded, path) || emulated.paths[path]) continue;
    // Only where the emulator filled the parent too: a missing member of an empty list is no difference.
    if ((emulated.containers[parentOf(path)] ?? 0) === 0) continue;
    diff('missing', path, r.types.join('|'), 'absent');
  }
  return out;
}

export function isAllowed(d: Difference, allowances: Allowance[]): boolean {
  return allowances.some((a) => a.operation === d.operation && a.kind === d.kind && a.subject === d.subject);
}

export function formatDifference(d: Difference): string {
  const what: Record<DifferenceKind, string> = {
    status: `status ${d.emulated} (recorded: ${d.recorded})`,
    'media-type': `media type ${d.emulated} (recorded: ${d.recorded})`,
    'header-missing': `header ${d.subject} missing (recorded in every answer)`,
    'header-extra': `header ${d.subject} sent (never recorded)`,
    missing: `${d.subject} missing (recorded: ${d.recorded})`,
    extra: `${d.subject} present (${d.emulated}), never recorded`,
    type: `${d.subject} is ${d.emulated} (recorded: ${d.recorded})`,
  };
  return `${d.operation}: ${what[d.kind]}`;
}

/** Collection segments whose next segment is an id or a name: the path template of an Okta or Cloudflare URL. */
const ID_AFTER: Record<string, string> = {
  apps: 'appId',
  groups: 'groupId',
  users: 'userId',
  mappings: 'mappingId',
  features: 'featureName',
  accounts: 'accountId',
  Users: 'scimUserId',
  Groups: 'scimGroupId',
  members: 'memberId',
  iam_user_groups: 'userGroupId',
  user_groups: 'userGroupId',
  tokens: 'tokenId',
};
const NOT_IDS = new Set(['lifecycle', 'connections', 'group-push', 'users', 'groups', 'features', 'mappings', 'scim', 'v2', 'iam', 'verify']);

export function templateOf(pathname: string): string {
  const segments = pathname.split('/');
  return segments
    .map((segment, i) => {
      const name = ID_AFTER[segments[i - 1]];
      return name && segment !== '' && !NOT_IDS.has(segment) ? `{${name}}` : segment;
    })
    .join('/');
}

export function operationOf(method: string, url: string): string {
  return `${method.toUpperCase()} ${templateOf(new URL(url).pathname)}`;
}

/** The pseudo-operation under which every error body is folded: Okta's errors share one shape. */
export const ERROR_OPERATION = 'ERROR';

/**
 * Folds one answer into the shapes of its operation: a success body into the operation's own
 * shape, an error body into ERROR (the operation keeps only the error's status).
 */
export function foldAnswer(
  shapes: Map<string, OperationShape>,
  operation: string,
  answer: Pick<Exchange, 'status' | 'responseHeaders' | 'responseBody'>,
): void {
  if (answer.status < 400) return void shapes.set(operation, addSample(shapes.get(operation) ?? emptyShape(), answer));
  shapes.set(ERROR_OPERATION, { ...addSample(shapes.get(ERROR_OPERATION) ?? emptyShape(), answer), status: [] });
  const own = shapes.get(operation) ?? emptyShape();
  if (!own.status.includes(answer.status)) shapes.set(operation, { ...own, status: [...own.status, answer.status].sort((a, b) => a - b) });
}

/** Shapes of many exchanges, one per operation. */
export function shapesOf(exchanges: Array<Pick<Exchange, 'method' | 'url' | 'status' | 'responseHeaders' | 'responseBody'>>): Map<string, OperationShape> {
  const shapes = new Map<string, OperationShape>();
  for (const x of exchanges) foldAnswer(shapes, operationOf(x.method, x.url), x);
  return shapes;
}

/** Every difference between two sets of shapes, over the operations both have. */
export function compareAll(recorded: Map<string, OperationShape>, emulated: Map<string, OperationShape>): Difference[] {
  return [...recorded].flatMap(([op, shape]) => {
    const replayed = emulated.get(op);
    return replayed ? compareShapes(op, shape, replayed) : [];
  });
}

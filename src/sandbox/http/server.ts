import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fieldsOf } from './body.js';
import { FaultInjector, type FaultRule } from './faults.js';
import type { RateDecision, RateLimiter } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import type { Router } from './router.js';
import { HttpFailure, type Principal, type Req, type Res, type Route } from './types.js';

/** What makes one emulator differ from the other: its auth, its error shapes, its headers. */
export interface EmulatorSpec {
  name: string;
  router: Router;
  /** Routes under /__sandbox/ beyond the common ones (state, faults, requests). */
  control: Router;
  /** `remoteAddress`: the client's, for a token's IP conditions. */
  authenticate(headers: IncomingMessage['headers'], path: string, remoteAddress: string): Principal;
  forbidden(route: Route, path: string): HttpFailure;
  notFound(path: string): Res;
  methodNotAllowed(path: string): Res;
  badRequest(path: string, message: string): Res;
  internalError(path: string, status: number): Res;
  rateLimited(path: string, decision: RateDecision): Res;
  rateHeaders(decision: RateDecision): Record<string, string>;
  /** Okta limits the whole org; Cloudflare limits each token. */
  rateKey(principal: Principal): string;
  rateLimiter: RateLimiter;
  state(): unknown;
  latencyMs: number;
  /** A further delay for each answer (sandbox timing: jitter). */
  jitter?: () => number;
  /** The service's clock, for its `Date` header (sandbox timing: skew). */
  clock?: () => number;
  /** Headers the service sends on every answer of its API (not the control API). */
  commonHeaders?: Record<string, string>;
  /** Serve https with this key and certificate (tests of custom CAs). */
  tls?: { key: string; cert: string };
  /** Pages under /admin/ a person opens from a guided step (Okta's Admin Console), outside the API. */
  pages?: Router;
}

/** One response as served, for contract tests that hold every answer against the spec. */
export interface Exchange {
  method: string;
  template: string;
  status: number;
  body: unknown;
  contentType?: string;
  /** The request as it came: its headers and body text (tests that hold the sandbox's own clients to a guide). */
  request: { headers: Record<string, string | string[] | undefined>; body: string };
  /** The request's URL, and the answer as it went on the wire (headers lower-cased, body text). */
  url: string;
  headers: Record<string, string>;
  payload: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  faults: FaultInjector;
  requests: RequestLog;
  /** Observers of every response the service routes give (not the control API). */
  taps: Array<(exchange: Exchange) => void>;
  /** Change the added latency while running (benchmarks set up fast, then measure with latency). */
  setLatency(ms: number): void;
  /** Requests being answered now: a test that moves the sandbox's clock waits for none. */
  answering(): number;
  close(): Promise<void>;
}

const JSON_TYPES = /^application\/(.+\+)?json/;

/** One running emulator's parts, as its request handling reads them. */
interface Served {
  spec: EmulatorSpec;
  faults: FaultInjector;
  requests: RequestLog;
  taps: RunningEmulator['taps'];
  /** The emulator's own URL, known once it listens. */
  baseUrl: string;
}

export async function startEmulator(spec: EmulatorSpec, port = 0): Promise<RunningEmulator> {
  const served: Served = { spec, faults: new FaultInjector(), requests: new RequestLog(), taps: [], baseUrl: '' };
  let answering = 0;
  const listener: RequestListener = (req, res) => {
    answering += 1;
    res.once('close', () => {
      answering -= 1;
    });
    void handle(served, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, spec.internalError(req.url ?? '/', 500));
      process.emitWarning(`${spec.name} emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  };
  const server: Server = spec.tls ? createTlsServer(spec.tls, listener) : createServer(listener);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  served.baseUrl = `${spec.tls ? 'https' : 'http'}://127.0.0.1:${actualPort}`;
  return {
    url: served.baseUrl,
    port: actualPort,
    faults: served.faults,
    requests: served.requests,
    taps: served.taps,
    setLatency: (ms) => {
      spec.latencyMs = ms;
    },
    answering: () => answering,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One request: the control API and console pages as they are; the service's API after latency, faults, auth and limits. */
async function handle(served: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { spec, faults, requests } = served;
  const url = new URL(req.url ?? '/', served.baseUrl);
  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(req);
  const own = url.pathname.startsWith('/__sandbox/') || (url.pathname.startsWith('/admin/') && spec.pages !== undefined);
  const refused = own ? refuseForeignCaller(served, req, method) : undefined;
  if (refused) return send(res, refused);
  if (url.pathname.startsWith('/__sandbox/')) return send(res, await control(served, method, url, rawBody));
  if (url.pathname.startsWith('/admin/') && spec.pages) return send(res, await controlRoute(served, spec.pages, method, url, rawBody));
  const delay = spec.latencyMs + (spec.jitter?.() ?? 0);
  if (delay > 0) await sleep(delay);

  const matched = spec.router.match(method, url.pathname);
  const template = matched && 'route' in matched ? matched.route.template : url.pathname;
  // Rules match the path with its query string, so that one request among many can be targeted.
  const fault = faults.take(method, url.pathname + url.search);
  const record = (status: number) => requests.record(method, template, status);
  if (fault && !fault.afterHandler && (await faultAnswered(served, fault, req, res, url, record))) return;

  const result = withHeaders(await dispatch(served, { method, url, req, rawBody, matched }), spec.commonHeaders ?? {});
  record(result.status);
  const wire = encode(result);
  const exchange: Exchange = {
    method,
    template,
    status: result.status,
    body: result.body,
    contentType: result.contentType,
    request: { headers: req.headers, body: rawBody },
    url: url.toString(),
    headers: wire.headers,
    payload: wire.payload,
  };
  for (const tap of served.taps) tap(exchange);
  if (fault?.afterHandler) {
    if (fault.delayMs) await sleep(fault.delayMs);
    return void req.socket.destroy();
  }
  send(res, result, spec.clock);
}

type Fault = NonNullable<ReturnType<FaultInjector['take']>>;

/**
 * The control API and the console pages answer only their own callers: a request that names this
 * sandbox's own loopback address and port (a page on a DNS-rebound name names another host), and
 * writes that a web page cannot send across sites (JSON, which a form cannot post without asking
 * first, and no foreign Origin). Without this any page the machine's browser opens could install
 * faults, mint tokens, or point the emulated Okta's provisioning elsewhere.
 */
function refuseForeignCaller(served: Served, req: IncomingMessage, method: string): Res | undefined {
  const port = new URL(served.baseUrl).port;
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!hosts.includes(String(req.headers.host ?? '').toLowerCase()))
    return {
      status: 421,
      body: { error: `the sandbox answers only requests to its own address (${hosts[0]}): Host ${String(req.headers.host ?? '(none)').slice(0, 100)}` },
    };
  if (method === 'GET' || method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}` || origin === `https://${h}`))
    return { status: 403, body: { error: 'the sandbox takes no writes from another origin' } };
  if (method === 'POST' && !JSON_TYPES.test(String(req.headers['content-type'] ?? '')))
    return { status: 415, body: { error: 'the sandbox takes writes as application/json only' } };
  return undefined;
}

/** A fault that strikes before the handler: a wait, a hang, a reset or a status. True when it answered (or never will). */
async function faultAnswered(
  { spec, faults }: Served,
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  record: (status: number) => void,
): Promise<boolean> {
  if (fault.barrier) await faults.arrive(fault);
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.hang) {
    record(0);
    return true;
  }
  if (fault.reset) {
    record(0);
    req.socket.destroy();
    return true;
  }
  if (!fault.status) return false;
  record(fault.status);
  const answer = fault.body !== undefined ? { status: fault.status, body: fault.body } : spec.internalError(url.pathname, fault.status);
  send(res, withHeaders(answer, fault.headers ?? {}), spec.clock);
  return true;
}

interface Incoming {
  method: string;
  url: URL;
  req: IncomingMessage;
  rawBody: string;
  matched: ReturnType<Router['match']>;
}

/** The service's answer: its 404 or 405, its auth and rate limit, then the route's handler; a thrown HttpFailure is the answer it carries. */
async function dispatch(served: Served, { method, url, req, rawBody, matched }: Incoming): Promise<Res> {
  const { spec } = served;
  if (!matched) return spec.notFound(url.pathname);
  if (!('route' in matched)) return spec.methodNotAllowed(url.pathname);
  const { route, params } = matched;
  let rateHeaders: Record<string, string> = {};
  try {
    const principal: Principal = route.grants
      ? spec.authenticate(req.headers, url.pathname, req.socket.remoteAddress ?? '')
      : { id: 'anonymous', grants: new Set(), credential: '' };
    if (route.grants && !route.grants.every((g) => principal.grants.has(g))) throw spec.forbidden(route, url.pathname);
    const decision = route.bucket ? spec.rateLimiter.take(route.bucket, spec.rateKey(principal)) : undefined;
    if (decision) {
      rateHeaders = spec.rateHeaders(decision);
      if (!decision.allowed) return withHeaders(spec.rateLimited(url.pathname, decision), rateHeaders);
      if (route.bucket) served.requests.window(route.bucket, decision.limit, decision.remaining);
    }
    const body = jsonBody(req, rawBody);
    if (body === MALFORMED) return withHeaders(spec.badRequest(url.pathname, 'The request body was not well-formed.'), rateHeaders);
    const request: Req = {
      method,
      path: url.pathname,
      template: route.template,
      params,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      principal,
      baseUrl: served.baseUrl,
    };
    return withHeaders(await route.handler(request), rateHeaders);
  } catch (error) {
    if (error instanceof HttpFailure) return withHeaders({ status: error.status, body: error.body, headers: error.headers }, rateHeaders);
    throw error;
  }
}

const MALFORMED = Symbol('malformed JSON');

/** A JSON body (by its media type, JSON when none is said), undefined when there is none, MALFORMED when it does not parse. */
function jsonBody(req: IncomingMessage, rawBody: string): unknown {
  if (rawBody.length === 0 || !JSON_TYPES.test(String(req.headers['content-type'] ?? 'application/json'))) return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    return MALFORMED;
  }
}

/** The common control API (state, faults, requests), then the emulator's own. */
async function control(served: Served, method: string, url: URL, rawBody: string): Promise<Res> {
  const { spec, faults, requests } = served;
  const path = url.pathname;
  if (path === '/__sandbox/state' && method === 'GET') return { status: 200, body: spec.state() };
  if (path === '/__sandbox/faults' && method === 'POST') return setFaults(faults, rawBody ? safeJson(rawBody) : undefined);
  if (path === '/__sandbox/faults' && method === 'GET') return { status: 200, body: { rules: faults.list() } };
  if (path === '/__sandbox/faults' && method === 'DELETE') {
    faults.clear();
    return { status: 204 };
  }
  if (path === '/__sandbox/requests' && method === 'GET') return { status: 200, body: requests.snapshot() };
  if (path === '/__sandbox/requests' && method === 'DELETE') {
    requests.reset();
    return { status: 204 };
  }
  return controlRoute(served, spec.control, method, url, rawBody);
}

function setFaults(faults: FaultInjector, body: unknown): Res {
  const rules = fieldsOf<'rules'>(body).rules;
  if (!Array.isArray(rules)) return { status: 400, body: { error: 'body must be {"rules":[...]}' } };
  try {
    faults.set(rules as FaultRule[]);
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
  return { status: 200, body: { rules: faults.list() } };
}

/** A route of the sandbox's own (control API, console pages): no auth, no limits, no faults. */
async function controlRoute(served: Served, router: Router, method: string, url: URL, rawBody: string): Promise<Res> {
  const path = url.pathname;
  const matched = router.match(method, path);
  if (!matched || !('route' in matched)) return { status: 404, body: { error: `no control route ${method} ${path}` } };
  try {
    return await matched.route.handler({
      method,
      path,
      template: matched.route.template,
      params: matched.params,
      query: url.searchParams,
      headers: {},
      body: rawBody ? safeJson(rawBody) : undefined,
      rawBody,
      principal: { id: 'control', grants: new Set(), credential: '' },
      baseUrl: served.baseUrl,
    });
  } catch (error) {
    if (error instanceof HttpFailure) return { status: error.status, body: error.body };
    throw error;
  }
}

function withHeaders(res: Res, headers: Record<string, string>): Res {
  return { ...res, headers: { ...headers, ...res.headers } };
}

/** The answer as it goes on the wire: a body only where there is one, and then its media type. */
function encode(result: Res): { headers: Record<string, string>; payload: string } {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  let payload = '';
  if (result.body !== undefined && result.status !== 204) {
    payload = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
    // A media type the answer names (a SCIM error's application/scim+json) stands; else JSON's.
    headers['content-type'] = result.contentType ?? headers['content-type'] ?? 'application/json';
  }
  return { headers: { ...headers, 'content-length': Buffer.byteLength(payload).toString() }, payload };
}

function send(res: ServerResponse, result: Res, clock: () => number = Date.now): void {
  const { headers, payload } = encode(result);
  res.writeHead(result.status, { ...headers, date: new Date(clock()).toUTCString() });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

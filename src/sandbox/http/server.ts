import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
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
  close(): Promise<void>;
}

const JSON_TYPES = /^application\/(.+\+)?json/;

export async function startEmulator(spec: EmulatorSpec, port = 0): Promise<RunningEmulator> {
  const faults = new FaultInjector();
  const requests = new RequestLog();
  const taps: RunningEmulator['taps'] = [];
  let baseUrl = '';
  const listener: RequestListener = (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, spec.internalError(req.url ?? '/', 500));
      process.emitWarning(`${spec.name} emulator: ${(error as Error).stack ?? String(error)}`);
    });
  };
  const server: Server = spec.tls ? createTlsServer(spec.tls, listener) : createServer(listener);
  server.keepAliveTimeout = 5000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    if (url.pathname.startsWith('/__sandbox/')) return send(res, await control(method, url, rawBody));
    if (url.pathname.startsWith('/admin/') && spec.pages) return send(res, await controlRoute(spec.pages, method, url, rawBody));
    const delay = spec.latencyMs + (spec.jitter?.() ?? 0);
    if (delay > 0) await sleep(delay);

    const matched = spec.router.match(method, url.pathname);
    const template = matched && 'route' in matched ? matched.route.template : url.pathname;
    // Rules match the path with its query string, so that one request among many can be targeted.
    const fault = faults.take(method, url.pathname + url.search);
    const record = (status: number) => requests.record(method, template, status);

    if (fault && !fault.afterHandler) {
      if (fault.barrier) await faults.arrive(fault);
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.hang) return record(0);
      if (fault.reset) {
        record(0);
        return void req.socket.destroy();
      }
      if (fault.status) {
        record(fault.status);
        const answer = fault.body !== undefined ? { status: fault.status, body: fault.body } : spec.internalError(url.pathname, fault.status);
        return send(res, withHeaders(answer, fault.headers ?? {}), spec.clock);
      }
    }

    const result = withHeaders(await dispatch(method, url, req, rawBody, matched), spec.commonHeaders ?? {});
    record(result.status);
    const wire = encode(result);
    for (const tap of taps)
      tap({
        method,
        template,
        status: result.status,
        body: result.body,
        contentType: result.contentType,
        request: { headers: req.headers, body: rawBody },
        url: url.toString(),
        headers: wire.headers,
        payload: wire.payload,
      });
    if (fault?.afterHandler) {
      if (fault.delayMs) await sleep(fault.delayMs);
      return void req.socket.destroy();
    }
    send(res, result, spec.clock);
  }

  async function dispatch(method: string, url: URL, req: IncomingMessage, rawBody: string, matched: ReturnType<Router['match']>): Promise<Res> {
    if (!matched) return spec.notFound(url.pathname);
    if (!('route' in matched)) return spec.methodNotAllowed(url.pathname);
    const { route, params } = matched;
    let rateHeaders: Record<string, string> = {};
    try {
      const principal: Principal = route.grants
        ? spec.authenticate(req.headers, url.pathname, req.socket.remoteAddress ?? '')
        : { id: 'anonymous', grants: new Set(), credential: '' };
      if (route.grants && !route.grants.every((g) => principal.grants.has(g))) throw spec.forbidden(route, url.pathname);
      if (route.bucket) {
        const decision = spec.rateLimiter.take(route.bucket, spec.rateKey(principal));
        if (decision) {
          rateHeaders = spec.rateHeaders(decision);
          if (!decision.allowed) return withHeaders(spec.rateLimited(url.pathname, decision), rateHeaders);
        }
      }
      let body: unknown;
      if (rawBody.length > 0 && JSON_TYPES.test(String(req.headers['content-type'] ?? 'application/json'))) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          return withHeaders(spec.badRequest(url.pathname, 'The request body was not well-formed.'), rateHeaders);
        }
      }
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
        baseUrl,
      };
      return withHeaders(await route.handler(request), rateHeaders);
    } catch (error) {
      if (error instanceof HttpFailure) return withHeaders({ status: error.status, body: error.body, headers: error.headers }, rateHeaders);
      throw error;
    }
  }

  async function control(method: string, url: URL, rawBody: string): Promise<Res> {
    const path = url.pathname;
    const body = rawBody ? safeJson(rawBody) : undefined;
    if (path === '/__sandbox/state' && method === 'GET') return { status: 200, body: spec.state() };
    if (path === '/__sandbox/faults' && method === 'POST') {
      const rules = (body as { rules?: FaultRule[] } | undefined)?.rules;
      if (!Array.isArray(rules)) return { status: 400, body: { error: 'body must be {"rules":[...]}' } };
      try {
        faults.set(rules);
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
      return { status: 200, body: { rules: faults.list() } };
    }
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
    return controlRoute(spec.control, method, url, rawBody);
  }

  /** A route of the sandbox's own (control API, console pages): no auth, no limits, no faults. */
  async function controlRoute(router: Router, method: string, url: URL, rawBody: string): Promise<Res> {
    const path = url.pathname;
    const body = rawBody ? safeJson(rawBody) : undefined;
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
        body,
        rawBody,
        principal: { id: 'control', grants: new Set(), credential: '' },
        baseUrl,
      });
    } catch (error) {
      if (error instanceof HttpFailure) return { status: error.status, body: error.body };
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  baseUrl = `${spec.tls ? 'https' : 'http'}://127.0.0.1:${actualPort}`;
  return {
    url: baseUrl,
    port: actualPort,
    faults,
    requests,
    taps,
    setLatency: (ms) => {
      spec.latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
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
    headers['content-type'] = result.contentType ?? 'application/json';
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

import { InterruptedError, RemoteError } from './errors.js';
import { isRecord } from './is-record.js';
import type { HarRecorder } from './har.js';
import { systemClock, type Clock } from './clock.js';
import { ANSWER_LIMIT_BYTES, AnswerTooLarge } from './whole-answer.js';

/**
 * One request policy for both SDKs: a per-request timeout; retries of idempotent requests on
 * 5xx, resets and timeouts with capped exponential backoff and jitter; 429s waited out as the
 * service says (capped by maxWait); and pacing before a limit is hit, from the rate-limit
 * headers, rather than running into 429s. A POST is never retried blindly: the caller re-reads.
 */
export interface PolicyOptions {
  timeoutMs: number;
  maxRetries: number;
  maxWaitMs: number;
  trace?: (line: string) => void;
  random?: () => number;
  /** The run's clock: every pacing wait, backoff and timeout is on it (lib/clock.ts). */
  clock?: Clock;
  /** Every answer, retries included, for `--record`. */
  recorder?: HarRecorder;
  /** Ctrl-C or SIGTERM: aborts the request in flight and every wait between attempts. */
  signal?: AbortSignal;
  /** A credential the run obtains on the way (an OAuth access token): registered for redaction at once. */
  onSecret?: (secret: string) => void;
  /** Each retry after no answer, a lost connection or a 5xx: said where a person sees it. A 429 is paced, not said. */
  onRetry?: (note: RetryNote) => void;
  /**
   * The share of a bucket's limit the run may fill, others' use included (1, all of it, by
   * default): past it the run waits for the next window rather than take the rest.
   */
  shareOf?: (bucket: string) => number;
}

/** One retry, as a person wants it said. */
export interface RetryNote {
  /** Okta or Cloudflare, where the client says which. */
  service?: string;
  method: string;
  /** The path alone: no host, no query. */
  path: string;
  /** What went wrong: "no answer within 30s", "HTTP 503", a network error in words. */
  reason: string;
  /** The attempt about to be made, and how many there are at most. */
  attempt: number;
  of: number;
  delayMs: number;
}

/** Pure: a retry note as one line. */
export function retryLine(n: RetryNote): string {
  return `${n.service ?? 'request'}: ${n.method} ${n.path}: ${n.reason}; trying again in ${Math.max(1, Math.round(n.delayMs / 1000))}s (attempt ${n.attempt} of ${n.of})`;
}

/** What a request carried, for the recording. */
export interface SentRequest {
  headers: Record<string, string>;
  body?: string;
}

export interface HeaderReader {
  get(name: string): string | null;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** What the service's headers say of the budget left: remaining requests and when it resets. */
export interface Budget {
  remaining: number;
  resetAt: number;
  /** The window's whole budget, where the service says it (Okta's X-Rate-Limit-Limit, Cloudflare's policy `q`). */
  limit?: number;
}

/** Okta's X-Rate-Limit-* headers, or Cloudflare's `Ratelimit: "default";r=N;t=S`. */
export function readBudget(headers: HeaderReader, now: number): Budget | undefined {
  const remaining = headers.get('x-rate-limit-remaining');
  const reset = headers.get('x-rate-limit-reset');
  const limitOf = (text: string | null | undefined) => (text && /^\d+$/.test(text) ? { limit: Number(text) } : {});
  if (remaining !== null && reset !== null && !reset.includes(',')) {
    const date = Date.parse(headers.get('date') ?? '');
    // Okta's reset is epoch seconds on the server's clock; shift it onto ours by the Date header.
    const skew = Number.isFinite(date) ? now - date : 0;
    return { remaining: Number(remaining), resetAt: Number(reset) * 1000 + skew, ...limitOf(headers.get('x-rate-limit-limit')) };
  }
  const cf = headers.get('ratelimit');
  const m = cf ? /r=(\d+);\s*t=(\d+)/.exec(cf) : null;
  if (m) return { remaining: Number(m[1]), resetAt: now + Number(m[2]) * 1000, ...limitOf(/q=(\d+)/.exec(headers.get('ratelimit-policy') ?? '')?.[1]) };
  return undefined;
}

/**
 * Pure: the part of a window a run at this share leaves to everyone else: none at 100 %, half of
 * the limit at 50 % (Okta counts the org's use, all integrations together, against its threshold).
 */
export function reserved(budget: Budget, share: number): number {
  if (budget.limit === undefined || share >= 1) return 0;
  return Math.ceil(budget.limit * (1 - share));
}

/** How long a 429 asks to wait: Retry-After (seconds or a date), else the rate-limit reset. */
export function retryAfterMs(headers: HeaderReader, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const budget = readBudget(headers, now);
  return budget ? Math.max(0, budget.resetAt - now) : undefined;
}

/** How long a request waits, in a window no answer has described yet, for the answers in flight. */
const FRESH_WINDOW_WAIT_MS = 50;

/** The offset assumed for a service that has sent no `Date` header yet. */
const UNKNOWN_CLOCK_OFFSET_MS = 60_000;

export class RequestPolicy {
  private readonly budgets = new Map<string, Budget>();
  /** Per service: this machine's clock minus the service's, at most (the least of every answer's bound). */
  private readonly clockOffsets = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly random: () => number;
  readonly clock: Clock;

  constructor(readonly options: PolicyOptions) {
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * How long to wait before sending on a bucket: none while the budget the service reported,
   * less the requests already in flight on it and the part of the window the run leaves to others
   * (its share), has room; else until the window resets. So concurrency never turns into 429s,
   * and a run at half of a bucket never takes the half that others' use has not.
   */
  paceDelay(bucket: string): number {
    const budget = this.budgets.get(bucket);
    const now = this.clock.now();
    if (!budget) return 0;
    // A window that has reset is taken as whole until its first answer says otherwise: the requests
    // sent into it before then are still held to the share (a fleet's accounts all go at once).
    const fresh = now >= budget.resetAt;
    const remaining = fresh ? (budget.limit ?? Number.POSITIVE_INFINITY) : budget.remaining;
    if (remaining - (this.inFlight.get(bucket) ?? 0) - reserved(budget, this.shareOf(bucket)) >= 1) return 0;
    // In a fresh window, the answers in flight will tell its budget: wait for them, not for a whole window.
    return fresh ? FRESH_WINDOW_WAIT_MS : Math.min(this.options.maxWaitMs, budget.resetAt - now + 50);
  }

  private shareOf(bucket: string): number {
    return this.options.shareOf?.(bucket) ?? 1;
  }

  /** The largest limit a bucket has reported (its window's whole budget), for the plan's estimate of a run's length. */
  limitOf(bucket: string): number | undefined {
    return this.budgets.get(bucket)?.limit;
  }

  /** Holds a place in the bucket's budget until the answer comes (release). */
  async acquire(bucket: string): Promise<void> {
    for (let delay = this.paceDelay(bucket); delay > 0 && !this.options.signal?.aborted; delay = this.paceDelay(bucket))
      await this.clock.sleep(delay, this.options.signal);
    this.inFlight.set(bucket, (this.inFlight.get(bucket) ?? 0) + 1);
  }

  release(bucket: string): void {
    this.inFlight.set(bucket, Math.max(0, (this.inFlight.get(bucket) ?? 0) - 1));
  }

  /** Answers arrive out of order: within one window the lowest remaining is the truth. */
  observe(bucket: string, headers: HeaderReader): void {
    const budget = readBudget(headers, this.clock.now());
    if (!budget) return;
    const known = this.budgets.get(bucket);
    const sameWindow = known && Math.abs(known.resetAt - budget.resetAt) < 1000;
    if (!known || budget.resetAt > known.resetAt + 999) this.budgets.set(bucket, budget);
    else if (sameWindow) this.budgets.set(bucket, { ...known, remaining: Math.min(known.remaining, budget.remaining) });
  }

  /**
   * A service's `Date` header (whole seconds) read on an answer's arrival: the service's clock was
   * at least `date` when it answered, which was no later than now, so our clock minus its clock is
   * at most now − date. The least such bound over every answer is kept.
   */
  observeClock(service: string, date: string | null, receivedAt: number): void {
    const at = date ? Date.parse(date) : Number.NaN;
    if (!Number.isFinite(at)) return;
    const bound = receivedAt - at;
    const known = this.clockOffsets.get(service);
    if (known === undefined || bound < known) this.clockOffsets.set(service, bound);
  }

  /**
   * Our clock minus the service's, at most, from its answers so far. Where no `Date` came, the
   * service's times are read as a minute later than they say, so that nothing it reports is taken
   * as earlier than it may have been.
   */
  clockOffsetMs(service: Service['name']): number {
    return this.clockOffsets.get(service) ?? UNKNOWN_CLOCK_OFFSET_MS;
  }

  /** A moment on our clock as the service's clock names it at the earliest: for `since` filters on its logs. */
  onServiceClock(service: Service['name'], moment: Date): Date {
    return new Date(moment.getTime() - Math.max(0, this.clockOffsetMs(service)));
  }

  /** Milliseconds to wait before a retry, or undefined when the outcome is final. */
  retryDelay(method: string, attempt: number, outcome: { status: number; headers: HeaderReader } | { error: unknown }): number | undefined {
    if (attempt >= this.options.maxRetries) return undefined;
    if ('status' in outcome) {
      if (outcome.status === 429) {
        const wait = retryAfterMs(outcome.headers, this.clock.now()) ?? this.backoff(attempt);
        return wait > this.options.maxWaitMs ? undefined : wait + 50;
      }
      if (outcome.status >= 500 && isIdempotent(method)) return this.backoff(attempt);
      return undefined;
    }
    return isIdempotent(method) ? this.backoff(attempt) : undefined;
  }

  private backoff(attempt: number): number {
    const base = Math.min(8000, 250 * 2 ** attempt);
    return Math.round(base * (0.75 + this.random() * 0.5));
  }

  trace(line: string): void {
    this.options.trace?.(line);
  }
}

/** Where a request or a wait stops because the user asked (Ctrl-C, SIGTERM). */
function aborted(method: string, url: string): InterruptedError {
  return new InterruptedError(
    `Interrupted during ${method} ${new URL(url).pathname}.`,
    'Re-run the same command: it reads the state again and carries on from where it stopped.',
  );
}

/** A failure to talk to a service at all: no answer, a reset, a timeout. */
export class NetworkError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly causeText: string,
    readonly timedOut: boolean,
    /** How many attempts were made, and how long they took in all: what the error says. */
    readonly attempts = 1,
    readonly elapsedMs = 0,
  ) {
    super(`${method} ${url}: ${causeText}`);
  }

  /** " (3 attempts, 1m32s in all)", or nothing for one attempt. */
  get tally(): string {
    if (this.attempts <= 1) return '';
    const s = Math.round(this.elapsedMs / 1000);
    return ` (${this.attempts} attempts, ${s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`} in all)`;
  }
}

/** The service a client talks to: its name for messages, and the one origin its credentials may go to. */
export interface Service {
  name: 'Okta' | 'Cloudflare';
  origin: string;
}

/**
 * Credentials go to their service's origin only: a paging link, a redirect or anything else that
 * names another origin (or the same host over another scheme) is refused before anything is sent.
 */
export function guardOrigin(service: Service, method: string, url: string): void {
  const target = new URL(url).origin;
  if (target !== service.origin) {
    throw new RemoteError(
      `Refused to send ${method} ${new URL(url).pathname} to ` +
        `${target}: a paging link or a redirect pointed away ` +
        `from ${service.name} at ${service.origin}, and the ` +
        `request carries your ${service.name} credentials.`,
      `Something between you and ${service.name} (a proxy, a captive portal, a misconfigured host) is rewriting answers; check the network, then re-run.`,
    );
  }
}

/** No admin API redirects; an answer that does is an error naming both origins, and nothing is re-sent. */
function refuseRedirect(service: Service, method: string, url: string, status: number, location: string | null): RemoteError {
  let where = location ?? '(no Location)';
  try {
    where = new URL(location ?? '', url).origin;
  } catch {
    /* keep the raw text; it is neutralised on output */
  }
  return new RemoteError(
    `${service.name} at ${service.origin} answered ${method} ` +
      `${new URL(url).pathname} with a redirect (${status}) to ${where}; scim-setup ` +
      `does not follow redirects from an admin API, since the request ` +
      `carries your credentials${method === 'GET' ? '' : ' and its body'}.`,
    `Check ${service.name === 'Okta' ? 'OKTA_ORG_URL' : 'CLOUDFLARE_API_BASE_URL'} (the API host itself, not a login or vanity URL) and any proxy in between, then re-run.`,
  );
}

/** An answer past the bound: sent again it would be again, so it is said at once, with where to look. */
function tooLarge(service: Service | undefined, method: string, url: string): RemoteError {
  const name = service?.name ?? 'The server';
  return new RemoteError(
    `${name}'s answer to ${method} ${new URL(url).pathname} is larger than ${ANSWER_LIMIT_BYTES / 1024 / 1024} MB, far more than any page it sends; scim-setup stopped reading it.`,
    `Something between scim-setup and ${name} (a proxy or gateway) is sending it: check ${name === 'Cloudflare' ? 'CLOUDFLARE_API_BASE_URL' : 'OKTA_ORG_URL'} and any HTTPS_PROXY, then re-run.`,
  );
}

/**
 * Both APIs answer JSON, always. Anything else (a proxy's HTML page, a captive portal's 200, a
 * gateway's 502, a body of another type) is said as what it is, and never taken as the service's word.
 */
export async function requireJson<R extends { status: number; headers: HeaderReader }>(service: Service, response: R, method: string, url: string): Promise<R> {
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (/^application\/(scim\+)?json$/.test(type) || response.status === 204 || response.headers.get('content-length') === '0') return response;
  const what =
    type === 'text/html'
      ? `an HTML page (a proxy, a captive portal or a gateway answered, not ${service.name}'s API)`
      : type
        ? `${type}, not JSON`
        : 'a body that is not JSON';
  throw new RemoteError(
    `${service.name}'s ${method} ${new URL(url).pathname} answered ${response.status} with ${what}.`,
    response.status >= 500
      ? `${service.name} or a gateway in between is failing; wait a little and re-run (the run converges).`
      : `Check ${service.name === 'Okta' ? 'OKTA_ORG_URL' : 'CLOUDFLARE_API_BASE_URL'} and any HTTPS_PROXY in between, then re-run.`,
  );
}

/** Runs one request under the policy; `send` makes one attempt. Shared by both SDK adapters. */
export async function withPolicy<R extends RecordableResponse & { headers: HeaderReader }>(
  policy: RequestPolicy,
  method: string,
  url: string,
  bucket: string,
  send: () => Promise<R>,
  sent?: SentRequest,
  service?: Service,
): Promise<R> {
  const signal = policy.options.signal;
  if (service) guardOrigin(service, method, url);
  const firstStarted = policy.clock.now();
  const note = (attempt: number, reason: string, delayMs: number) =>
    policy.options.onRetry?.({
      service: service?.name,
      method,
      path: new URL(url).pathname,
      reason,
      attempt: attempt + 2,
      of: policy.options.maxRetries + 1,
      delayMs,
    });
  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted) throw aborted(method, url);
    await policy.acquire(bucket);
    const started = policy.clock.now();
    let response: R;
    try {
      response = await send();
      if (policy.options.recorder && sent) record(policy.options.recorder, { method, url, started, durationMs: policy.clock.now() - started, sent, response });
    } catch (error) {
      policy.release(bucket);
      if (signal?.aborted) throw aborted(method, url);
      if (error instanceof AnswerTooLarge) throw tooLarge(service, method, url);
      const text = describeNetworkError(error);
      policy.trace(`${method} ${url} → ${text} (${policy.clock.now() - started}ms)`);
      // An untrusted certificate will not be trusted on the next try either.
      const delay = isCertificateError(text) ? undefined : policy.retryDelay(method, attempt, { error });
      const timedOut = /timeout|timed out|abort/i.test(text);
      if (delay === undefined) throw new NetworkError(method, url, text, timedOut, attempt + 1, policy.clock.now() - firstStarted);
      note(attempt, timedOut ? `no answer within ${Math.round(policy.options.timeoutMs / 1000)}s` : text, delay);
      await policy.clock.sleep(delay, signal);
      continue;
    }
    policy.release(bucket);
    policy.observe(bucket, response.headers);
    if (service) policy.observeClock(service.name, response.headers.get('date'), policy.clock.now());
    policy.trace(`${method} ${url} → ${response.status} (${policy.clock.now() - started}ms)`);
    if (service && response.status >= 300 && response.status < 400) {
      throw refuseRedirect(service, method, url, response.status, response.headers.get('location'));
    }
    const delay = policy.retryDelay(method, attempt, response);
    if (delay === undefined) return response;
    policy.trace(`retrying ${method} ${url} in ${delay}ms`);
    if (response.status >= 500) note(attempt, `HTTP ${response.status}`, delay);
    await policy.clock.sleep(delay, signal);
  }
}

/** An answer as both SDKs' fetches give it: what a recording reads of it. */
interface RecordableResponse {
  status: number;
  statusText?: string;
  headers: { forEach(fn: (value: string, name: string) => void): void };
  clone(): { text(): Promise<string> };
}

/** Reads the body from a clone while the SDK reads the original, so that neither waits on the other. */
function record(
  recorder: HarRecorder,
  x: { method: string; url: string; started: number; durationMs: number; sent: SentRequest; response: RecordableResponse },
): void {
  const responseHeaders: Record<string, string> = {};
  x.response.headers.forEach((value, name) => {
    responseHeaders[name.toLowerCase()] = value;
  });
  const clone = x.response.clone();
  recorder.track(
    clone.text().then((responseBody) =>
      recorder.add({
        startedAt: x.started,
        durationMs: x.durationMs,
        method: x.method,
        url: x.url,
        requestHeaders: x.sent.headers,
        requestBody: x.sent.body,
        status: x.response.status,
        statusText: x.response.statusText ?? '',
        responseHeaders,
        responseBody,
      }),
    ),
  );
}

/** Headers as a plain record, from whatever shape a client keeps them in. */
export function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  // A Headers of any fetch (the global one, node-fetch's in the Okta SDK): read through its forEach.
  const forEach = isRecord(headers) ? headers.forEach : undefined;
  if (typeof forEach === 'function') {
    forEach.call(headers, (value: unknown, name: unknown) => {
      out[String(name).toLowerCase()] = String(value);
    });
    return out;
  }
  const entries: unknown[] = Array.isArray(headers) ? headers : typeof headers === 'object' ? Object.entries(headers) : [];
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const [name, value] = entry;
    out[String(name).toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function describeNetworkError(error: unknown): string {
  const e = isRecord(error) ? error : {};
  const cause = isRecord(e.cause) ? e.cause : {};
  if (e.type === 'request-timeout' || e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  const said = [cause.code, e.code, cause.message, e.message].find((v) => typeof v === 'string' && v !== '');
  return typeof said === 'string' ? said : String(error);
}

function isCertificateError(text: string): boolean {
  return /CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(text);
}

/** The fix to suggest for a network failure: a TLS trust problem needs the corporate CA. */
export function networkFix(error: NetworkError, envName: string): string {
  if (isCertificateError(error.causeText)) {
    return "The server's TLS certificate is not trusted: if a corporate proxy or CA signs it, set NODE_EXTRA_CA_CERTS to a PEM file with that CA.";
  }
  return `Check ${envName}, your network and any HTTPS_PROXY / NO_PROXY setting, then re-run; the run converges from where it stopped.`;
}

// The SDK's base client: its HTTP, auth and errors, without the generated resource classes (hundreds of
// them, about 0.7 MB of code to evaluate at start-up), which scim-setup does not use.
import { BaseCloudflare } from 'cloudflare/client';
import { inWords } from '../lib/errno.js';
import { checkedPath } from '../lib/safe-path.js';
import { CliError, RemoteError } from '../lib/errors.js';
import { ProxyAgents, proxyFromEnv } from '../lib/proxy.js';
import nodeFetch, { type Response } from 'node-fetch';
import { parseJsonOrUndefined } from '../lib/json.js';
import { ANSWER_LIMIT_BYTES, wholeAnswer } from '../lib/whole-answer.js';
import { fromWire } from '../lib/terminal-text.js';
import { diagnoseRefusal, gatewayRefusal, mayBeUnknownToken } from './gateway-errors.js';
import type { Clock } from '../lib/clock.js';
import { headerRecord, NetworkError, networkFix, requireJson, withPolicy, type RequestPolicy, type Service } from '../lib/request-policy.js';

export type TokenRole = 'scim' | 'read';

/** The most SCIM resources Cloudflare returns a page. */
const SCIM_PAGE = 100;
const PAGE_POOL = 4;

const PERMISSION: Record<TokenRole, string> = { scim: '"SCIM Provisioning: Edit"', read: '"Account Settings: Read"' };
const ENV: Record<TokenRole, string> = { scim: 'CLOUDFLARE_SCIM_TOKEN', read: 'CLOUDFLARE_API_TOKEN' };
/** The fleet config's key that names each role's variable for one account. */
const FLEET_KEY: Record<TokenRole, string> = { scim: 'scimTokenEnv', read: 'apiTokenEnv' };

/**
 * Cloudflare's fetch, under the shared request policy (the SDK's own retries are off). It sends over
 * node-fetch and Node's http, as the Okta SDK does, through the same proxy agents: one transport
 * for both services, and Node's own fetch (undici, and the WebAssembly HTTP parser it compiles on its
 * first request: about 24 MB at its peak) stays unloaded.
 */
function policyFetch(policy: RequestPolicy, agents: ProxyAgents, service: Service): typeof fetch {
  const send = (url: string, init: RequestInit | undefined, method = (init?.method ?? 'GET').toUpperCase()): Promise<Response> =>
    withPolicy(
      policy,
      method,
      url,
      'cloudflare',
      async () => {
        const timeout = AbortSignal.timeout(policy.options.timeoutMs);
        const answer = await nodeFetch(url, {
          method,
          headers: init?.headers,
          body: init?.body,
          agent: await agents.for(url),
          // manual, so that a redirect is seen (and refused) instead of followed with the token.
          redirect: 'manual',
          size: ANSWER_LIMIT_BYTES,
          signal: policy.options.signal ? AbortSignal.any([timeout, policy.options.signal]) : timeout,
        });
        return wholeAnswer(answer);
      },
      { headers: headerRecord(init?.headers), body: typeof init?.body === 'string' ? init.body : undefined },
      service,
    )
      .then((response) => requireJson(service, response, method, url))
      .then((response) => registerTokenValue(policy, method, url, response));
  // The SDK reads status, headers, json() and text(): node-fetch's answer has each, as the SDK's fetch type asks.
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    send(typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url, init)) as unknown as typeof fetch;
}

/** Answers that carry a token's value: a token made (`POST …/tokens`) or rolled (`PUT …/tokens/{id}/value`). */
const TOKEN_VALUE_ANSWER = /\/accounts\/[^/]+\/tokens(\/[^/]+\/value)?$/;

/**
 * A token's value is known to the redactor the moment its answer arrives, before anything else
 * reads it: a run stopped right after still writes no value into a recording or a trace.
 */
async function registerTokenValue(policy: RequestPolicy, method: string, url: string, response: Response): Promise<Response> {
  const onSecret = policy.options.onSecret;
  if (!onSecret || !response.ok || !['POST', 'PUT'].includes(method) || !TOKEN_VALUE_ANSWER.test(new URL(url).pathname)) return response;
  // The answer is already here, read whole (wholeAnswer): its clone costs nothing and waits on nothing.
  const body = parseJsonOrUndefined(await response.clone().text()) as { result?: { value?: unknown } | string } | undefined;
  const value = typeof body?.result === 'string' ? body.result : body?.result?.value;
  if (typeof value === 'string' && value !== '') onSecret(value);
  return response;
}

export class CloudflareRequestError extends RemoteError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A thin client over the official SDK, one per token, with errors that name the token and permission. */
export class CloudflareClient {
  readonly sdk: BaseCloudflare;

  constructor(
    readonly apiBaseUrl: string,
    readonly accountId: string,
    token: string,
    readonly role: TokenRole,
    private readonly policy: RequestPolicy,
    env: NodeJS.ProcessEnv,
    /** The env var the token came from, where not the usual one (a fleet account's own): errors name it. */
    readonly tokenEnv = ENV[role],
    /** A fleet account's entry, where the token was chosen for it: a refusal is said in the fleet config's terms. */
    private readonly fleetEntry?: { config: string; account: string },
  ) {
    this.sdk = new BaseCloudflare({
      apiToken: token,
      baseURL: apiBaseUrl,
      maxRetries: 0,
      fetch: policyFetch(policy, new ProxyAgents(proxyFromEnv(env)), { name: 'Cloudflare', origin: new URL(apiBaseUrl).origin }),
      timeout: policy.options.timeoutMs,
    });
  }

  /** The run's clock, which paces this client's requests: every wait on Cloudflare's work is on it too. */
  get clock(): Clock {
    return this.policy.clock;
  }

  /** This machine's clock minus Cloudflare's, at most (RequestPolicy.clockOffsetMs). */
  get clockOffsetMs(): number {
    return this.policy.clockOffsetMs('Cloudflare');
  }

  /** A moment on this clock as Cloudflare's names it at the earliest: for `since` filters on its audit log. */
  onCloudflareClock(moment: Date): Date {
    return this.policy.onServiceClock('Cloudflare', moment);
  }

  get scimPath(): string {
    return `/accounts/${this.accountId}/scim/v2`;
  }

  /** Raw GET: the SDK has no SCIM v2 resources, and its audit-log paging stops after one page. */
  async get<T>(path: string, query?: Record<string, unknown>): Promise<T> {
    return this.call('GET', path, () => this.sdk.get(path, { query }) as unknown as Promise<T>);
  }

  /**
   * Every SCIM resource under `/Users` or `/Groups`. The first page tells how many there are, so
   * the rest are fetched a few at a time (the request policy paces them within the budget). `keep`
   * takes from each resource the fields scim-setup reads, as its page arrives.
   */
  async scimAll<T>(resource: '/Users' | '/Groups', keep: (item: T) => T): Promise<T[]> {
    const fetchPage = async (start: number) => {
      const page = await this.get<{ totalResults: number; Resources?: T[] }>(this.scimPath + resource, { startIndex: start, count: SCIM_PAGE });
      return { totalResults: page.totalResults, items: (page.Resources ?? []).map(keep) };
    };
    const first = await fetchPage(1);
    const starts: number[] = [];
    for (let start = 1 + SCIM_PAGE; start <= first.totalResults; start += SCIM_PAGE) starts.push(start);
    const pages: T[][] = new Array(starts.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < starts.length; i = next++) pages[i] = (await fetchPage(starts[i])).items;
    };
    await Promise.all(Array.from({ length: Math.min(PAGE_POOL, starts.length) }, worker));
    return [first.items, ...pages].flat();
  }

  /**
   * Every item of a v4 page/per_page list, stopping at total_pages (the SDK's own paginator asks
   * for one empty page more).
   */
  async listAll<T>(path: string, perPage: number, query: Record<string, unknown> = {}): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page += 1) {
      const r = await this.get<{ result: T[]; result_info?: { total_pages?: number } }>(path, { ...query, page, per_page: perPage });
      items.push(...r.result);
      if (page >= (r.result_info?.total_pages ?? 1) || r.result.length === 0) return items;
    }
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call('POST', path, () => this.sdk.post(path, { body }) as unknown as Promise<T>);
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return this.call('PUT', path, () => this.sdk.put(path, { body }) as unknown as Promise<T>);
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return this.call('PATCH', path, () => this.sdk.patch(path, { body }) as unknown as Promise<T>);
  }

  async delete<T>(path: string): Promise<T> {
    return this.call('DELETE', path, () => this.sdk.delete(path) as unknown as Promise<T>);
  }

  private async call<T>(method: string, path: string, fn: () => Promise<T>): Promise<T> {
    try {
      checkedPath('Cloudflare', path);
      return await fn();
    } catch (error) {
      const e = error as { status?: number; error?: unknown };
      const refusal = gatewayRefusal(e.error);
      // Only a refusal that may be the token itself is worth a second request, and never for the check itself.
      const live = e.status && mayBeUnknownToken(e.status, refusal) && !path.endsWith('/tokens/verify') ? await this.tokenLive() : undefined;
      throw this.translate(error, method, path, live);
    }
  }

  /** Whether Cloudflare calls this token valid and active (an account token at its account, a user token at /user); undefined when neither answers. */
  private async tokenLive(): Promise<boolean | undefined> {
    const verdicts = await Promise.all(
      [`/accounts/${this.accountId}/tokens/verify`, '/user/tokens/verify'].map((path) =>
        (this.sdk.get(path) as Promise<{ result?: { status?: string } }>).then(
          (r) => r?.result?.status === 'active',
          (error: { status?: number }) => (error?.status === 400 || error?.status === 401 || error?.status === 403 ? false : undefined),
        ),
      ),
    );
    return verdicts.includes(true) ? true : verdicts.every((v) => v === false) ? false : undefined;
  }

  private translate(error: unknown, method: string, path: string, tokenLive?: boolean): Error {
    // The SDK wraps what its fetch throws: an interruption or another CLI error is found in the causes.
    const known = findCause(error, CliError);
    if (known) return known;
    const where = path.replace(`/accounts/${this.accountId}`, '/accounts/<account>');
    const network = findCause(error, NetworkError);
    if (network) {
      return new RemoteError(
        `Cannot reach Cloudflare at ${this.apiBaseUrl}: ${method} ${where} ${network.timedOut ? 'timed out' : `failed: ${inWords(network.causeText)}`}${network.tally}.`,
        networkFix(network, 'CLOUDFLARE_API_BASE_URL'),
      );
    }
    const e = error as { status?: number; error?: unknown; message?: string };
    // Cloudflare's words come from the wire: one line, no control characters, bounded.
    const detail = fromWire(errorDetail(e.error) ?? e.message ?? error);
    const diagnosed = diagnoseRefusal(e.status ?? 0, gatewayRefusal(e.error), tokenLive, {
      env: this.tokenEnv,
      permission: PERMISSION[this.role],
      accountId: this.accountId,
      where,
      detail,
      ...(this.fleetEntry ? { fleet: { ...this.fleetEntry, key: FLEET_KEY[this.role], borrowed: this.tokenEnv === ENV[this.role] } } : {}),
    });
    if (diagnosed) return diagnosed;
    return new CloudflareRequestError(`Cloudflare answered ${e.status ?? 'an error'} on ${where}: ${detail}`, e.status ?? 0);
  }
}

function findCause<T>(error: unknown, kind: abstract new (...args: never[]) => T): T | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof kind) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Both shapes: the v4 envelope's errors[] and SCIM's `detail`. */
function errorDetail(body: unknown): string | undefined {
  const b = body as { detail?: string; errors?: Array<{ message?: string; code?: number }> } | undefined;
  if (b?.detail) return b.detail;
  const first = b?.errors?.[0];
  return first?.message ? `${first.message}${first.code ? ` (code ${first.code})` : ''}` : undefined;
}

// The SDK's HTTP, OAuth and paging layers alone: its Client would also load the generated API and
// model layer (about 40 MB once loaded), which scim-setup does not use.
import { Collection } from '@okta/okta-sdk-nodejs/src/collection.js';
import { OKTA_BUCKETS, type OktaBucket } from '../plan/okta-paths.js';
import { Http } from '@okta/okta-sdk-nodejs/src/http.js';
import { OAuth } from '@okta/okta-sdk-nodejs/src/oauth.js';
import type { OktaAuth } from '../lib/inputs.js';
import type { RequestPolicy } from '../lib/request-policy.js';
import type { Clock } from '../lib/clock.js';
import type { PlannedRequest } from '../plan/types.js';
import { toOktaError } from './errors.js';
import { PolicyExecutor } from './executor.js';
import { proxyFromEnv } from '../lib/proxy.js';
import { checkedPath } from '../lib/safe-path.js';

/**
 * A thin client over the official SDK: its auth (SSWS or OAuth private_key_jwt), its HTTP layer
 * and its Link-header pagination, with raw JSON bodies, because the SDK's typed serializer drops
 * fields of catalog apps (research okta.md §a).
 */
/** The SDK's Http, typed loosely: its declared RequestOptions omit the body and method it takes. */
interface SdkHttp {
  getJson(url: string, request?: object): Promise<unknown>;
  postJson(url: string, request: object): Promise<unknown>;
  putJson(url: string, request: object): Promise<unknown>;
  json(url: string, request: object): Promise<unknown>;
  post(url: string, request: object): Promise<unknown>;
  put(url: string, request: object): Promise<unknown>;
  delete(url: string, request?: object): Promise<unknown>;
}

/** The SDK's User-Agent, as its Client sends it, after ours. */
const USER_AGENT = `scim-setup @okta/okta-sdk-nodejs node/${process.versions.node} ${process.platform}`;

export class OktaClient {
  private readonly sdkHttp: Http;
  private readonly http: SdkHttp;

  constructor(
    readonly orgUrl: string,
    auth: OktaAuth,
    private readonly policy: RequestPolicy,
    env: NodeJS.ProcessEnv,
  ) {
    // The executor picks the proxy for every request; the SDK's own (HTTPS_PROXY, no NO_PROXY) is overridden there.
    const requestExecutor = new PolicyExecutor(policy, proxyFromEnv(env), { name: 'Okta', origin: new URL(orgUrl).origin });
    const baseUrl = orgUrl.replace(/\/$/, '');
    // What the SDK's OAuth reads of its client: where to ask, who asks, with which key and scopes.
    const oauth =
      auth.kind === 'privateKey'
        ? new OAuth({ baseUrl, requestExecutor, clientId: auth.clientId, scopes: auth.scopes, privateKey: auth.privateKey, keyId: auth.keyId } as never)
        : undefined;
    this.sdkHttp = new Http({ cacheMiddleware: null, requestExecutor, oauth } as never);
    if (auth.kind === 'ssws') this.sdkHttp.defaultHeaders.Authorization = `SSWS ${auth.token}`;
    this.sdkHttp.defaultHeaders['User-Agent'] = USER_AGENT;
    this.http = this.sdkHttp as unknown as SdkHttp;
  }

  /** Each bucket's limit as Okta's headers have said it so far (its whole window's budget): for the plan's estimate of a run's length. */
  rateLimits(): Partial<Record<OktaBucket, number>> {
    return Object.fromEntries([...OKTA_BUCKETS].flatMap((b) => (this.policy.limitOf(b) ? [[b, this.policy.limitOf(b)]] : [])));
  }

  /** The run's clock, which paces this client's requests: every wait on Okta's work is on it too. */
  get clock(): Clock {
    return this.policy.clock;
  }

  /** This machine's clock minus Okta's, at most (RequestPolicy.clockOffsetMs). */
  get clockOffsetMs(): number {
    return this.policy.clockOffsetMs('Okta');
  }

  /** A moment on this clock as Okta's names it at the earliest: for `since` filters on its System Log. */
  onOktaClock(moment: Date): Date {
    return this.policy.onServiceClock('Okta', moment);
  }

  private url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const url = new URL(checkedPath('Okta', path), this.orgUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.call(() => this.http.getJson(this.url(path, query)) as Promise<T>);
  }

  /**
   * Every item of a paged list, following `Link: rel="next"` with the SDK's Collection. `keep`, where
   * given, takes from each item the fields scim-setup reads, as its page arrives: a list of
   * thousands holds those, not every answer whole until the last page.
   */
  async list<T>(path: string, query?: Record<string, string | number | undefined>, keep: (item: T) => T = (item) => item): Promise<T[]> {
    const collection = new Collection<T>(this.sdkHttp as never, this.url(path, query), {} as never, { headers: { Accept: 'application/json' } } as never);
    const items: T[] = [];
    await this.call(() => collection.each((item) => void items.push(keep(item as T))));
    return items;
  }

  async post<T>(path: string, body: unknown, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.call(() => this.http.postJson(this.url(path, query), { body }) as Promise<T>);
  }

  async postNoContent(path: string, query?: Record<string, string | number | undefined>): Promise<void> {
    await this.call(() => this.http.post(this.url(path, query), { headers: { Accept: 'application/json', 'Content-Type': 'application/json' } }));
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return this.call(() => this.http.putJson(this.url(path), { body }) as Promise<T>);
  }

  /** A PUT answered with 204 No Content (group membership). */
  async putNoContent(path: string): Promise<void> {
    await this.call(() => this.http.put(this.url(path), { headers: { Accept: 'application/json', 'Content-Type': 'application/json' } }));
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return this.call(() => this.http.json(this.url(path), { method: 'patch', body: JSON.stringify(body) }) as Promise<T>);
  }

  async delete(path: string, query?: Record<string, string | number | undefined>): Promise<void> {
    await this.call(() => this.http.delete(this.url(path, query)));
  }

  /** One request as a plan shows it: how a repair's steps are sent. */
  async send(request: PlannedRequest): Promise<void> {
    const { method, path, body } = request;
    if (method === 'GET') await this.get(path);
    // A POST without a body is a lifecycle operation, answered without one.
    else if (method === 'POST') await (body === undefined ? this.postNoContent(path) : this.post(path, body));
    else if (method === 'PUT') await this.put(path, body ?? {});
    else if (method === 'PATCH') await this.patch(path, body ?? {});
    else await this.delete(path);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toOktaError(error, this.orgUrl);
    }
  }
}

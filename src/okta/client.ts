import { Client, Collection } from '@okta/okta-sdk-nodejs';
import type { OktaAuth } from '../lib/inputs.js';
import type { RequestPolicy } from '../lib/request-policy.js';
import { toOktaError } from './errors.js';
import { PolicyExecutor } from './executor.js';
import { proxyFromEnv } from '../lib/proxy.js';

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

export class OktaClient {
  private readonly client: Client;
  private readonly http: SdkHttp;

  constructor(
    readonly orgUrl: string,
    auth: OktaAuth,
    policy: RequestPolicy,
    env: NodeJS.ProcessEnv,
  ) {
    // The executor picks the proxy for every request; the SDK's own (HTTPS_PROXY, no NO_PROXY) is overridden there.
    const common = { orgUrl, cacheMiddleware: null, requestExecutor: new PolicyExecutor(policy, proxyFromEnv(env), { name: 'Okta', origin: new URL(orgUrl).origin }), userAgent: 'scim-setup' };
    this.client =
      auth.kind === 'ssws'
        ? new Client({ ...common, token: auth.token })
        : new Client({ ...common, authorizationMode: 'PrivateKey', clientId: auth.clientId, scopes: auth.scopes, privateKey: auth.privateKey, keyId: auth.keyId });
    this.http = this.client.http as unknown as SdkHttp;
  }

  private url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const url = new URL(path, this.orgUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.call(() => this.http.getJson(this.url(path, query)) as Promise<T>);
  }

  /** Every item of a paged list, following `Link: rel="next"` with the SDK's Collection. */
  async list<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T[]> {
    const collection = new Collection<T>(this.client.http as never, this.url(path, query), {} as never, { headers: { Accept: 'application/json' } } as never);
    const items: T[] = [];
    await this.call(() => collection.each((item) => void items.push(item as T)));
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

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toOktaError(error, this.orgUrl);
    }
  }
}

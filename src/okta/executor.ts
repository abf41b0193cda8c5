import RequestExecutor from '@okta/okta-sdk-nodejs/src/request-executor.js';
import { bucketOfPath } from '../plan/okta-paths.js';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { Agent } from 'node:http';
import { bypassesProxy, type ProxySettings } from '../lib/proxy.js';
import type { RequestPolicy } from '../lib/request-policy.js';
import { headerRecord, requireJson, withPolicy, type Service } from '../lib/request-policy.js';
import { isRecord } from '../lib/is-record.js';
import { parseJsonOrUndefined } from '../lib/json.js';

type OktaRequest = Parameters<RequestExecutor['fetch']>[0] & {
  url: string;
  method?: string;
  timeout?: number;
  agent?: Agent;
  headers?: unknown;
  body?: unknown;
  redirect?: string;
};
type OktaResponse = Awaited<ReturnType<RequestExecutor['fetch']>>;

/** Okta's rate-limit bucket of a request's URL (plan/okta-paths.ts tells it from the path). */
export function oktaBucket(url: string): string {
  return bucketOfPath(new URL(url).pathname);
}

/** The proxy for a URL: none when NO_PROXY covers its host or no proxy is set. */
export function proxyFor(url: string, proxy: ProxySettings): string | undefined {
  const via = url.startsWith('https:') ? proxy.httpsProxy : (proxy.httpProxy ?? proxy.httpsProxy);
  return via && !bypassesProxy(url, proxy.noProxy) ? via : undefined;
}

/**
 * The SDK's request executor, under the shared request policy. The SDK's default executor
 * retries only 429s and has no timeout; this one is used for every request it makes, the OAuth
 * token request included, which the SDK itself sends without its proxy agent. So the proxy is
 * chosen here, for every request, with NO_PROXY honoured.
 */
export class PolicyExecutor extends RequestExecutor {
  private readonly agents = new Map<string, Agent>();

  constructor(
    private readonly policy: RequestPolicy,
    private readonly proxy: ProxySettings,
    private readonly service: Service,
  ) {
    super();
  }

  override fetch(request: OktaRequest): Promise<OktaResponse> {
    const method = String(request.method ?? 'GET').toUpperCase();
    this.learnClientAssertion(request);
    const via = proxyFor(request.url, this.proxy);
    const agent = via ? this.agentFor(via) : undefined;
    return withPolicy(
      this.policy,
      method,
      request.url,
      oktaBucket(request.url),
      // redirect: manual, so that a redirect is seen (and refused) instead of followed with the token.
      () => super.fetch({ ...request, agent, timeout: this.policy.options.timeoutMs, signal: this.policy.options.signal, redirect: 'manual' } as OktaRequest),
      async (response) => void (await response.text().catch(() => '')),
      { headers: headerRecord(request.headers), body: typeof request.body === 'string' ? request.body : undefined },
      this.service,
    )
      .then((response) => requireJson(this.service, response, method, request.url, () => response.text()))
      .then((response) => this.learnAccessToken(request.url, response));
  }

  /** The service app's signed client assertion proves the key for minutes: redacted before it is sent, wherever it may be echoed. */
  private learnClientAssertion(request: OktaRequest): void {
    if (typeof request.body !== 'string' || !this.policy.options.onSecret) return;
    const assertion = new URLSearchParams(request.body).get('client_assertion');
    if (assertion) this.policy.options.onSecret(assertion);
  }

  /** The service-app mode's access token is a credential too: redacted from the moment it arrives. */
  private async learnAccessToken(url: string, response: OktaResponse): Promise<OktaResponse> {
    if (!new URL(url).pathname.endsWith('/oauth2/v1/token') || response.status !== 200 || !this.policy.options.onSecret) return response;
    const body = await response
      .clone()
      .text()
      .catch(() => '');
    // Not JSON (requireJson lets only JSON through): nothing to learn.
    const answer = parseJsonOrUndefined(body);
    const token = isRecord(answer) ? answer.access_token : undefined;
    if (typeof token === 'string') this.policy.options.onSecret(token);
    return response;
  }

  private agentFor(proxyUrl: string): Agent {
    let agent = this.agents.get(proxyUrl);
    if (!agent) {
      agent = new HttpsProxyAgent(proxyUrl) as unknown as Agent;
      this.agents.set(proxyUrl, agent);
    }
    return agent;
  }
}

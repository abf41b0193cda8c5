import RequestExecutor from '@okta/okta-sdk-nodejs/src/request-executor.js';
import { bucketOfPath } from '../plan/okta-paths.js';
import type { Agent } from 'node:http';
import type { Response } from 'node-fetch';
import { ProxyAgents, type ProxySettings } from '../lib/proxy.js';
import type { RequestPolicy } from '../lib/request-policy.js';
import { headerRecord, requireJson, withPolicy, type Service } from '../lib/request-policy.js';
import { isRecord } from '../lib/is-record.js';
import { parseJsonOrUndefined } from '../lib/json.js';
import { ANSWER_LIMIT_BYTES, wholeAnswer } from '../lib/whole-answer.js';

type OktaRequest = Parameters<RequestExecutor['fetch']>[0] & {
  url: string;
  method?: string;
  timeout?: number;
  agent?: Agent;
  headers?: unknown;
  body?: unknown;
  redirect?: string;
  size?: number;
};
type OktaResponse = Response;

/** Okta's rate-limit bucket of a request's URL (plan/okta-paths.ts tells it from the path). */
export function oktaBucket(url: string): string {
  return bucketOfPath(new URL(url).pathname);
}

/**
 * The SDK's request executor, under the shared request policy. The SDK's default executor
 * retries only 429s and has no timeout; this one is used for every request it makes, the OAuth
 * token request included, which the SDK itself sends without its proxy agent. So the proxy is
 * chosen here, for every request, with NO_PROXY honoured.
 */
export class PolicyExecutor extends RequestExecutor {
  private readonly agents: ProxyAgents;

  constructor(
    private readonly policy: RequestPolicy,
    proxy: ProxySettings,
    private readonly service: Service,
  ) {
    super();
    this.agents = new ProxyAgents(proxy);
  }

  override fetch(request: OktaRequest): Promise<OktaResponse> {
    const method = String(request.method ?? 'GET').toUpperCase();
    this.learnClientAssertion(request);
    return withPolicy(
      this.policy,
      method,
      request.url,
      oktaBucket(request.url),
      // redirect: manual, so that a redirect is seen (and refused) instead of followed with the token.
      async () => {
        const agent = await this.agents.for(request.url);
        const { timeoutMs, signal } = this.policy.options;
        return wholeAnswer(await super.fetch({ ...request, agent, timeout: timeoutMs, signal, redirect: 'manual', size: ANSWER_LIMIT_BYTES } as OktaRequest));
      },
      { headers: headerRecord(request.headers), body: typeof request.body === 'string' ? request.body : undefined },
      this.service,
    )
      .then((response) => requireJson(this.service, response, method, request.url))
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
}

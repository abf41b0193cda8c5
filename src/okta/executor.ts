import { RequestExecutor } from '@okta/okta-sdk-nodejs';
import type { RequestPolicy } from '../lib/request-policy.js';
import { withPolicy } from '../lib/request-policy.js';
import { bypassesProxy } from '../lib/proxy.js';

type OktaRequest = Parameters<RequestExecutor['fetch']>[0] & { url: string; method?: string; timeout?: number };
type OktaResponse = Awaited<ReturnType<RequestExecutor['fetch']>>;

/** Okta's rate-limit buckets, as the client must track them (research okta.md §g). */
export function oktaBucket(url: string): string {
  const path = new URL(url).pathname;
  if (path.startsWith('/api/v1/apps')) return 'apps';
  if (path.startsWith('/api/v1/groups')) return 'groups';
  if (path.startsWith('/api/v1/users')) return 'users';
  if (path.startsWith('/api/v1/logs')) return 'logs';
  return 'other';
}

/**
 * The SDK's request executor, under the shared request policy. The SDK's default executor
 * retries only 429s and has no timeout; this one is used instead for every request it makes,
 * including the OAuth token request.
 */
export class PolicyExecutor extends RequestExecutor {
  constructor(
    private readonly policy: RequestPolicy,
    private readonly noProxy: string[],
  ) {
    super();
  }

  override fetch(request: OktaRequest): Promise<OktaResponse> {
    const method = String(request.method ?? 'GET').toUpperCase();
    // The SDK proxies every request when HTTPS_PROXY is set; NO_PROXY is honoured here.
    if ((request as { agent?: unknown }).agent && bypassesProxy(request.url, this.noProxy)) request = { ...request, agent: undefined } as OktaRequest;
    return withPolicy(
      this.policy,
      method,
      request.url,
      oktaBucket(request.url),
      () => super.fetch({ ...request, timeout: this.policy.options.timeoutMs } as OktaRequest),
      async (response) => void (await response.text().catch(() => '')),
    );
  }
}

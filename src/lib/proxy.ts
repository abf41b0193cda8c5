import type { Agent } from 'node:http';
import { InputError } from './errors.js';

/** The proxy settings corporate networks set, in both spellings. */
export interface ProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy: string[];
}

export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const proxyUrl = (...names: string[]) => {
    const name = names.find((n) => env[n] !== undefined && env[n] !== '');
    const value = name === undefined ? undefined : env[name];
    if (!name || !value) return undefined;
    // A broken proxy URL is the proxy's problem, named as such (not blamed on OKTA_ORG_URL later).
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname)
      throw new InputError(
        `${name} is not a proxy URL (${url ? `scheme ${url.protocol}` : 'it does not parse'}).`,
        `Set ${name} to e.g. http://proxy.corp:3128, or unset it.`,
      );
    return value;
  };
  return {
    httpsProxy: proxyUrl('HTTPS_PROXY', 'https_proxy'),
    httpProxy: proxyUrl('HTTP_PROXY', 'http_proxy'),
    noProxy: (pick('NO_PROXY', 'no_proxy') ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  };
}

/** NO_PROXY as curl reads it: `*`, exact hosts, `host:port`, and domain suffixes (`.corp` or `corp`). */
export function bypassesProxy(url: string, noProxy: string[]): boolean {
  const { hostname, port } = new URL(url);
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const [name, entryPort] = entry.replace(/^\[|\]$/g, '').split(/:(?=\d+$)/);
    if (entryPort && entryPort !== port) return false;
    const suffix = name.startsWith('.') ? name : `.${name}`;
    return host === name.replace(/^\./, '') || host.endsWith(suffix);
  });
}

/** The proxy for a URL: none when NO_PROXY covers its host or no proxy is set. */
export function proxyFor(url: string, proxy: ProxySettings): string | undefined {
  const via = url.startsWith('https:') ? proxy.httpsProxy : (proxy.httpProxy ?? proxy.httpsProxy);
  return via && !bypassesProxy(url, proxy.noProxy) ? via : undefined;
}

/** One tunnel agent per proxy, for the whole process: Okta's client and each Cloudflare client share it. */
const tunnels = new Map<string, Promise<Agent>>();

/**
 * The agent each request to Okta or Cloudflare goes through: the tunnel through the proxy chosen for
 * its URL, or Node's own where none is. The tunnel's code loads only behind a proxy.
 */
export class ProxyAgents {
  constructor(private readonly proxy: ProxySettings) {}

  async for(url: string): Promise<Agent | undefined> {
    const via = proxyFor(url, this.proxy);
    if (!via) return undefined;
    let agent = tunnels.get(via);
    if (!agent) {
      agent = import('https-proxy-agent').then(({ HttpsProxyAgent }) => new HttpsProxyAgent(via) as unknown as Agent);
      tunnels.set(via, agent);
    }
    return agent;
  }
}

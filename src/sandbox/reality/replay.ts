import type { RecordedExchange } from '../../lib/har.js';
import { parseJsonOrUndefined } from '../../lib/json.js';
import { REDACTED } from '../../lib/redact.js';
import type { Sandbox } from '../sandbox.js';
import { buildRecordedWorld } from './recorded-world.js';
import { compareAll, shapesOf, type Difference } from './shape.js';

/**
 * Replays a recording's requests against the sandbox, in order and at the recorded pace, and
 * compares the answers' shapes with the recorded ones. Ids differ between the recorded org and the
 * sandbox, so the world the recording read (its groups, users, apps and their provisioning) is made in
 * the sandbox first, and every id
 * an answer reveals is mapped onto the sandbox's own as the replay goes.
 */
export interface CompareReport {
  exchanges: number;
  replayed: number;
  skipped: Array<{ request: string; reason: string }>;
  operations: string[];
  differences: Difference[];
}

/** The longest pause kept between two recorded requests: enough for provisioning to act, never a long wait. */
const MAX_GAP_MS = 3000;

type Service = 'okta' | 'cloudflare';

function serviceOf(url: URL): Service {
  return url.pathname.startsWith('/api/v1/') || url.pathname.startsWith('/oauth2/') ? 'okta' : 'cloudflare';
}

/** Where Cloudflare's API starts in a URL: before /accounts/ or /user/. */
function cloudflareBase(url: URL): string {
  const m = /^(.*?)\/(accounts|user)\//.exec(url.pathname);
  return `${url.origin}${m ? m[1] : ''}`;
}

/** Pairs the ids of two answers of the same request, found at the same place in each. */
function learnIds(recorded: unknown, replayed: unknown, ids: Map<string, string>): void {
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    recorded.forEach((r, i) => {
      learnIds(r, replayed[i], ids);
    });
    return;
  }
  if (!recorded || !replayed || typeof recorded !== 'object' || typeof replayed !== 'object') return;
  for (const [key, r] of Object.entries(recorded as Record<string, unknown>)) {
    const e = (replayed as Record<string, unknown>)[key];
    if (/^(id|.*Id)$/.test(key) && typeof r === 'string' && typeof e === 'string' && r !== e && r.length >= 6 && !ids.has(r)) ids.set(r, e);
    else learnIds(r, e, ids);
  }
}

function substitute(text: string, ids: Map<string, string>): string {
  let out = text;
  for (const [from, to] of [...ids].sort((a, b) => b[0].length - a[0].length)) out = out.split(from).join(to);
  return out;
}

/**
 * Text with each recorded service's base (origin, or Cloudflare's API base) replaced by the sandbox's:
 * whole bases only (one that another merely starts with, such as a shorter port, is left), longest first.
 */
function retarget(text: string, origins: Map<string, string>): string {
  let out = text;
  for (const [recorded, sandbox] of [...origins].sort(([a], [b]) => b.length - a.length)) {
    const escaped = recorded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`${escaped}(?![\\w.:-])`, 'g'), () => sandbox);
  }
  return out;
}

/** How long a replayed request waits for Okta's provisioning to settle, at most. */
const CATCH_UP_MS = 2000;

function credentialFor(service: Service, url: URL, sandbox: Sandbox): string {
  if (service === 'okta') return `SSWS ${sandbox.okta.apiToken}`;
  return `Bearer ${url.pathname.includes('/scim/') ? sandbox.cloudflare.scimToken.value : sandbox.cloudflare.readToken.value}`;
}

export async function compareRecording(exchanges: RecordedExchange[], sandbox: Sandbox, signal?: AbortSignal): Promise<CompareReport> {
  const ids = new Map<string, string>();
  const origins = new Map<string, string>();
  for (const x of exchanges) {
    const url = new URL(x.url);
    if (serviceOf(url) === 'okta') origins.set(url.origin, sandbox.okta.url);
    else origins.set(cloudflareBase(url), sandbox.cloudflare.apiBaseUrl);
    const account = /\/accounts\/([^/]+)/.exec(url.pathname)?.[1];
    if (account && account !== sandbox.accountId) ids.set(account, sandbox.accountId);
  }
  buildRecordedWorld(exchanges, sandbox, ids);
  // The world built, Okta provisions it before the first request, as the recorded org had.
  await Promise.race([sandbox.okta.engine.idle(), new Promise((r) => setTimeout(r, CATCH_UP_MS * 5))]);

  const recorded: RecordedExchange[] = [];
  const replayed: Array<Omit<RecordedExchange, 'startedAt' | 'durationMs' | 'statusText' | 'requestHeaders'>> = [];
  const skipped: CompareReport['skipped'] = [];
  let previous: number | undefined;
  for (const x of exchanges) {
    if (signal?.aborted) break;
    const url = new URL(x.url);
    if (url.pathname.startsWith('/oauth2/')) {
      skipped.push({ request: `${x.method} ${url.pathname}`, reason: "the replay authenticates with the sandbox's own token" });
      continue;
    }
    const gap = previous === undefined ? 0 : x.startedAt - previous;
    if (gap > 0) await new Promise((r) => setTimeout(r, Math.min(MAX_GAP_MS, gap)));
    previous = x.startedAt;
    // The recorded world had done the work its earlier writes asked of Okta (a push, a lastSync stamped) by the time
    // of this request; the replayed one catches up first, however loaded the machine, but never waits on a long retry.
    await Promise.race([sandbox.okta.engine.idle(), new Promise((r) => setTimeout(r, CATCH_UP_MS))]);
    const service = serviceOf(url);
    const base = service === 'okta' ? url.origin : cloudflareBase(url);
    const target = substitute((origins.get(base) ?? base) + x.url.slice(base.length), ids);
    const response = await fetch(target, {
      method: x.method,
      headers: {
        authorization: credentialFor(service, url, sandbox),
        accept: 'application/json',
        ...(x.requestBody ? { 'content-type': x.requestHeaders['content-type'] ?? 'application/json' } : {}),
      },
      // The one secret a recorded request body carries is the SCIM token (redacted): the sandbox's own stands in. A
      // service's address in a body (the SCIM Base URL handed to Okta) is the sandbox's, as in the request's URL.
      body: x.requestBody ? retarget(substitute(x.requestBody, ids), origins).split(REDACTED).join(sandbox.cloudflare.scimToken.value) : undefined,
      signal,
    });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    learnIds(parseJsonOrUndefined(x.responseBody), parseJsonOrUndefined(body), ids);
    recorded.push(x);
    replayed.push({ method: x.method, url: x.url, status: response.status, responseHeaders: headers, responseBody: body });
  }
  const recordedShapes = shapesOf(recorded);
  return {
    exchanges: exchanges.length,
    replayed: replayed.length,
    skipped,
    operations: [...recordedShapes.keys()].sort(),
    differences: compareAll(recordedShapes, shapesOf(replayed)),
  };
}

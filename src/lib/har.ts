import { createHash } from 'node:crypto';
import { isRecord } from './is-record.js';
import { parseJsonOrUndefined } from './json.js';
import { REDACTED, type Redactor } from './redact.js';

/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), as much of it as browsers' dev tools need to open a file. */
export interface HarHeader {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    headers: HarHeader[];
    queryString: HarHeader[];
    cookies: [];
    headersSize: -1;
    bodySize: number;
    postData?: { mimeType: string; text: string };
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: HarHeader[];
    cookies: [];
    content: { size: number; mimeType: string; text?: string };
    redirectURL: string;
    headersSize: -1;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
}

export interface Har {
  log: { version: '1.2'; creator: { name: string; version: string }; entries: HarEntry[] };
}

/** One HTTP exchange as a client saw it. */
export interface RecordedExchange {
  startedAt: number;
  durationMs: number;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  statusText: string;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

/** Header names whose values are credentials, whatever the service. */
const SECRET_HEADER = /authorization|cookie|dpop|token|api-key|x-auth/i;
/** JSON keys and form fields whose values are credentials. */
const SECRET_KEY = /token|secret|password|assertion|private|^key$|credential_value/i;
/** JSON keys whose values are a person: replaced by a stable hash with --record-redact-pii. */
const PII_KEY =
  /^(login|email|secondEmail|firstName|lastName|userName|givenName|familyName|middleName|mobilePhone|primaryPhone|nickName|actor_email|user_email)$/;

/** A stable stand-in for a personal value: the same person reads the same in every entry. */
export function piiStandIn(value: string): string {
  return `pii-${createHash('sha256').update(value).digest('hex').slice(0, 10)}`;
}

function walk(value: unknown, visit: (key: string, v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, visit));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(visit(k, v), visit)]));
  }
  return value;
}

/** Every string inside a value, passed through `clean`; keys included. The shape stays as it was. */
function cleanStrings(value: unknown, clean: (text: string) => string): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map((v) => cleanStrings(v, clean));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), cleanStrings(v, clean)]));
  return value;
}

/**
 * The people a body names. Group names stay (they are what a comparison needs); a person's whole
 * name is found from its parts, since logs and SCIM spell it out (displayName, formatted).
 */
function personalValues(value: unknown, into: Set<string>): void {
  walk(value, (key, v) => {
    if (typeof v === 'string' && v.length > 1 && PII_KEY.test(key)) into.add(v);
    if (key === 'emails' && Array.isArray(v)) for (const e of v) if (isRecord(e) && typeof e.value === 'string') into.add(e.value);
    if (isRecord(v)) {
      const [first, last] = [v.firstName ?? v.givenName, v.lastName ?? v.familyName];
      if (typeof first === 'string' && typeof last === 'string') into.add(`${first} ${last}`);
    }
    return v;
  });
}

function redactSecretsInBody(text: string | undefined, contentType: string): string | undefined {
  if (text === undefined || text === '') return text;
  const json = parseJsonOrUndefined(text);
  if (json !== undefined) return JSON.stringify(walk(json, (k, v) => (SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : v)));
  if (/x-www-form-urlencoded/.test(contentType)) {
    const form = new URLSearchParams(text);
    for (const key of [...form.keys()]) if (SECRET_KEY.test(key)) form.set(key, REDACTED);
    return form.toString();
  }
  return text;
}

const contentTypeOf = (headers: Record<string, string>) => Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';

/**
 * Every exchange of a run, written as HAR when the run ends. Redacted at write time: every secret
 * the run knows (the Redactor), credential headers, credential fields of bodies and forms; with
 * `pii`, people's names, logins and e-mail addresses become stable hashes.
 */
export class HarRecorder {
  private readonly exchanges: RecordedExchange[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly redactor: Redactor,
    private readonly pii: boolean,
    private readonly version: string,
  ) {}

  add(exchange: RecordedExchange): void {
    this.exchanges.push(exchange);
  }

  /** Bodies are read from a clone as the SDK reads the original; the HAR waits for them. */
  track(work: Promise<void>): void {
    const p = work.catch(() => undefined).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  get size(): number {
    return this.exchanges.length;
  }

  async toHar(): Promise<Har> {
    await Promise.all([...this.pending]);
    const people = new Set<string>();
    if (this.pii) {
      for (const x of this.exchanges) for (const body of [x.requestBody, x.responseBody]) personalValues(parseJsonOrUndefined(body), people);
    }
    // Longest first, so that a login containing another person's name is replaced whole.
    const personal = [...people].sort((a, b) => b.length - a.length);
    const clean = (text: string): string => {
      let out = this.redactor.redact(text);
      for (const value of personal) out = out.split(value).join(piiStandIn(value)).split(encodeURIComponent(value)).join(piiStandIn(value));
      return out;
    };
    const headers = (h: Record<string, string>): HarHeader[] =>
      Object.entries(h).map(([name, value]) => ({ name, value: SECRET_HEADER.test(name) ? REDACTED : clean(value) }));
    const entries = [...this.exchanges]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((x): HarEntry => {
        const url = clean(x.url);
        const requestBody = redactSecretsInBody(x.requestBody, contentTypeOf(x.requestHeaders));
        const responseBody = clean(redactSecretsInBody(x.responseBody, contentTypeOf(x.responseHeaders)) ?? '');
        return {
          startedDateTime: new Date(x.startedAt).toISOString(),
          time: x.durationMs,
          request: {
            method: x.method,
            url,
            httpVersion: 'HTTP/1.1',
            headers: headers(x.requestHeaders),
            queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
            cookies: [],
            headersSize: -1,
            bodySize: x.requestBody ? Buffer.byteLength(x.requestBody) : 0,
            ...(requestBody ? { postData: { mimeType: contentTypeOf(x.requestHeaders) || 'application/json', text: clean(requestBody) } } : {}),
          },
          response: {
            status: x.status,
            statusText: x.statusText,
            httpVersion: 'HTTP/1.1',
            headers: headers(x.responseHeaders),
            cookies: [],
            content: {
              size: Buffer.byteLength(responseBody),
              mimeType: contentTypeOf(x.responseHeaders) || 'x-unknown',
              ...(responseBody ? { text: responseBody } : {}),
            },
            redirectURL: x.responseHeaders.location ?? '',
            headersSize: -1,
            bodySize: Buffer.byteLength(responseBody),
          },
          cache: {},
          timings: { send: 0, wait: x.durationMs, receive: 0 },
        };
      });
    // Every string of every entry passes the redactor, not only those known to carry secrets: a
    // gateway can reflect a token in a status text or a redirect, and a HAR is made to be shared.
    return { log: { version: '1.2', creator: { name: 'scim-setup', version: this.version }, entries: entries.map((e) => cleanStrings(e, clean) as HarEntry) } };
  }
}

/** A HAR's entries as exchanges (for `sandbox --compare`); a file that is not HAR is an error naming what is missing. */
export function exchangesOfHar(data: unknown): RecordedExchange[] {
  const entries = (data as Har | undefined)?.log?.entries;
  if (!Array.isArray(entries)) throw new Error('not a HAR file: it has no log.entries');
  const toRecord = (list: HarHeader[] | undefined) => Object.fromEntries((list ?? []).map((h) => [String(h.name).toLowerCase(), String(h.value)]));
  return entries.map((e, i) => {
    if (!e?.request?.url || !e.request.method || typeof e.response?.status !== 'number')
      throw new Error(`not a HAR file: entry ${i} lacks request.url, request.method or response.status`);
    return {
      startedAt: Date.parse(e.startedDateTime) || 0,
      durationMs: Number(e.time) || 0,
      method: e.request.method.toUpperCase(),
      url: e.request.url,
      requestHeaders: toRecord(e.request.headers),
      requestBody: e.request.postData?.text,
      status: e.response.status,
      statusText: e.response.statusText ?? '',
      responseHeaders: toRecord(e.response.headers),
      responseBody: e.response.content?.text ?? '',
    };
  });
}

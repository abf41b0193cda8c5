import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';

/**
 * Where the emulated Okta's SCIM requests come from. At a real org they come from Okta's published IP
 * ranges, never from the machine scim-setup runs on, so a token limited to Okta's ranges is refused to
 * scim-setup and accepted from Okta. The sandbox plays that with a second loopback address: Okta's
 * requests leave from 127.0.0.2 while every other client's come from 127.0.0.1. Linux routes all of
 * 127.0.0.0/8 to loopback; where a system does not (macOS without an alias), Okta's requests come from
 * 127.0.0.1 like everyone's, and the sandbox says so.
 */
export const OKTA_EGRESS_ADDRESS = '127.0.0.2';

/** The address Okta's requests leave from on this machine: 127.0.0.2 where it can be bound, else none (the system's choice). */
export function oktaEgressAddress(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(0, OKTA_EGRESS_ADDRESS, () => probe.close(() => resolve(OKTA_EGRESS_ADDRESS)));
  });
}

export interface EgressAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The largest answer Okta's engine reads: a SCIM page is far smaller. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** One HTTP request from `localAddress`, bounded in time (the signal) and in size. */
export function sendFrom(
  localAddress: string | undefined,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<EgressAnswer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, signal: init.signal, ...(localAddress ? { localAddress } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a hostile front does to the requests it matches; the rest it passes to the service unchanged. */
export type HostileMode =
  | { kind: 'redirect'; status?: number }
  | { kind: 'offsite-next-link' }
  | { kind: 'reflect'; status: number; shape: 'okta' | 'cloudflare' }
  | { kind: 'html'; status: number }
  | { kind: 'hang' }
  | { kind: 'drip' }
  | { kind: 'flood' }
  | { kind: 'truncate' };

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });
}

/** Another host, which should never hear from the CLI: it records whatever reaches it. */
export async function startCapture(): Promise<Listening & { received: Received[] }> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: await readBody(req) });
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  const url = await listen(server);
  return {
    url,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A server in front of an emulator that misbehaves on the requests `match` selects: it redirects,
 * points paging links at another host, reflects the credentials it was sent, answers HTML, hangs,
 * drips its body, floods it without end or cuts it short. Everything else is passed through.
 */
export async function startHostileFront(target: string, match: RegExp, mode: HostileMode, elsewhere: string): Promise<Listening & { hits: number }> {
  const state = { hits: 0 };
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const pass = (req: IncomingMessage, res: ServerResponse, body: string, rewrite?: (headers: IncomingMessage['headers']) => void) => {
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      const headers = { ...answer.headers };
      rewrite?.(headers);
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.end(body);
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const matched = match.test(`${req.method} ${req.url}`);
    if (!matched) return pass(req, res, body);
    state.hits += 1;
    switch (mode.kind) {
      case 'redirect':
        return void res.writeHead(mode.status ?? 307, { location: `${elsewhere}${req.url}` }).end();
      case 'offsite-next-link':
        return pass(req, res, body, (headers) => {
          headers.link = `<${elsewhere}${req.url}&after=stolen>; rel="next"`;
        });
      case 'reflect': {
        const auth = String(req.headers.authorization ?? '');
        const secret = auth.split(' ').pop() ?? '';
        const echo = `token ${secret} (starts ${secret.slice(0, 20)}) header ${auth}`;
        const payload =
          mode.shape === 'okta'
            ? { errorCode: 'E0000011', errorSummary: echo, errorLink: 'E0000011', errorId: 'x', errorCauses: [{ errorSummary: echo }] }
            : { success: false, errors: [{ code: 10000, message: echo }], messages: [], result: null };
        return void res.writeHead(mode.status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      }
      case 'html':
        return void res
          .writeHead(mode.status, { 'content-type': 'text/html' })
          .end('<html><body><h1>Sign in to the guest Wi-Fi</h1><script>alert(1)</script></body></html>');
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
        res.write('[');
        const timer = setInterval(() => res.write(' '), 200);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'flood': {
        // JSON that never ends, as fast as the reader takes it.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const chunk = Buffer.alloc(1024 * 1024, ' ');
        const pour = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pour);
        pour();
        return;
      }
      case 'truncate':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        return void res.end('[{"id":"0oa1","label":"Clou');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listen(server);
  return {
    url,
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

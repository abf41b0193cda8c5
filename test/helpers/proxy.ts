import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A forward proxy (CONNECT tunnels and absolute-form requests) that counts what it carried. */
export async function startProxy(): Promise<{ url: string; seen: string[]; requests: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  // Tunnels to plain-http targets carry readable requests: their request lines, for tests to assert on.
  const requests: string[] = [];
  const sniff = (chunk: Buffer) => {
    for (const m of chunk.toString('latin1').matchAll(/^(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.1/gm)) requests.push(`${m[1]} ${m[2].split('?')[0]}`);
  };
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '');
    seen.push(target.host);
    requests.push(`${req.method} ${target.pathname}`);
    const upstream = request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    seen.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      sniff(head);
      upstream.write(head);
      client.on('data', sniff);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

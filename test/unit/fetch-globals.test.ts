import { Headers as NodeFetchHeaders } from 'node-fetch';
import { BaseCloudflare } from 'cloudflare/client';
import { describe, expect, it } from 'vitest';
import { FormData, Headers } from '../../src/cloudflare/fetch-globals.js';

describe('the fetch globals the cloudflare package is given', () => {
  it("Headers builds headers node-fetch sends as its own, and counts any Headers, Node's too, as one", () => {
    const built = new Headers();
    built.append('Authorization', 'Bearer x');
    built.append('Accept', 'application/json');
    const sent = new NodeFetchHeaders(built);
    expect(sent.get('authorization')).toBe('Bearer x');
    expect([...built.entries()]).toEqual([
      ['accept', 'application/json'],
      ['authorization', 'Bearer x'],
    ]);
    expect(new NodeFetchHeaders() instanceof Headers).toBe(true);
    expect(new globalThis.Headers({ a: '1' }) instanceof Headers).toBe(true);
    expect({ a: '1' } instanceof Headers).toBe(false);
    expect(new Map([['a', '1']]) instanceof Headers).toBe(false);
  });

  it('FormData tells a form by its tag, and a JSON body is not one', () => {
    expect(new globalThis.FormData() instanceof FormData).toBe(true);
    expect({ name: 'Engineering' } instanceof FormData).toBe(false);
  });

  it('the cloudflare package builds its requests with them under test, as in the bundle (one rule: scripts/fetch-globals.mjs)', async () => {
    const client = new BaseCloudflare({ apiToken: 'not-a-real-token', baseURL: 'http://127.0.0.1:9/client/v4', maxRetries: 0 });
    const { req } = await client.buildRequest({ method: 'post', path: '/accounts/x/tokens', body: { name: 'scim' } });
    expect(req.headers).toBeInstanceOf(NodeFetchHeaders);
    expect((req.headers as unknown as NodeFetchHeaders).get('authorization')).toBe('Bearer not-a-real-token');
    expect(req.body).toBe('{"name":"scim"}');
  });
});

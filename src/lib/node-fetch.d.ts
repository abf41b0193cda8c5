// node-fetch 2, the HTTP client the Okta SDK sends every request with, typed for what scim-setup
// uses of it (the package ships no typings of its own).
declare module 'node-fetch' {
  import type { Agent } from 'node:http';

  export class Headers {
    constructor(init?: unknown);
    get(name: string): string | null;
    has(name: string): boolean;
    set(name: string, value: string): void;
    append(name: string, value: string): void;
    delete(name: string): void;
    forEach(fn: (value: string, name: string) => void): void;
    entries(): IterableIterator<[string, string]>;
    [Symbol.iterator](): IterableIterator<[string, string]>;
  }

  export interface RequestInit {
    method?: string;
    headers?: unknown;
    body?: unknown;
    agent?: Agent;
    redirect?: 'follow' | 'manual' | 'error';
    signal?: AbortSignal;
    /** The most bytes of a body read; past it, reading fails with a FetchError of type `max-size`. */
    size?: number;
  }

  export class Response {
    constructor(body?: Buffer | string | null, init?: { status?: number; statusText?: string; headers?: Headers; url?: string });
    readonly status: number;
    readonly statusText: string;
    readonly ok: boolean;
    readonly url: string;
    readonly headers: Headers;
    buffer(): Promise<Buffer>;
    text(): Promise<string>;
    json(): Promise<unknown>;
    clone(): Response;
  }

  export class FetchError extends Error {
    readonly type: string;
    readonly code?: string;
  }

  export default function fetch(url: string, init?: RequestInit): Promise<Response>;
}

// The two fetch globals the cloudflare package reads, given to it in their place when it is bundled
// or tested (scripts/fetch-globals.mjs). Node defines Headers and FormData lazily: the first read of
// either loads Node's whole fetch (undici: about 12 MB and 15 ms a run), which scim-setup does not
// send with (cloudflare/client.ts sends over node-fetch, as the Okta SDK does).
import { Headers as NodeFetchHeaders } from 'node-fetch';

const tagOf = (value: unknown) => Object.prototype.toString.call(value);

/** The headers the package builds for each request: node-fetch's, which its transport sends. Any Headers, Node's own too, is one. */
export class Headers extends NodeFetchHeaders {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return tagOf(value) === '[object Headers]';
  }
}

/** The package only asks whether a body is a form: scim-setup sends JSON, never one; a real one is told by its tag. */
export const FormData = {
  [Symbol.hasInstance]: (value: unknown): boolean => tagOf(value) === '[object FormData]',
};

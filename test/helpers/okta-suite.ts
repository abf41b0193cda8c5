import type { Sandbox } from '../../src/sandbox/sandbox.js';
import type { ManualClock } from './clock.js';

/**
 * Okta's Runscope suites for a SCIM server (its "SPEC" and "CRUD" tests), restated as tables and run
 * against the sandbox: each request with the variables it takes from its answer and its assertions,
 * each pause taken on the sandbox's clock. The runner is Runscope's declarative part: `{{name}}`
 * variables, a JSON property path (`Resources[0].name.givenName`), and assertions compared as text.
 */
export interface SuiteRequest {
  note: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Okta's API with the org's token; the SCIM server with its bearer token; or with this Authorization header as given. */
  to: 'okta' | 'scim' | { scimWithAuthorization: string };
  body?: unknown;
  /** Variables taken from the answer: name ← property path of its JSON. */
  take?: Record<string, string>;
  expect: SuiteAssertion[];
}
/** The status (`equal_number`); a property equal to a value, compared as text; present (not empty); or an array that contains a value. */
export type SuiteAssertion =
  | { status: number }
  | { property: string; equals: string }
  | { property: string; present: true }
  | { property: string; contains: string }
  | { property: string; isNumber: true };
export type SuiteStep = SuiteRequest | { pause: number };

/** A property path of Runscope's kind read from a JSON answer. */
export function at(json: unknown, path: string): unknown {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), json);
}

function failed(a: SuiteAssertion, status: number, json: unknown, fill: (text: string) => string): string | undefined {
  if ('status' in a) return status === a.status ? undefined : `status is ${status}, not ${a.status}`;
  const actual = at(json, a.property);
  if ('equals' in a) return String(actual) === fill(a.equals) ? undefined : `${a.property} is ${String(actual)}, not ${fill(a.equals)}`;
  if ('present' in a) return actual !== undefined && actual !== null && actual !== '' ? undefined : `${a.property} is missing`;
  if ('isNumber' in a) return typeof actual === 'number' ? undefined : `${a.property} is not a number`;
  return Array.isArray(actual) && actual.includes(fill(a.contains)) ? undefined : `${a.property} does not contain ${fill(a.contains)}`;
}

/** Runs a suite's steps in order; each failed assertion is one line, named by its step. */
export async function runSuite(box: Sandbox & { clock?: ManualClock }, steps: SuiteStep[], vars: Record<string, string>): Promise<string[]> {
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '');
  const failures: string[] = [];
  for (const step of steps) {
    if ('pause' in step) {
      await box.clock?.pass(step.pause * 1000, box.busy);
      continue;
    }
    const base = step.to === 'okta' ? box.okta.url : box.scimBaseUrl;
    const auth =
      step.to === 'okta' ? `SSWS ${box.env.OKTA_API_TOKEN}` : step.to === 'scim' ? `Bearer ${box.env.CLOUDFLARE_SCIM_TOKEN}` : step.to.scimWithAuthorization;
    const answer = await fetch(base + fill(step.url), {
      method: step.method,
      headers: { authorization: auth, accept: step.to === 'okta' ? 'application/json' : 'application/scim+json', 'content-type': 'application/json' },
      body: step.body === undefined ? undefined : fill(JSON.stringify(step.body)),
    });
    const text = await answer.text();
    const json: unknown = text && /json/.test(answer.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined;
    for (const [name, path] of Object.entries(step.take ?? {})) vars[name] = String(at(json, path) ?? '');
    for (const a of step.expect) {
      const why = failed(a, answer.status, json, fill);
      if (why) failures.push(`${step.note}: ${why}`);
    }
  }
  return failures;
}

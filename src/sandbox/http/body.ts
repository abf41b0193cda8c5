import { isRecord } from '../../lib/is-record.js';

/**
 * A JSON request body as an emulator reads it: untrusted. Each endpoint names the fields its spec
 * gives the body (`Fields<'label' | 'signOnMode'>`); every one is `unknown` until the handler checks
 * it, so a missing or mistyped field is the service's 400, never a crash.
 */
export type Fields<K extends string> = { readonly [key in K]?: unknown };

/** The body's fields, or none when it is not a JSON object. */
export function fieldsOf<K extends string>(body: unknown): Fields<K> {
  return isRecord(body) ? (body as Fields<K>) : {};
}

export { isRecord };

/** A string field, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A string field that holds more than spaces, or undefined. */
export function filled(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An array field's items (none when it is absent or not an array). */
export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

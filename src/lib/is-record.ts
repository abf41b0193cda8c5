/** A JSON object (not null, not an array): its fields can be read, each `unknown` until checked. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

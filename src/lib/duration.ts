import { InputError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Node's timers hold at most 2^31-1 ms (about 24 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 24 * 24 * 3_600_000;

/** Pure: `90s`, `5m`, `1h`, `1500ms` or a bare number of seconds → milliseconds; what is not a duration, or too long to wait, says which. */
export function durationMs(text: string): number | 'not a duration' | 'too long' {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return 'not a duration';
  const ms = Math.round(Number(match[1]) * UNITS[match[2] ?? 's']);
  return ms > MAX_DURATION_MS ? 'too long' : ms;
}

/** `durationMs` for a flag: an input error that names the flag and the fix. */
export function parseDuration(text: string, inputName: string): number {
  const ms = durationMs(text);
  if (ms === 'not a duration')
    throw new InputError(`${inputName}: "${text}" is not a duration.`, 'Use a number with a unit, e.g. 90s, 5m or 1h (a bare number means seconds).');
  if (ms === 'too long')
    throw new InputError(`${inputName}: "${text}" is longer than scim-setup can wait (24 days).`, 'Use a shorter duration, e.g. 10m or 24h.');
  return ms;
}

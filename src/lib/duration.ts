import { InputError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `90s`, `5m`, `1h`, `1500ms` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string, inputName: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) {
    throw new InputError(`${inputName}: "${text}" is not a duration.`, 'Use a number with a unit, e.g. 90s, 5m or 1h (a bare number means seconds).');
  }
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']);
}

import { InputError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Node's timers hold at most 2^31-1 ms (about 24 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 24 * 24 * 3_600_000;

/**
 * Pure: `90s`, `5m`, `1h30m`, `10m30s`, `1d`, `1500ms` or a bare number of seconds → milliseconds
 * (Go's and systemd's spelling: parts largest first); what is not a duration, or too long to wait, says which.
 */
export function durationMs(text: string, max = MAX_DURATION_MS): number | 'not a duration' | 'too long' {
  const bounded = (ms: number) => (ms > max ? ('too long' as const) : ms);
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (bare) return bounded(Math.round(Number(bare[1]) * 1000));
  const compact = text.replace(/\s+/g, '');
  if (!/^(\d+(\.\d+)?(ms|d|h|m|s))+$/.test(compact)) return 'not a duration';
  const parts = [...compact.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)];
  const order = parts.map((p) => UNITS[p[2]]);
  // Largest unit first, each once: `30s10m` or `5m5m` is more likely a slip than a meaning.
  if (order.some((unit, i) => i > 0 && unit >= order[i - 1])) return 'not a duration';
  return bounded(Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]], 0)));
}

/** `durationMs` for a flag: an input error that names the flag and the fix. */
export function parseDuration(text: string, inputName: string): number {
  const ms = durationMs(text);
  if (ms === 'not a duration')
    throw new InputError(`${inputName}: "${text}" is not a duration.`, 'Use a number with a unit, e.g. 90s, 5m, 1h30m or 1d (a bare number means seconds).');
  if (ms === 'too long')
    throw new InputError(`${inputName}: "${text}" is longer than scim-setup can wait (24 days).`, 'Use a shorter duration, e.g. 10m or 24h.');
  return ms;
}

/** The longest period a report reads back: Cloudflare's audit log keeps 18 months, and nothing keeps more. */
export const MAX_PERIOD_MS = 548 * 86_400_000;

/** A period to read back (not a wait): the same spelling, bounded by what the logs keep. */
export function parsePeriod(text: string, inputName: string): number {
  const ms = durationMs(text, MAX_PERIOD_MS);
  if (ms === 'too long')
    throw new InputError(`${inputName}: "${text}" reaches further back than any log keeps (18 months).`, 'Use a shorter period, e.g. 30d or 90d.');
  return ms === 'not a duration' ? parseDuration(text, inputName) : ms;
}

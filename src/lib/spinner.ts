import type { SpinnerMaker } from './reporter.js';

/**
 * ora, for a run whose output reaches a terminal, where alone a spinner is shown. Importing it costs
 * a run about 40 ms (measured: string-width's Intl.Segmenter and Unicode tables, cli-spinners, its
 * cursor and stdin helpers): a CI job, a pipe or `--json` into a file never pays for it.
 */
export async function spinnerFor(streams: ReadonlyArray<{ isTTY?: boolean }>): Promise<SpinnerMaker | undefined> {
  if (!streams.some((s) => s.isTTY)) return undefined;
  return (await import('ora')).default;
}

import type { LoadedConfig } from './config-file.js';

/** A config file read and checked. Its parser (yaml, the largest module a run would load) loads only for a run given one. */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const { loadConfigFile } = await import('./config-file.js');
  return { path, data: await loadConfigFile(path) };
}

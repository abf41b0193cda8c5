import { lstat, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from './errors.js';

/**
 * A file the run will write (--out, --record), checked before any request so that a typo costs
 * nothing: its folder must exist, and the path must not be a folder or a symbolic link (writing
 * through a link would overwrite whatever it points at).
 */
export async function checkOutputPath(path: string, flag: string): Promise<void> {
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory())
    throw new InputError(`${flag} ${path}: the folder ${folder} does not exist.`, `Create it first, or pass a path in an existing folder.`);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink())
    throw new InputError(`${flag} ${path}: the path is a symbolic link; scim-setup does not write through links.`, 'Pass the path of a regular file.');
  if (existing?.isDirectory()) throw new InputError(`${flag} ${path}: the path is a folder.`, 'Pass the path of a file inside it.');
}

/** Written whole or not at all (a temporary file renamed over the target), readable by the owner alone. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

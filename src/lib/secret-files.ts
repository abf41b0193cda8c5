import { NotRegular, readRegularFile, readStreamBounded, TooLarge } from './bounded-read.js';
import { inWords } from './errno.js';
import { InputError } from './errors.js';
import type { SecretName, SecretValue } from './inputs.js';
import type { Redactor } from './redact.js';

/** The flags that name a secret's file (a path, or `-` for stdin). */
export interface SecretFileFlags {
  oktaTokenFile?: string;
  scimTokenFile?: string;
  cloudflareTokenFile?: string;
  oktaPrivateKeyFile?: string;
}

const FILE_FLAGS: Array<[SecretName, keyof SecretFileFlags, string]> = [
  ['oktaToken', 'oktaTokenFile', '--okta-token-file'],
  ['scimToken', 'scimTokenFile', '--scim-token-file'],
  ['cloudflareApiToken', 'cloudflareTokenFile', '--cloudflare-token-file'],
  ['oktaPrivateKey', 'oktaPrivateKeyFile', '--okta-private-key-file'],
];

const SECRET_ENV = ['OKTA_API_TOKEN', 'OKTA_PRIVATE_KEY', 'CLOUDFLARE_SCIM_TOKEN', 'CLOUDFLARE_API_TOKEN'];

/** Registers secrets from the environment before anything can echo them, even invalid ones. */
export function registerEnvSecrets(env: NodeJS.ProcessEnv, redactor: Redactor): void {
  for (const name of SECRET_ENV) if (!(name === 'OKTA_PRIVATE_KEY' && namesKeyFile(env[name]))) redactor.register(env[name]);
}

/** OKTA_PRIVATE_KEY may be a path to the key: the key is the secret (registered once read), not its path. */
function namesKeyFile(value: string | undefined): boolean {
  const v = value?.trim();
  return v !== undefined && v !== '' && !v.startsWith('-----') && !v.startsWith('{');
}

/**
 * The I/O edge for secrets: reads the --*-token-file flags (a path, or `-` for stdin) and an
 * OKTA_PRIVATE_KEY that names a file. Every value read is registered with the redactor at once.
 */
export async function readSecretFiles(
  flags: SecretFileFlags,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  readStdin: () => Promise<string>,
): Promise<Partial<Record<SecretName, SecretValue>>> {
  const out: Partial<Record<SecretName, SecretValue>> = {};
  const fromStdin = FILE_FLAGS.filter(([, key]) => flags[key] === '-');
  if (fromStdin.length > 1) {
    throw new InputError(
      `Only one secret can be read from stdin; ${fromStdin.map(([, , flag]) => flag).join(' and ')} both ask for it.`,
      'Read the others from files or env vars.',
    );
  }
  for (const [name, key, flag] of FILE_FLAGS) {
    const path = flags[key];
    if (typeof path !== 'string') continue;
    const read = path === '-' ? { value: await readStdin() } : await readSecretFile(path, flag);
    redactor.register(read.value);
    out[name] = { ...read, source: path === '-' ? `${flag} - (stdin)` : `${flag} ${path}` };
  }
  const keyEnv = env.OKTA_PRIVATE_KEY?.trim();
  if (!out.oktaPrivateKey && keyEnv && namesKeyFile(keyEnv)) {
    const read = await readSecretFile(keyEnv, 'OKTA_PRIVATE_KEY');
    redactor.register(read.value);
    out.oktaPrivateKey = { ...read, source: `env OKTA_PRIVATE_KEY (file ${keyEnv})` };
  }
  return out;
}

/** No token or key file is larger; a larger read (a device, a wrong path) stops here. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * A token or key file: a regular file only, opened without blocking (a FIFO nobody writes would
 * hold the run for ever, past Ctrl-C and SIGTERM; a device is no token), read up to its bound. A
 * file others may read is said, as ssh says of a private key.
 */
export async function readSecretFile(path: string, flag: string): Promise<{ value: string; warning?: string }> {
  try {
    const { bytes, mode } = await readRegularFile(path, MAX_SECRET_BYTES);
    const value = bytes.toString('utf8');
    // Group and others: on Windows the mode bits say nothing, so nothing is said there.
    const exposed = process.platform !== 'win32' && (mode & 0o044) !== 0;
    return exposed
      ? {
          value,
          warning: `${flag}: ${path} may be read by other users of this machine (mode ${(mode & 0o777).toString(8).padStart(3, '0')}): run chmod 600 ${path}.`,
        }
      : { value };
  } catch (error) {
    if (error instanceof TooLarge) throw new InputError(`${flag}: ${path} is over 64 KB; it is not a token or key file.`, 'Check the path.');
    if (error instanceof NotRegular)
      throw new InputError(
        `${flag}: ${path} is ${error.kind}, not a file; scim-setup reads tokens and keys from regular files only.`,
        `Write the token to a file (mode 600) and name it, or pipe it in with ${flag} - (standard input).`,
      );
    throw new InputError(`${flag}: cannot read ${path}: ${inWords((error as NodeJS.ErrnoException).code)}.`, 'Check that the file exists and is readable.');
  }
}

export async function readAllStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  try {
    return (await readStreamBounded(stdin, MAX_SECRET_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof TooLarge)
      throw new InputError(
        'stdin: over 64 KB were piped in; a token is a line.',
        'Pipe the token alone, e.g. `op read … | npx scim-setup okta --scim-token-file -`.',
      );
    throw error;
  }
}

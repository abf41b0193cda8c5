import { readBounded, readStreamBounded, TooLarge } from './bounded-read.js';
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
    const value = path === '-' ? await readStdin() : await readSecretFile(path, flag);
    redactor.register(value);
    out[name] = { value, source: path === '-' ? `${flag} - (stdin)` : `${flag} ${path}` };
  }
  const keyEnv = env.OKTA_PRIVATE_KEY?.trim();
  if (!out.oktaPrivateKey && keyEnv && namesKeyFile(keyEnv)) {
    const value = await readSecretFile(keyEnv, 'OKTA_PRIVATE_KEY');
    redactor.register(value);
    out.oktaPrivateKey = { value, source: `env OKTA_PRIVATE_KEY (file ${keyEnv})` };
  }
  return out;
}

/** No token or key file is larger; a larger read (a device, a wrong path) stops here. */
const MAX_SECRET_BYTES = 64 * 1024;

export async function readSecretFile(path: string, flag: string): Promise<string> {
  try {
    return (await readBounded(path, MAX_SECRET_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof TooLarge) throw new InputError(`${flag}: ${path} is over 64 KB; it is not a token or key file.`, 'Check the path.');
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

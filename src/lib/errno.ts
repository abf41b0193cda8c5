/** What the system's error codes mean, in words a user reads; the code stays beside them for a search. */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'the host name could not be resolved for now (DNS)',
  ECONNREFUSED: 'the connection was refused (nothing listens there)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the connection closed while sending',
};

/** Pure: `ENOENT` → `no such file or folder (ENOENT)`; text that is no known code is kept as it is. */
export function inWords(code: string | undefined): string {
  if (!code) return 'an error';
  const words = WORDS[code];
  return words ? `${words} (${code})` : code;
}

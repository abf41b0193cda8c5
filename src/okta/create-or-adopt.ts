import { RemoteError } from '../lib/errors.js';
import { OktaRequestError } from './errors.js';

/**
 * A create that Okta does not make idempotent, sent once. Two failures may hide a thing that was
 * made all the same: no answer at all (the write may have landed: an ambiguous failure), and, where
 * `conflictStatus` is given, Okta's refusal of a duplicate. Then what is there is looked for, and
 * adopted if found; otherwise the failure stands. Any other failure is the failure. This is the one
 * such rule: an app, a user's assignment, a group, a push mapping.
 */
export async function createOrAdopt<T>(
  create: () => Promise<T>,
  existing: () => Promise<T | undefined>,
  options: { conflictStatus?: number } = {},
): Promise<{ value: T; adopted: boolean }> {
  try {
    return { value: await create(), adopted: false };
  } catch (error) {
    if (!mayHaveBeenMade(error, options.conflictStatus)) throw error;
    const found = await existing();
    if (found === undefined) throw error;
    return { value: found, adopted: true };
  }
}

/** Pure: whether a failed create may still have made its thing. */
export function mayHaveBeenMade(error: unknown, conflictStatus?: number): boolean {
  if (error instanceof OktaRequestError) return conflictStatus !== undefined && error.status === conflictStatus;
  // A RemoteError that is not Okta's answer is no answer: the network, a timeout, a dropped connection.
  return error instanceof RemoteError;
}

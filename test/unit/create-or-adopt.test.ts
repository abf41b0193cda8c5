import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/lib/errors.js';
import { createOrAdopt, mayHaveBeenMade } from '../../src/okta/create-or-adopt.js';
import { OktaRequestError } from '../../src/okta/errors.js';

// #23 item 4: the one "create, or adopt what an earlier attempt made" rule.

const noAnswer = new RemoteError('Cannot reach Okta: POST /api/v1/apps failed: connection reset');
const okta = (status: number) => new OktaRequestError(`Okta answered ${status}`, status, 'E0000001', []);

describe('create or adopt', () => {
  it.each<[string, unknown, number | undefined, boolean]>([
    ['no answer (the write may have landed)', noAnswer, undefined, true],
    ["Okta's refusal of a duplicate, where the caller names it", okta(400), 400, true],
    ['a 400 where no conflict is named', okta(400), undefined, false],
    ['another refusal', okta(403), 400, false],
    ['not a remote failure', new Error('bug'), 400, false],
  ])('%s: looked for = %s', (_name, error, conflictStatus, expected) => {
    expect(mayHaveBeenMade(error, conflictStatus)).toBe(expected);
  });

  it('adopts what is there after a failure that may hide it; without it, the failure stands; a clean create is not looked after', async () => {
    let looked = 0;
    const find = (found: string | undefined) => async () => {
      looked += 1;
      return found;
    };
    expect(await createOrAdopt(async () => 'made', find('other'))).toEqual({ value: 'made', adopted: false });
    expect(looked).toBe(0);
    expect(await createOrAdopt(() => Promise.reject(noAnswer), find('earlier'))).toEqual({ value: 'earlier', adopted: true });
    await expect(createOrAdopt(() => Promise.reject(noAnswer), find(undefined))).rejects.toBe(noAnswer);
    await expect(createOrAdopt(() => Promise.reject(okta(400)), find('there'))).rejects.toBeInstanceOf(OktaRequestError);
    expect(await createOrAdopt(() => Promise.reject(okta(400)), find('there'), { conflictStatus: 400 })).toEqual({ value: 'there', adopted: true });
    expect(looked).toBe(3);
  });
});

import { FetchError, Response } from 'node-fetch';

/**
 * The most one answer may hold. The largest page either API sends is far smaller (a few MB: 1,000
 * System Log events, or hundreds of groups with their stats); past this, something between
 * scim-setup and the service is sending without end, and reading on would only fill memory.
 */
export const ANSWER_LIMIT_BYTES = 32 * 1024 * 1024;

/** An answer past ANSWER_LIMIT_BYTES: not retried (it would be again), said as what it is. */
export class AnswerTooLarge extends Error {
  constructor() {
    super(`the answer is larger than ${ANSWER_LIMIT_BYTES / 1024 / 1024} MB`);
  }
}

/**
 * The answer read whole, within the bound and within the request's own timeout and retries, so that
 * a body that drips, breaks off or floods fails the attempt that sent it, not an SDK's parse later.
 * The SDK then reads a body that is already here.
 */
export async function wholeAnswer(answer: Response): Promise<Response> {
  let body: Buffer;
  try {
    body = await answer.buffer();
  } catch (error) {
    if (error instanceof FetchError && error.type === 'max-size') throw new AnswerTooLarge();
    throw error;
  }
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers: answer.headers, url: answer.url });
}

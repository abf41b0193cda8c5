import { open } from 'node:fs/promises';

/** A read stopped at its bound: what was read is not used. */
export class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`over ${limit} bytes`);
  }
}

/**
 * Reads a file, device or FIFO up to `limit` bytes and fails past it while reading, so that
 * /dev/zero or a runaway pipe costs at most `limit` bytes of memory, never the size reported by
 * stat (a device reports 0).
 */
export async function readBounded(path: string, limit: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      total += bytesRead;
      if (total > limit) throw new TooLarge(limit);
      chunks.push(Buffer.from(chunk.subarray(0, bytesRead)));
    }
  } finally {
    await file.close();
  }
}

/** A stream (stdin) read up to `limit` bytes; past it the read stops and fails. */
export async function readStreamBounded(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    total += bytes.length;
    if (total > limit) {
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
      throw new TooLarge(limit);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

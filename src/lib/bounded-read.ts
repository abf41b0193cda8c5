import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

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
export async function readBounded(path: string, limit: number, opened?: FileHandle): Promise<Buffer> {
  const file = opened ?? (await open(path, 'r'));
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
    if (!opened) await file.close();
  }
}

/** What a path names when it is not a regular file: a FIFO, a device, a socket, a directory. */
export class NotRegular extends Error {
  constructor(readonly kind: string) {
    super(`not a regular file (${kind})`);
  }
}

/**
 * A regular file, read up to `limit` bytes, with its mode. It is opened without blocking, so that a
 * FIFO with no writer answers at once instead of holding the open in a thread no signal reaches,
 * and anything but a regular file is refused before a byte is read.
 */
export async function readRegularFile(path: string, limit: number): Promise<{ bytes: Buffer; mode: number }> {
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = await file.stat();
    if (!stat.isFile())
      throw new NotRegular(
        stat.isFIFO()
          ? 'a FIFO (named pipe)'
          : stat.isCharacterDevice() || stat.isBlockDevice()
            ? 'a device'
            : stat.isSocket()
              ? 'a socket'
              : stat.isDirectory()
                ? 'a directory'
                : 'not a file',
      );
    if (stat.size > limit) throw new TooLarge(limit);
    const bytes = await readBounded(path, limit, file);
    return { bytes, mode: stat.mode };
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

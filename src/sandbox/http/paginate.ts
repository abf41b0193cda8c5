import type { Req } from './types.js';

/**
 * Okta's cursor pages: `limit` and an opaque `after`, with `Link` headers for self and next.
 * The cursor here is the index of the next item, base64url-encoded so that clients cannot rely on it.
 */
export function oktaPage<T>(
  req: Req,
  items: T[],
  defaultLimit: number,
  maxLimit: number,
  /** A stream with no last page (the System Log's polling request): a `next` link always, past the last item read. */
  endless = false,
): { page: T[]; headers: Record<string, string> } {
  const limit = clampLimit(req.query.get('limit'), defaultLimit, maxLimit);
  const after = req.query.get('after');
  const start = after ? decodeCursor(after) : 0;
  const page = items.slice(start, start + limit);
  const self = new URL(req.path, req.baseUrl);
  for (const [k, v] of req.query) self.searchParams.set(k, v);
  const links = [`<${self.toString()}>; rel="self"`];
  if (start + limit < items.length || endless) {
    const next = new URL(self);
    next.searchParams.set('after', encodeCursor(Math.min(start + limit, Math.max(start, items.length))));
    next.searchParams.set('limit', String(limit));
    links.push(`<${next.toString()}>; rel="next"`);
  }
  return { page, headers: { link: links.join(', ') } };
}

function clampLimit(raw: string | null, defaultLimit: number, maxLimit: number): number {
  const n = raw === null ? defaultLimit : Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) return defaultLimit;
  return Math.min(n, maxLimit);
}

function encodeCursor(index: number): string {
  return Buffer.from(`i:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const n = Number.parseInt(text.slice(2), 10);
  return text.startsWith('i:') && Number.isFinite(n) && n >= 0 ? n : 0;
}

export { encodeCursor, decodeCursor };

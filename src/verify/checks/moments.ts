import type { Evidence } from '../types.js';

/** When Cloudflare was read, on this clock, and the settle time a difference must outlast. */
export function readAt(e: Pick<Evidence, 'moments'>): string {
  return `${new Date(e.moments.cloudflareReadAt).toISOString()}; settle ${Math.round(e.moments.settleMs / 1000)}s`;
}

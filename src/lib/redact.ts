/**
 * Every secret the run knows is registered here, and every string that leaves the process
 * (reporter, JSON, errors, debug traces, files it writes) passes through `redact`.
 */
export const REDACTED = '[redacted]';

const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly secrets = new Set<string>();

  register(secret: string | undefined): void {
    if (!secret) return;
    for (const variant of secretVariants(secret)) {
      if (variant.length >= MIN_SECRET_LENGTH) this.secrets.add(variant);
    }
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so that a secret containing another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Redacts every string inside a JSON-able value. */
  redactValue<T>(value: T): T {
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }
}

/** A server that echoes part of a token (its first 20 characters, say) leaks it too: prefixes this long are redacted. */
const MIN_PREFIX = 12;

/** A secret can leak in other spellings: JSON-escaped (PEM newlines), URL-encoded, line by line, or cut short. */
function secretVariants(secret: string): string[] {
  const variants = [secret, secret.trim(), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
  const one = secret.trim();
  if (!one.includes('\n')) for (let n = MIN_PREFIX; n < one.length; n++) variants.push(one.slice(0, n));
  if (secret.includes('\n')) {
    for (const line of secret.split(/\r?\n/)) {
      if (!/^-----(BEGIN|END) /.test(line)) variants.push(line.trim());
    }
  }
  return variants;
}

/** A short, stable, non-reversible label for a secret, for plans and logs. */
export async function fingerprint(secret: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

export function maskToken(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return `${secret.slice(0, 4)}${'*'.repeat(Math.min(secret.length - 8, 24))}${secret.slice(-4)}`;
}

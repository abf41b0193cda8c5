/**
 * Every secret the run knows is registered here, and every string that leaves the process
 * (reporter, JSON, errors, debug traces, files it writes) passes through `redact`.
 */
export const REDACTED = '[redacted]';

const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  register(secret: string | undefined): void {
    if (!secret) return;
    for (const variant of secretVariants(secret)) {
      if (variant.length >= MIN_SECRET_LENGTH) this.secrets.add(variant);
    }
    this.pattern = undefined;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    // One pass over the text, longest alternative first, so that a secret containing another is replaced whole.
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED);
  }

  /** Redacts every string inside a JSON-able value. */
  redactValue<T>(value: T): T {
    // The same shape back: only strings inside it change.
    return JSON.parse(this.redact(JSON.stringify(value)));
  }
}

/** A server that echoes part of a token (its first or last 20 characters, say) leaks it too: pieces this long are redacted. */
const MIN_PIECE = 12;
/** Pieces are for tokens; a long secret (a key, a signed assertion) is found whole, by its lines and encodings. */
const MAX_PIECED = 256;

/**
 * A secret can leak in other spellings: JSON-escaped (PEM newlines), URL-encoded, line by line, cut
 * short at either end, or base64-encoded at any alignment (alone, or inside a longer base64
 * text such as an encoded `Authorization: Bearer …` value).
 */
function secretVariants(secret: string): string[] {
  const one = secret.trim();
  const variants = [secret, one, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
  if (!one.includes('\n') && one.length <= MAX_PIECED) for (let n = MIN_PIECE; n < one.length; n++) variants.push(one.slice(0, n), one.slice(one.length - n));
  if (secret.includes('\n')) {
    for (const line of secret.split(/\r?\n/)) {
      if (!/^-----(BEGIN|END) /.test(line)) variants.push(line.trim());
    }
  }
  variants.push(...base64Forms(one));
  return variants;
}

/**
 * The base64 (and base64url) spellings of a text inside any longer base64 text: for each of the
 * three alignments, the run of characters that encodes the text's bytes alone. At most two bytes at
 * either end are left out, which reveal nothing of a token.
 */
export function base64Forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil(offset / 3) * 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const run = encoded.slice(start, end);
    if (run.length >= 8) out.push(run, run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  out.push(bytes.toString('base64'), bytes.toString('base64url'));
  return out;
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

/**
 * Commander quotes an unknown option whole, `--scim-token=<value>` included: a value given that way
 * may be a secret the program never learnt, so every quoted `--flag=value` is shown without it.
 */
export function hideFlagValues(text: string): string {
  return text.replace(/'(--[\w-]+)=[^']*'/g, "'$1=…'");
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Okta-looking ids (`0oa…`, `00u…`, `00g…`, `gPm…`), 20 characters, deterministic per emulator. */
export class IdFactory {
  private counter = 0;
  constructor(private readonly salt: string) {}

  next(prefix: string): string {
    this.counter += 1;
    let n = this.counter * 7919 + hash(this.salt + prefix);
    let body = '';
    while (body.length < 20 - prefix.length - 4) {
      body += ALPHABET[n % ALPHABET.length];
      n = Math.floor(n / ALPHABET.length) + 104729 * (body.length + 1);
    }
    return prefix + body + this.counter.toString(36).padStart(4, '0');
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

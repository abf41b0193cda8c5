/**
 * Text from outside the program (names from Okta, error bodies from either service) must not
 * drive the terminal: no escape sequences (OSC 52 clipboard writes, screen clears, titles), no
 * carriage returns that overwrite a line, no direction overrides that reorder what is read.
 * They are shown as visible escapes (`\x1b`, `\u202e`) instead.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
/** Colour and style (SGR) sequences, the only escapes the program itself writes (chalk). */
const SGR = /\u001b\[[0-9;]{0,32}m/g;

function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text with every control shown as an escape (colour sequences and carriage returns too); line feeds kept: for what a CI runner reads. */
export function controlsVisible(text: string): string {
  return text.replace(CONTROL, visible);
}

/** One line of untrusted text, every control shown as an escape: for names and messages from the wire. */
export function untrusted(text: string): string {
  return text.replace(/[\n\t]/g, (c) => (c === '\n' ? '\\n' : ' ')).replace(CONTROL, visible);
}

/** A message or name from the wire, as it may be quoted in ours: one line, controls escaped, bounded. */
export function fromWire(value: unknown, max = 300): string {
  const text = untrusted(String(value ?? ''));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A JSON document safe to print: the controls JSON.stringify leaves raw (DEL, C1, direction
 * overrides, zero-width) become \u escapes. Outside strings a document has no such characters, so
 * it parses to the same data.
 */
export function jsonForTerminal(value: unknown): string {
  // `##[` is a workflow command wherever a CI runner reads it; inside a JSON string `[` escaped reads back the same.
  return JSON.stringify(value, null, 2)
    .replace(CONTROL, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
    .replaceAll('##[', '##\\u005b');
}

/**
 * The exit point: all the program writes to a terminal passes here. Its own colour sequences and
 * line breaks stay; every other control character becomes a visible escape.
 */
export function neutralise(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SGR)) {
    out += text.slice(last, match.index).replace(CONTROL, visible) + match[0];
    last = match.index + match[0].length;
  }
  return out + text.slice(last).replace(CONTROL, visible);
}

const visibleLength = (text: string) => text.replace(SGR, '').length;

/**
 * Lines longer than the terminal, folded at spaces and after commas, the rest indented under
 * their line: a terminal would cut them mid-token. A token longer than the line (a URL) is never
 * cut: it stands on a line of its own, whole, so that it can be copied.
 */
export function foldLines(text: string, columns: number): string {
  if (!(columns > 20)) return text;
  return text
    .split('\n')
    .map((line) => {
      if (visibleLength(line) <= columns) return line;
      const indent = ' '.repeat((/^ */.exec(line.replace(SGR, ''))?.[0].length ?? 0) + 2);
      return wrapWords(line, columns, indent).join('\n');
    })
    .join('\n');
}

/**
 * One line broken at spaces and after commas into lines of at most `columns` visible characters,
 * every line after the first starting with `indent`; a token longer than that is left whole.
 */
export function wrapWords(line: string, columns: number, indent = ''): string[] {
  const tokens = (line.match(/[^ ,]*(,|\s+|$)/g) ?? []).filter((t) => t !== '');
  const out: string[] = [];
  let current = '';
  for (const token of tokens) {
    if (current.trim() !== '' && visibleLength(current + token.trimEnd()) > columns) {
      out.push(current.trimEnd());
      current = indent + token.trimStart();
    } else current += token;
  }
  if (current.trim() !== '') out.push(current.trimEnd());
  return out;
}

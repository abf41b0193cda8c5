/**
 * Pure: CSV as RFC 4180 writes it (CRLF between records; a field with a comma, a quote or a line
 * break quoted, its quotes doubled), with every text cell that a spreadsheet would run as a
 * formula (=, +, -, @, a tab or a carriage return first) written with a leading apostrophe, as
 * OWASP's "CSV Injection" advice has it. Numbers are written as numbers.
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and the rows, each of the header's width. */
export function csvDocument(header: string[], rows: CsvCell[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/**
 * One CSV record (RFC 4180): fields with the separator, a comma, a quote, CR or LF are quoted, quotes doubled;
 * CRLF ends the line. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
 * `@`, tab or CR: OWASP's CSV injection rule) is prefixed with a single quote. A dozen lines: a
 * dependency would not be clearer, and we write, we never parse, here.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
// A comma too, whatever the separator: a spreadsheet importing with commas must not start a cell at `,=…`.
const NEEDS_QUOTES = /[";,\r\n]/;

export type CsvCell = string | number | null;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function field(cell: CsvCell, separator: string): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = neutraliseFormula(cell);
  return NEEDS_QUOTES.test(text) || text.includes(separator) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[], separator = ';'): string {
  return `${cells.map(cell => field(cell, separator)).join(separator)}\r\n`;
}

/** UTF-8's byte order mark: without it, Excel reads a CSV in the machine's legacy code page (accents break). */
export const UTF8_BOM = '\uFEFF';

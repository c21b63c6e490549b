/**
 * A cell a spreadsheet would run as a formula: `=`, `+`, `-`, `@` start one in Excel, LibreOffice
 * and Google Sheets, and a leading tab or carriage return is stripped by some of them before that
 * check. Such a cell gets a leading apostrophe (OWASP's advice): shown as text, never evaluated.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain negative amount (`-50.00`, a clawback) is data a spreadsheet reads as the number it is. */
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

/**
 * CSV cells per RFC 4180 (quoted when they hold a comma, quote or line break), with text that
 * could be a formula neutralised. Numbers and booleans are written as they are (a negative
 * number is data, not a formula); every CSV reftrack writes goes through here.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s) && !NEGATIVE_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return values.map(csvCell).join(',');
}

/**
 * Splits CSV text into records of fields (quoted fields may hold commas, quotes, newlines),
 * each with the 1-based line it starts on, so a bad row can be reported by its line.
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[]; raw: string }> {
  const out: Array<{ line: number; fields: string[]; raw: string }> = [];
  let i = 0;
  let line = 1;
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  while (i < src.length) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (; i < src.length; i++) {
      const ch = src[i]!;
      if (quoted) {
        if (ch === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else {
          if (ch === '\n') line++;
          field += ch;
        }
      } else if (ch === '"' && field === '') quoted = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else if (ch === '\n') break;
      else if (ch !== '\r') field += ch;
    }
    fields.push(field);
    const raw = src.slice(start, i).replace(/\r$/, '');
    i++; // past the newline
    line++;
    out.push({ line: startLine, fields, raw });
  }
  return out;
}

/** A line that ends a table of a multi-table export (GA4's): a comment (`#`) or a blank line. */
export function endsTable(record: { readonly raw: string; readonly fields: readonly string[] }): boolean {
  return record.raw.startsWith('#') || record.fields.every((f) => f.trim() === '');
}

/** The columns a table's header line names (as `columnOf` recognises them), each at its first position. */
export function headerColumns<C>(fields: readonly string[], columnOf: (header: string) => C | null): Map<C, number> {
  const found = new Map<C, number>();
  fields.forEach((f, i) => {
    const c = columnOf(f);
    if (c && !found.has(c)) found.set(c, i);
  });
  return found;
}

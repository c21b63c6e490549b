/** CSV cells per RFC 4180: quoted when they hold a comma, quote or line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
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

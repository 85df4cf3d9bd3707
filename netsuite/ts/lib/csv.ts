/** RFC 4180 CSV writing (UTF-8 text, `\n` line ends, one header row). */

/** Leading characters a spreadsheet would read as a formula (OWASP CSV injection), plus NUL. */
const FORMULA_RE = /^[=+\-@\t\r\n\0]/;

/** Free text only: prefixes `'` to text that starts like a formula. Ids are never altered. */
export function neutralize(text: string): string {
  return FORMULA_RE.test(text) ? `'${text}` : text;
}

/** One cell: quoted when it holds a comma, quote, CR/LF or edge spaces; quotes doubled. */
export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}

/** Header + rows, each line ended by `\n`. */
export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  let out = csvLine(header) + '\n';
  for (const r of rows) out += csvLine(r) + '\n';
  return out;
}

/** True when the text has at least one non-blank line after the header. */
export function hasDataRows(text: string): boolean {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let nonBlank = 0;
  for (const l of lines) if (l.trim() !== '' && ++nonBlank > 1) return true;
  return false;
}

/** UTF-8 byte length of a JS string. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

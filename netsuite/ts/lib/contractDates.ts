/**
 * The feeds fix their date columns to `M/D/YYYY` (feeds.md v2), but a NetSuite CSV import reads a
 * date cell in the Date Format preference of the user who runs the import (CSV Import Assistant
 * help: "dates must match the format set in your Date Format preference"). An import script
 * therefore rewrites each contract date into that preference before it submits the file, and
 * refuses a row whose date is not a real `M/D/YYYY` day, so the result never depends on who runs
 * the script.
 */
import * as runtime from 'N/runtime';
import { csvDocument } from './csv';
import type { PreparedFile } from './csvImportFeed';
import type { RowRefusal } from './report';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const TOKENS = ['YYYY', 'MONTH', 'Mon', 'MM', 'M', 'DD', 'D'];
const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n));

/** A calendar day written in a DATEFORMAT preference (`D/M/YYYY`, `DD.MM.YYYY`, `DD-Mon-YYYY`, …). */
export function dayInFormat(year: number, month: number, day: number, format: string): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const token = TOKENS.find((t) => format.substr(i, t.length) === t);
    if (!token) {
      out += format.charAt(i);
      i += 1;
      continue;
    }
    i += token.length;
    if (token === 'YYYY') out += String(year);
    else if (token === 'MONTH') out += MONTH_NAMES[month - 1];
    else if (token === 'Mon') out += MONTH_NAMES[month - 1].slice(0, 3);
    else if (token === 'MM') out += twoDigits(month);
    else if (token === 'M') out += String(month);
    else if (token === 'DD') out += twoDigits(day);
    else out += String(day);
  }
  return out;
}

/** `M/D/YYYY` of a day that exists → [year, month, day]; anything else → null. */
export function parseContractDay(text: string): [number, number, number] | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  const year = Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return [year, month, day];
}

/** The importing user's Date Format preference ('' when NetSuite does not say). */
export function userDateFormat(): string {
  return String(runtime.getCurrentUser().getPreference({ name: 'DATEFORMAT' }) || '').trim();
}

/**
 * Rewrites the `column` cells of a parsed CSV (header first) from `M/D/YYYY` into `format`.
 * A row whose cell is not a contract date is left out and refused; with `allowEmpty` an empty
 * cell is kept as it is. A table without the column is returned as it is.
 */
export function rewriteDateColumn(table: string[][], column: string, format: string, allowEmpty = false): PreparedFile {
  const header = table.length ? table[0] : [];
  const at = header.map((h) => h.trim()).indexOf(column);
  const rows = table.slice(1);
  if (at < 0) return { text: csvDocument(header, rows), origin: rows.map((_, i) => i + 1), refused: [], rewritten: true };
  const kept: string[][] = [];
  const origin: number[] = [];
  const refused: RowRefusal[] = [];
  rows.forEach((row, i) => {
    const raw = row[at] === undefined ? '' : row[at];
    if (allowEmpty && raw.trim() === '') {
      kept.push(row);
      origin.push(i + 1);
      return;
    }
    const day = parseContractDay(raw);
    if (!day) {
      refused.push({ row: i + 1, message: `${column} "${raw}" is not a day in the M/D/YYYY format the feed contract fixes` });
      return;
    }
    const copy = row.slice();
    copy[at] = format ? dayInFormat(day[0], day[1], day[2], format) : raw.trim();
    kept.push(copy);
    origin.push(i + 1);
  });
  return { text: kept.length ? csvDocument(header, kept) : '', origin, refused, rewritten: true };
}

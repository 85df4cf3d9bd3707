/** Error messages and the per-run error report written to a feed's `error/` folder. */
import type * as sftp from 'N/sftp';
import { csvDocument, neutralize } from './csv';
import { utcStamp, withSuffix } from './names';
import { uploadAtomic } from './sftpClient';

export interface FileError {
  fileName: string;
  taskId: string;
  message: string;
}

/** `NAME: message` of a SuiteScriptError / Error / anything thrown. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { name?: unknown; message?: unknown };
    const name = typeof o.name === 'string' ? o.name : '';
    const message = typeof o.message === 'string' ? o.message : JSON.stringify(e);
    return name && name !== 'Error' ? `${name}: ${message}` : message;
  }
  return String(e);
}

export const ERROR_REPORT_HEADER = ['fileName', 'taskId', 'errorMessage'];

/**
 * One report per run listing every failed file (HotWax re-initialised its list per file and named
 * the report after `new Date()`, which has spaces and colons). Name:
 * `yyyy-MM-dd-HH-mm-ss-{label}.csv` (UTC); a second report in the same second gets `-2`.
 */
export function writeErrorReport(conn: sftp.Connection, dir: string, label: string, errors: readonly FileError[], now: Date): string {
  const rows = errors.map((e) => [neutralize(e.fileName), e.taskId, neutralize(e.message)]);
  const name = `${utcStamp(now)}-${label}.csv`;
  return uploadAtomic(conn, dir, name, csvDocument(ERROR_REPORT_HEADER, rows), (n) => withSuffix(name, `-${n}`));
}

/**
 * RFC 4180 reader (quoted cells, doubled quotes, CR/LF inside quotes, a leading BOM). Blank lines
 * are skipped. Returns the rows as arrays of cells, header first.
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (text.charAt(i + 1) === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text.charAt(i + 1) === '\n') i++;
      endRow();
    } else cell += c;
  }
  if (cell !== '' || row.length) endRow();
  return rows;
}

/** One refused row of an imported file: its 1-based data row and why. */
export interface RowRefusal {
  row: number;
  message: string;
}

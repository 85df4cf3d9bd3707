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

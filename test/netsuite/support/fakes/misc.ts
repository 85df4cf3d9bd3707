/**
 * Small fakes: governance + N/runtime, N/log, N/file, N/format, N/crypto, N/encode, N/error.
 */
import { createHash } from 'node:crypto';
import { formatDate, parseDate } from '../../emulator/dateFormat';

/** A SuiteScriptError look-alike: `name` is the NetSuite error code. */
export function nsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, type: 'error.SuiteScriptError' });
}

/**
 * Usage units of the running invocation. NetSuite ends a script that asks for more units than it
 * has left with SSS_USAGE_LIMIT_EXCEEDED (Help: "SuiteScript Governance and Limits"; scheduled
 * script 10,000 units, map 1,000, reduce 5,000, getInputData and summarize 10,000). The script does
 * not live on after that: here every later governed call of the same invocation throws again, so
 * a script that catches the error cannot carry on as if nothing happened.
 *
 * `interruptAfter(n)` emulates an application server restart: the n-th governed call from now
 * (counted across the invocation) throws `SERVER_RESTART` (and so does every call after it),
 * and `interrupted` tells the Map/Reduce runner to restart the invocation.
 */
export class Governance {
  remaining = 10_000;
  used = 0;
  exceeded = false;
  interrupted = false;
  /** Governed calls made since the last reset. */
  calls = 0;
  private interruptAt = 0;

  use(units: number): void {
    if (this.interrupted) throw nsError('SERVER_RESTART', 'the invocation was interrupted (application server restart)');
    if (this.exceeded) throw nsError('SSS_USAGE_LIMIT_EXCEEDED', 'Script Execution Usage Limit Exceeded');
    this.calls++;
    if (this.interruptAt > 0 && this.calls >= this.interruptAt) {
      this.interrupted = true;
      this.interruptAt = 0;
      throw nsError('SERVER_RESTART', 'the invocation was interrupted (application server restart)');
    }
    if (this.remaining - units < 0) {
      this.exceeded = true;
      throw nsError('SSS_USAGE_LIMIT_EXCEEDED', `Script Execution Usage Limit Exceeded: needs ${units} units, ${this.remaining} left`);
    }
    this.remaining -= units;
    this.used += units;
  }

  /** A new invocation with `units` to spend. */
  reset(units: number): void {
    this.remaining = units;
    this.used = 0;
    this.calls = 0;
    this.exceeded = false;
    this.interrupted = false;
  }

  /** The `n`-th governed call from the start of the next invocation is interrupted. */
  interruptAfter(n: number): void {
    this.interruptAt = n;
  }
}

/** Preferences of the user the scripts (and the CSV imports they submit) run as. */
export interface UserPrefs {
  /** DATEFORMAT preference, e.g. `M/D/YYYY`, `D/M/YYYY`, `YYYY-MM-DD`, `DD.MM.YYYY`. */
  dateFormat: string;
}

export function fakeRuntime(gov: Governance, params: Record<string, unknown>, script = { id: 'customscript_test', deploymentId: 'customdeploy_test' }, prefs: UserPrefs = { dateFormat: 'M/D/YYYY' }) {
  return {
    ContextType: { SCHEDULED: 'SCHEDULED', MAP_REDUCE: 'MAPREDUCE', CSV_IMPORT: 'CSVIMPORT', USER_INTERFACE: 'USERINTERFACE' },
    executionContext: 'SCHEDULED',
    getCurrentScript: () => ({
      id: script.id,
      deploymentId: script.deploymentId,
      logLevel: 'DEBUG',
      getRemainingUsage: () => gov.remaining,
      getParameter: ({ name }: { name: string }) => (name in params ? params[name] : null),
    }),
    getCurrentUser: () => ({
      id: 7,
      getPreference: ({ name }: { name: string }) => (name.toUpperCase() === 'DATEFORMAT' ? prefs.dateFormat : ''),
    }),
  };
}

export interface LogEntry {
  level: 'debug' | 'audit' | 'error' | 'emergency';
  title: string;
  details: string;
}

export function fakeLog(entries: LogEntry[]) {
  const at = (level: LogEntry['level']) => (o: { title?: unknown; details?: unknown }) => {
    entries.push({ level, title: String(o.title ?? ''), details: typeof o.details === 'string' ? o.details : JSON.stringify(o.details) });
  };
  return { debug: at('debug'), audit: at('audit'), error: at('error'), emergency: at('emergency') };
}

/**
 * N/file holds at most 10 MB of text in memory: `file.create` refuses larger contents and
 * `File.getContents()` throws on a larger file (Help: N/file module, "File.getContents()":
 * "files up to 10 MB"; error SSS_FILE_CONTENT_SIZE_EXCEEDED). `size` is always readable.
 */
export const FILE_CONTENT_LIMIT = 10 * 1024 * 1024;

export class FakeFile {
  readonly isText = true;
  constructor(public name: string, private contents: string, public fileType = 'CSV') {}
  get size(): number {
    return Buffer.byteLength(this.contents, 'utf8');
  }
  getContents(): string {
    if (this.size > FILE_CONTENT_LIMIT) throw nsError('SSS_FILE_CONTENT_SIZE_EXCEEDED', `The file content you are attempting to access exceeds the maximum allowed size of 10 MB (${this.size} bytes).`);
    return this.contents;
  }
}

export function fakeFile() {
  return {
    Type: { CSV: 'CSV', PLAINTEXT: 'PLAINTEXT', JSON: 'JSON' },
    Encoding: { UTF_8: 'UTF-8' },
    create: (o: { name: string; fileType: string; contents: string }) => {
      if (!o.name || o.contents === undefined) throw nsError('SSS_MISSING_REQD_ARGUMENT', 'file.create needs name and contents');
      if (Buffer.byteLength(o.contents, 'utf8') > FILE_CONTENT_LIMIT) throw nsError('SSS_FILE_CONTENT_SIZE_EXCEEDED', 'file.create: contents over 10 MB');
      return new FakeFile(o.name, o.contents, o.fileType);
    },
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The account's date/time preference in these fakes: `M/D/YYYY h:mm am` (UTC, minute precision). */
export function formatDateTime(d: Date): string {
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())} ${h < 12 ? 'am' : 'pm'}`;
}

export function parseDateTime(s: string): Date {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2}) (am|pm))?$/.exec(s.trim());
  if (!m) throw nsError('INVALID_FLD_VALUE', `not a date/time: ${s}`);
  let h = m[4] ? Number(m[4]) % 12 : 0;
  if (m[6] === 'pm') h += 12;
  return new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), h, m[5] ? Number(m[5]) : 0));
}

/** N/format: DATE values in the user's date format preference; DATETIME as `formatDateTime`. */
export function fakeFormat(prefs: UserPrefs = { dateFormat: 'M/D/YYYY' }) {
  const Type = { DATE: 'date', DATETIME: 'datetime', DATETIMETZ: 'datetimetz' };
  return {
    Type,
    format: ({ value, type }: { value: unknown; type: string }) => {
      if (!(value instanceof Date)) return String(value);
      if (type === Type.DATE) return formatDate(value, prefs.dateFormat);
      return formatDateTime(value);
    },
    parse: ({ value, type }: { value: string; type: string }) => {
      if (type === Type.DATE) {
        const d = parseDate(value, prefs.dateFormat);
        if (!d) throw nsError('INVALID_FLD_VALUE', `not a date in ${prefs.dateFormat}: ${value}`);
        return d;
      }
      return parseDateTime(value);
    },
  };
}

export function fakeCrypto() {
  return {
    HashAlg: { SHA256: 'SHA256', SHA512: 'SHA512' },
    createHash: ({ algorithm }: { algorithm: string }) => {
      const h = createHash(algorithm === 'SHA512' ? 'sha512' : 'sha256');
      return {
        update: ({ input, inputEncoding }: { input: string; inputEncoding?: string }) => {
          h.update(Buffer.from(input, inputEncoding === 'HEX' ? 'hex' : inputEncoding === 'BASE_64' ? 'base64' : 'utf8'));
        },
        digest: ({ outputEncoding }: { outputEncoding?: string }) => h.digest(outputEncoding === 'BASE_64' ? 'base64' : 'hex').toUpperCase(),
      };
    },
  };
}

export function fakeEncode() {
  return { Encoding: { UTF_8: 'UTF_8', HEX: 'HEX', BASE_64: 'BASE_64' } };
}

export function fakeError() {
  return { create: ({ name, message }: { name: string; message: string }) => nsError(name, message) };
}

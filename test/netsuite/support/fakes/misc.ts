/**
 * Small fakes: governance + N/runtime, N/log, N/file, N/format, N/crypto, N/encode, N/error.
 */
import { createHash } from 'node:crypto';

/** A SuiteScriptError look-alike: `name` is the NetSuite error code. */
export function nsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, type: 'error.SuiteScriptError' });
}

/** Usage units of the running invocation; NetSuite aborts a script that goes below zero. */
export class Governance {
  remaining = 10_000;
  used = 0;
  use(units: number): void {
    if (this.remaining - units < 0) throw nsError('SSS_USAGE_LIMIT_EXCEEDED', `needs ${units} units, ${this.remaining} left`);
    this.remaining -= units;
    this.used += units;
  }
  reset(units: number): void {
    this.remaining = units;
  }
}

export function fakeRuntime(gov: Governance, params: Record<string, unknown>, script = { id: 'customscript_test', deploymentId: 'customdeploy_test' }) {
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

/** An N/file on-demand file. */
export class FakeFile {
  constructor(public name: string, private contents: string, public fileType = 'CSV') {}
  get size(): number {
    return Buffer.byteLength(this.contents, 'utf8');
  }
  getContents(): string {
    return this.contents;
  }
}

export function fakeFile() {
  return {
    Type: { CSV: 'CSV', PLAINTEXT: 'PLAINTEXT', JSON: 'JSON' },
    Encoding: { UTF_8: 'UTF-8' },
    create: (o: { name: string; fileType: string; contents: string }) => {
      if (!o.name || o.contents === undefined) throw nsError('SSS_MISSING_REQD_ARGUMENT', 'file.create needs name and contents');
      if (Buffer.byteLength(o.contents, 'utf8') > 10 * 1024 * 1024) throw nsError('SSS_FILE_CONTENT_SIZE_EXCEEDED', 'over 10 MB');
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

export function fakeFormat() {
  const Type = { DATE: 'date', DATETIME: 'datetime', DATETIMETZ: 'datetimetz' };
  return {
    Type,
    format: ({ value, type }: { value: unknown; type: string }) => {
      if (!(value instanceof Date)) return String(value);
      if (type === Type.DATE) return formatDateTime(value).split(' ')[0];
      return formatDateTime(value);
    },
    parse: ({ value }: { value: string; type: string }) => parseDateTime(value),
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

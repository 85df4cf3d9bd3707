/**
 * In-memory SFTP server behind a fake N/sftp: connections open on a working directory; paths are
 * relative to it unless absolute; `list` returns `.`/`..` and sorts by `sftp.Sort`; `upload`
 * refuses to overwrite unless `replaceExisting`; `move` needs an existing source and target folder
 * and a free target name (FTP_INVALID_MOVE otherwise). Every call costs governance.
 */
import { FakeFile, type Governance, nsError } from './misc';

export const SFTP_COST = { list: 10, download: 100, upload: 100, move: 10, makeDirectory: 10, removeFile: 10, removeDirectory: 10 };

export type SftpOp = keyof typeof SFTP_COST;

export interface SftpCall {
  op: SftpOp;
  path: string;
  to?: string;
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return '/' + out.join('/');
}

const parentOf = (p: string) => normalize(p.slice(0, p.lastIndexOf('/')) || '/');
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export class FakeSftpServer {
  readonly files = new Map<string, { content: string; mtime: number }>();
  readonly dirs = new Set<string>(['/']);
  readonly calls: SftpCall[] = [];
  readonly connections: Record<string, unknown>[] = [];
  private tick = 0;
  /** Lists sizes as 0 (a server whose listing lags the upload): the script must check the download too. */
  understateSizes = false;
  private failures: ((call: SftpCall) => Error | undefined)[] = [];

  constructor(private gov: Governance) {}

  /** Creates `abs` and its parents. */
  mkdirp(abs: string): void {
    let cur = '';
    for (const s of normalize(abs).split('/').filter(Boolean)) {
      cur += `/${s}`;
      this.dirs.add(cur);
    }
  }

  /** Test helper: writes a file (parents created), newer than every file before it. */
  put(abs: string, content: string): void {
    const p = normalize(abs);
    this.mkdirp(parentOf(p));
    this.files.set(p, { content, mtime: ++this.tick });
  }

  read(abs: string): string | undefined {
    return this.files.get(normalize(abs))?.content;
  }

  /** Names of the files (not folders) directly in `abs`, sorted. */
  ls(abs: string): string[] {
    const d = normalize(abs);
    return [...this.files.keys()].filter((p) => parentOf(p) === d).map(baseName).sort();
  }

  removeTree(abs: string): void {
    const d = normalize(abs);
    for (const p of [...this.files.keys()]) if (p === d || p.startsWith(`${d}/`)) this.files.delete(p);
    for (const p of [...this.dirs]) if (p === d || p.startsWith(`${d}/`)) this.dirs.delete(p);
  }

  /** Makes matching calls throw (the function returns the error to throw, or undefined). */
  failWhen(f: (call: SftpCall) => Error | undefined): void {
    this.failures.push(f);
  }

  clearFailures(): void {
    this.failures = [];
  }

  private call(c: SftpCall): void {
    this.gov.use(SFTP_COST[c.op]);
    this.calls.push(c);
    for (const f of this.failures) {
      const e = f(c);
      if (e) throw e;
    }
  }

  module() {
    const Sort = { DATE: 'DATE', DATE_DESC: 'DATE_DESC', NAME: 'NAME', NAME_DESC: 'NAME_DESC', SIZE: 'SIZE', SIZE_DESC: 'SIZE_DESC' };
    const createConnection = (o: Record<string, unknown>) => {
      for (const k of ['url', 'hostKey', 'username']) if (!o[k]) throw nsError('SSS_MISSING_REQD_ARGUMENT', `createConnection: ${k}`);
      const creds = ['passwordGuid', 'secret', 'keyId'].filter((k) => o[k]);
      if (creds.length !== 1) throw nsError('SSS_INVALID_ARG', 'createConnection: exactly one of passwordGuid, secret, keyId');
      const cwd = normalize(String(o.directory ?? '/'));
      if (!this.dirs.has(cwd)) throw nsError('FTP_INVALID_DIRECTORY', `no directory ${cwd}`);
      this.connections.push(o);
      return this.connection(cwd, Sort);
    };
    return { Sort, createConnection };
  }

  private connection(cwd: string, Sort: Record<string, string>) {
    const abs = (p: string) => (p.startsWith('/') ? normalize(p) : normalize(`${cwd}/${p}`));
    const join = (dir: string | undefined, name: string) => abs(dir ? `${dir}/${name}` : name);
    return {
      list: ({ path, sort }: { path: string; sort?: string }) => {
        const d = abs(path ?? '.');
        this.call({ op: 'list', path: d });
        if (!this.dirs.has(d)) throw nsError('FTP_INVALID_DIRECTORY', `no directory ${d}`);
        const entries = [
          { directory: true, name: '.', size: '4096', mtime: 0 },
          { directory: true, name: '..', size: '4096', mtime: 0 },
          ...[...this.dirs].filter((p) => p !== d && parentOf(p) === d).map((p) => ({ directory: true, name: baseName(p), size: '4096', mtime: 0 })),
          ...[...this.files].filter(([p]) => parentOf(p) === d).map(([p, f]) => ({ directory: false, name: baseName(p), size: String(this.understateSizes ? 0 : Buffer.byteLength(f.content)), mtime: f.mtime })),
        ];
        const by: Record<string, (a: (typeof entries)[0], b: (typeof entries)[0]) => number> = {
          [Sort.DATE]: (a, b) => a.mtime - b.mtime,
          [Sort.DATE_DESC]: (a, b) => b.mtime - a.mtime,
          [Sort.NAME]: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
          [Sort.NAME_DESC]: (a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0),
          [Sort.SIZE]: (a, b) => Number(a.size) - Number(b.size),
          [Sort.SIZE_DESC]: (a, b) => Number(b.size) - Number(a.size),
        };
        if (sort && by[sort]) entries.sort(by[sort]);
        return entries.map((e) => ({ directory: e.directory, name: e.name, size: e.size, lastModified: new Date(Date.UTC(2026, 0, 1) + e.mtime * 1000).toString() }));
      },
      download: ({ directory, filename }: { directory?: string; filename: string }) => {
        const p = join(directory, filename);
        this.call({ op: 'download', path: p });
        const f = this.files.get(p);
        if (!f) throw nsError('FTP_INVALID_REMOTE_PATH', `no file ${p}`);
        return new FakeFile(filename, f.content);
      },
      upload: ({ file, filename, directory, replaceExisting }: { file: FakeFile; filename?: string; directory?: string; replaceExisting?: boolean }) => {
        const p = join(directory, filename ?? file.name);
        this.call({ op: 'upload', path: p });
        if (!this.dirs.has(parentOf(p))) throw nsError('FTP_INVALID_DIRECTORY', `no directory ${parentOf(p)}`);
        if (this.files.has(p) && !replaceExisting) throw nsError('FTP_FILE_ALREADY_EXISTS', `${p} exists`);
        this.files.set(p, { content: file.getContents(), mtime: ++this.tick });
      },
      move: ({ from, to }: { from: string; to: string }) => {
        const src = abs(from);
        const dst = abs(to);
        this.call({ op: 'move', path: src, to: dst });
        const f = this.files.get(src);
        if (!f || !this.dirs.has(parentOf(dst)) || this.files.has(dst) || this.dirs.has(dst)) throw nsError('FTP_INVALID_MOVE', `cannot move ${src} to ${dst}`);
        this.files.delete(src);
        this.files.set(dst, f);
      },
      makeDirectory: ({ path }: { path: string }) => {
        const d = abs(path);
        this.call({ op: 'makeDirectory', path: d });
        if (!this.dirs.has(parentOf(d)) || this.dirs.has(d) || this.files.has(d)) throw nsError('FTP_INVALID_DIRECTORY', `cannot create ${d}`);
        this.dirs.add(d);
      },
      removeFile: ({ path }: { path: string }) => {
        const p = abs(path);
        this.call({ op: 'removeFile', path: p });
        if (!this.files.delete(p)) throw nsError('FTP_INVALID_REMOTE_PATH', `no file ${p}`);
      },
      removeDirectory: ({ path }: { path: string }) => {
        const d = abs(path);
        this.call({ op: 'removeDirectory', path: d });
        if (!this.dirs.has(d) || [...this.files.keys(), ...this.dirs].some((p) => parentOf(p) === d && p !== d)) throw nsError('FTP_INVALID_DIRECTORY', `cannot remove ${d}`);
        this.dirs.delete(d);
      },
    };
  }
}

/**
 * A real-SFTP mode for the emulator's `N/sftp`: the same synchronous connection API as
 * `support/fakes/sftp.ts`, but every call goes over SSH to a real server (ssh2-sftp-client in a
 * worker thread; the main thread blocks on `Atomics.wait` until the worker answers, as a
 * SuiteScript call blocks until NetSuite's SFTP client returns). The server must not run on the
 * main thread (see `test/netsuite/loop/sftp-server-worker.ts`), or the blocked thread would wait
 * on itself.
 *
 * Behaviour kept from the fake, after NetSuite's N/sftp documentation (SuiteAnswers "N/sftp
 * Module", "sftp.Connection"): `list` returns `.` and `..` and sorts by `sftp.Sort`; `upload`
 * refuses to overwrite unless `replaceExisting` (FTP_FILE_ALREADY_EXISTS); `move` needs an
 * existing source and a free target (FTP_INVALID_MOVE); governance is charged per call.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { FakeFile, type Governance, nsError } from '../support/fakes/misc';
import { SFTP_COST, type SftpCall } from '../support/fakes/sftp';
import { BlockingWorker } from './blocking-worker';

export interface RealSftpTarget {
  host: string;
  port: number;
  username: string;
  /** Credential GUIDs of the account (passwordGuid / secret) → the password they stand for. */
  secrets: Record<string, string>;
}

interface Entry { type: string; name: string; size: number; modifyTime: number }

const posix = path.posix;

export class RealSftpServer {
  readonly calls: SftpCall[] = [];
  readonly connections: Record<string, unknown>[] = [];
  private channel: BlockingWorker;

  constructor(private gov: Governance, private target: RealSftpTarget) {
    this.channel = new BlockingWorker(path.join(path.dirname(fileURLToPath(import.meta.url)), '../loop/sftp-client-worker.mjs'));
  }

  /** Sends one request to the worker and blocks until it answers (60 s at most). */
  private request<T>(req: Record<string, unknown>): T {
    const msg = this.channel.call<T>(req);
    if (msg === 'timed-out') throw nsError('FTP_CONNECT_TIMEOUT_EXCEEDED', `SFTP ${String(req.op)} timed out`);
    if (!msg.ok) throw Object.assign(new Error(msg.message), { code: msg.code });
    return msg.value as T;
  }

  async close(): Promise<void> {
    await this.channel.close();
  }

  private charge(c: SftpCall): void {
    this.gov.use(SFTP_COST[c.op]);
    this.calls.push(c);
  }

  module() {
    const Sort = { DATE: 'DATE', DATE_DESC: 'DATE_DESC', NAME: 'NAME', NAME_DESC: 'NAME_DESC', SIZE: 'SIZE', SIZE_DESC: 'SIZE_DESC' };
    const createConnection = (o: Record<string, unknown>) => {
      for (const k of ['url', 'hostKey', 'username']) if (!o[k]) throw nsError('SSS_MISSING_REQD_ARGUMENT', `createConnection: ${k}`);
      const creds = ['passwordGuid', 'secret'].filter((k) => o[k]);
      if (creds.length !== 1) throw nsError('SSS_INVALID_ARG', 'createConnection: exactly one of passwordGuid, secret');
      const password = this.target.secrets[String(o[creds[0]])];
      if (password === undefined) throw nsError('FTP_INCORRECT_PASSWORD', 'unknown credential');
      if (String(o.username) !== this.target.username) throw nsError('FTP_INCORRECT_USERNAME', `unknown user ${String(o.username)}`);
      let conn: number;
      try {
        const { host, port, username } = this.target;
        conn = this.request<number>({ op: 'connect', options: { host, port, username, password, readyTimeout: 10_000 } });
      } catch (e) {
        throw nsError('FTP_CANNOT_ESTABLISH_CONNECTION', (e as Error).message);
      }
      const cwd = posix.resolve('/', String(o.directory ?? '/'));
      if (this.request<string | false>({ op: 'exists', conn, path: cwd }) !== 'd') throw nsError('FTP_INVALID_DIRECTORY', `no directory ${cwd}`);
      this.connections.push(o);
      return this.connection(conn, cwd, Sort);
    };
    return { Sort, createConnection };
  }

  private connection(conn: number, cwd: string, Sort: Record<string, string>) {
    const abs = (p: string) => posix.resolve(cwd, p);
    const join = (dir: string | undefined, name: string) => abs(dir ? `${dir}/${name}` : name);
    const kind = (p: string) => this.request<string | false>({ op: 'exists', conn, path: p });
    const fail = (name: string, message: string) => nsError(name, message);
    return {
      list: ({ path: p, sort }: { path: string; sort?: string }) => {
        const d = abs(p ?? '.');
        this.charge({ op: 'list', path: d });
        if (kind(d) !== 'd') throw fail('FTP_INVALID_DIRECTORY', `no directory ${d}`);
        const found = this.request<Entry[]>({ op: 'list', conn, path: d }).filter((e) => e.name !== '.' && e.name !== '..');
        const entries = [{ type: 'd', name: '.', size: 4096, modifyTime: 0 }, { type: 'd', name: '..', size: 4096, modifyTime: 0 }, ...found];
        const byName = (a: Entry, b: Entry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
        const by: Record<string, (a: Entry, b: Entry) => number> = {
          // SFTP v3 carries whole seconds: files of the same second keep their name order.
          [Sort.DATE]: (a, b) => a.modifyTime - b.modifyTime || byName(a, b),
          [Sort.DATE_DESC]: (a, b) => b.modifyTime - a.modifyTime || byName(b, a),
          [Sort.NAME]: byName,
          [Sort.NAME_DESC]: (a, b) => byName(b, a),
          [Sort.SIZE]: (a, b) => a.size - b.size,
          [Sort.SIZE_DESC]: (a, b) => b.size - a.size,
        };
        if (sort && by[sort]) entries.sort(by[sort]);
        return entries.map((e) => ({ directory: e.type === 'd', name: e.name, size: String(e.size), lastModified: new Date(e.modifyTime).toString() }));
      },
      download: ({ directory, filename }: { directory?: string; filename: string }) => {
        const p = join(directory, filename);
        this.charge({ op: 'download', path: p });
        if (kind(p) !== '-') throw fail('FTP_INVALID_REMOTE_PATH', `no file ${p}`);
        return new FakeFile(filename, this.request<string>({ op: 'get', conn, path: p }));
      },
      upload: ({ file, filename, directory, replaceExisting }: { file: FakeFile; filename?: string; directory?: string; replaceExisting?: boolean }) => {
        const p = join(directory, filename ?? file.name);
        this.charge({ op: 'upload', path: p });
        if (kind(posix.dirname(p)) !== 'd') throw fail('FTP_INVALID_DIRECTORY', `no directory ${posix.dirname(p)}`);
        if (kind(p) && !replaceExisting) throw fail('FTP_FILE_ALREADY_EXISTS', `${p} exists`);
        this.request({ op: 'put', conn, path: p, content: file.getContents() });
      },
      move: ({ from, to }: { from: string; to: string }) => {
        const src = abs(from);
        const dst = abs(to);
        this.charge({ op: 'move', path: src, to: dst });
        if (kind(src) !== '-' || kind(posix.dirname(dst)) !== 'd' || kind(dst)) throw fail('FTP_INVALID_MOVE', `cannot move ${src} to ${dst}`);
        this.request({ op: 'rename', conn, from: src, to: dst });
      },
      makeDirectory: ({ path: p }: { path: string }) => {
        const d = abs(p);
        this.charge({ op: 'makeDirectory', path: d });
        if (kind(posix.dirname(d)) !== 'd' || kind(d)) throw fail('FTP_INVALID_DIRECTORY', `cannot create ${d}`);
        this.request({ op: 'mkdir', conn, path: d });
      },
      removeFile: ({ path: p }: { path: string }) => {
        const f = abs(p);
        this.charge({ op: 'removeFile', path: f });
        if (kind(f) !== '-') throw fail('FTP_INVALID_REMOTE_PATH', `no file ${f}`);
        this.request({ op: 'delete', conn, path: f });
      },
      removeDirectory: ({ path: p }: { path: string }) => {
        const d = abs(p);
        this.charge({ op: 'removeDirectory', path: d });
        const busy = () => this.request<Entry[]>({ op: 'list', conn, path: d }).some((e) => e.name !== '.' && e.name !== '..');
        if (kind(d) !== 'd' || busy()) throw fail('FTP_INVALID_DIRECTORY', `cannot remove ${d}`);
        this.request({ op: 'rmdir', conn, path: d });
      },
    };
  }
}

// Worker side of the emulator's real-SFTP N/sftp (see ../emulator/realSftp.ts): one
// ssh2-sftp-client connection per NetSuite connection, each request answered on the shared port,
// then the waiting main thread is woken through the shared Int32Array (../emulator/blocking-worker.ts).
import { parentPort } from 'node:worker_threads';
import SftpClient from 'ssh2-sftp-client';
import { answer } from '../emulator/blocking-worker-side.mjs';

const clients = new Map();
let next = 0;

async function handle(req) {
  if (req.op === 'connect') {
    const c = new SftpClient();
    await c.connect(req.options);
    const id = ++next;
    clients.set(id, c);
    return id;
  }
  const c = clients.get(req.conn);
  if (!c) throw Object.assign(new Error(`no connection ${req.conn}`), { code: 'NO_CONNECTION' });
  switch (req.op) {
    case 'end': clients.delete(req.conn); await c.end(); return true;
    case 'list': return (await c.list(req.path)).map((e) => ({ type: e.type, name: e.name, size: e.size, modifyTime: e.modifyTime }));
    case 'exists': return await c.exists(req.path);
    case 'get': return (await c.get(req.path)).toString('utf8');
    case 'put': await c.put(Buffer.from(req.content, 'utf8'), req.path); return true;
    case 'rename': await c.rename(req.from, req.to); return true;
    case 'mkdir': await c.mkdir(req.path, false); return true;
    case 'delete': await c.delete(req.path); return true;
    case 'rmdir': await c.rmdir(req.path, false); return true;
    default: throw new Error(`unknown op ${req.op}`);
  }
}

parentPort.on('message', async (req) => {
  if (req === 'close') {
    for (const c of clients.values()) await c.end().catch(() => {});
    parentPort.close();
    return;
  }
  let reply;
  try {
    reply = { ok: true, value: await handle(req) };
  } catch (e) {
    reply = { ok: false, message: String(e?.message ?? e), code: e?.code };
  }
  answer(reply);
});

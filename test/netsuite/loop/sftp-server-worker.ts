/**
 * Runs the test SFTP server (`test/support/sftp-server.ts`) in a worker thread, so that the
 * emulator's synchronous N/sftp can block the main thread while the server answers.
 * The parent posts `'close'` to stop it; the worker posts the server's coordinates once listening.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startSftpServer } from '../../support/sftp-server';

const server = await startSftpServer({ username: (workerData as { username: string }).username });
parentPort!.postMessage({
  host: server.host,
  port: server.port,
  username: server.username,
  password: server.password,
  privateKey: server.privateKey,
  hostKeySha256: server.hostKeySha256,
  rootDir: server.rootDir,
  homeDir: server.homeDir,
});
parentPort!.on('message', async (m) => {
  if (m === 'close') {
    await server.close();
    parentPort!.postMessage('closed');
    parentPort!.close();
  }
});

/**
 * A worker thread called synchronously: the calling thread posts a request and blocks on
 * `Atomics.wait` until the worker has put its answer on a MessageChannel port and set a shared flag
 * (the way a SuiteScript call blocks until NetSuite's client returns). The worker's side is the
 * `answer` function of `blocking-worker-side.mjs`: post the reply, set the flag, notify.
 *
 * The wait loops on the flag itself rather than trusting a wake-up: when the caller finds the flag
 * already set without sleeping, the worker's notify for that request may still be on its way and
 * would wake the NEXT request's wait before its answer exists.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface Reply<T> { ok: boolean; value?: T; message?: string; code?: string }

export class BlockingWorker {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(file: string | URL, private readonly timeoutMs = 60_000) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(file, { workerData: { port: channel.port2, signal: this.flag.buffer }, transferList: [channel.port2] });
  }

  /** Posts `req` and blocks until the worker answers; the reply, or 'timed-out' after the bound. */
  call<T>(req: unknown): Reply<T> | 'timed-out' {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage(req);
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(this.flag, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return 'timed-out';
      Atomics.wait(this.flag, 0, 0, left);
    }
    const msg = receiveMessageOnPort(this.port)?.message as Reply<T> | undefined;
    if (!msg) throw new Error('the worker set its flag but its answer is not on the port');
    return msg;
  }

  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.worker.terminate();
  }
}

// The worker's side of ./blocking-worker.ts: the reply goes on the shared port first, then the flag
// is set and the waiting thread notified.
import { workerData } from 'node:worker_threads';

const flag = new Int32Array(workerData.signal);

/** Answers the blocked caller with `reply`; `notifyLater(fn)` may delay the notify (tests). */
export function answer(reply, notifyLater = (fn) => fn()) {
  workerData.port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  notifyLater(() => Atomics.notify(flag, 0));
}

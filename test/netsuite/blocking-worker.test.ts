/**
 * The emulator's synchronous worker calls (test/netsuite/emulator/blocking-worker.ts, under the
 * real-SFTP N/sftp): a wake-up that belongs to an earlier request never hands the caller an answer
 * that does not exist yet. Under load the loop tests saw exactly that once ("Cannot read properties
 * of undefined (reading 'ok')" in the middle of a chapter): the worker sets the flag, is preempted
 * before its notify, the caller finds the flag set, moves on, and the late notify wakes its next wait.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BlockingWorker } from './emulator/blocking-worker';

describe('BlockingWorker', () => {
  const w = new BlockingWorker(new URL('./emulator/fixtures/late-notify-worker.mjs', import.meta.url));
  afterAll(() => w.close());

  it('a late notify of one request does not end the wait of the next: each call gets its own answer', () => {
    for (let n = 1; n <= 5; n++) {
      expect(w.call<number>({ op: 'quick', n })).toEqual({ ok: true, value: n });
      const started = Date.now();
      expect(w.call<number>({ op: 'slow', n: n * 10 })).toEqual({ ok: true, value: n * 10 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    }
  });

  it('a worker that never answers: the call says timed-out after its bound', async () => {
    const silent = new BlockingWorker(new URL('./emulator/fixtures/late-notify-worker.mjs', import.meta.url), 100);
    try {
      // `slow` answers after 300 ms, past this channel's 100 ms bound.
      expect(silent.call({ op: 'slow', n: 1 })).toBe('timed-out');
    } finally { await silent.close(); }
  });
});

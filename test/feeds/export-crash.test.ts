/**
 * Exactly-once export under SIGKILL (reliability.md scenario 13): a child process runs the
 * brokered-items export against PostgreSQL and is killed after a random delay, several times (more
 * items become eligible between kills); the orders' NetSuite ids then change, and the export runs to
 * completion. Every eligible item must be in exactly one uploaded file: none twice, none lost
 * (checked by parsing every uploaded file), and every file is the bytes of its claim.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { feedFiles } from '../../src/db/schema';
import { seedAllocatedItems } from '../../bench/feeds/seed';
import { ENGINES } from '../support/db';
import { feedEnv, listNames, q, readFeedFiles, type FeedEnv } from './helpers';

const KILLS = 4;

function startChild(url: string, dir: string, maxRows: number): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/feeds/export-crash-child.ts', url, dir, String(maxRows)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b) => { out += b; if (out.includes('ready')) resolve(); });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before ready: ${err.slice(-2000)}`)));
  });
  child.stderr!.on('data', (b) => { err += b; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  ready.catch(() => {});
  return { child, ready, exited };
}

describe.skipIf(!ENGINES.includes('postgres'))('export exactly-once under SIGKILL (postgres)', () => {
  let env: FeedEnv;
  beforeEach(async () => { env = await feedEnv('postgres'); });
  afterEach(async () => { await env.close(); });

  it('every eligible item is in exactly one uploaded file after random kills and a final run', async () => {
    const db = env.d.db;
    let total = 0;
    const killedAfter: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      await seedAllocatedItems(db, 2000, { prefix: `K${k}` });
      total += 2000;
      const { child, ready, exited } = startChild(env.d.url!, env.rootOnDisk, 500);
      await ready;
      const delay = Math.floor(Math.random() * 900);
      killedAfter.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
    }
    // NetSuite's sales-order ids change before the files left pending are sent again: a file is
    // frozen at its claim, so a re-upload (also of a file renamed into place just before a kill)
    // is the same bytes, with the ids of the claim.
    await db.execute(sql`update orders set netsuite_order_id = netsuite_order_id || '-v2'`);
    // The final, uninterrupted run (in this process).
    await seedAllocatedItems(db, 500, { prefix: 'KF' });
    total += 500;
    let rounds = 0;
    for (;;) {
      const r = await env.run('GEN_BRKR_ORD_FD_NS', { maxRowsPerFile: 500 });
      rounds++;
      if (r.counts.filesCreated === 0 && r.counts.filesReuploaded === 0) break;
    }

    const out = await db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'brokered-items'), eq(feedFiles.direction, 'OUT')));
    expect(out.filter((f) => f.status !== 'UPLOADED'), `kills after ${killedAfter.join(', ')} ms`).toEqual([]);
    const remote = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(remote.map((f) => f.name).sort()).toEqual(out.map((f) => f.fileName).sort());
    const seen = new Map<string, number>();
    for (const f of remote) {
      expect(f.errors).toEqual([]);
      const rec = out.find((o) => o.fileName === f.name)!;
      expect(f.rows.length).toBe(rec.rowCount);
      expect(await env.netsuite.sha256('salesorder/update', f.name)).toBe(rec.sha256);
      for (const r of f.rows) seen.set(r.internalId.replace(/-v2$/, ''), (seen.get(r.internalId.replace(/-v2$/, '')) ?? 0) + 1);
    }
    expect(seen.size).toBe(total);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    const [{ n }] = await q<{ n: number }>(db, sql`select count(*)::int as n from external_fulfillment where kind = 'BROKERED'`);
    expect(n).toBe(total);
    expect((await listNames(env.netsuite, 'salesorder/update', /.+\.csv/)).length).toBe(out.length);
    expect(rounds).toBeGreaterThanOrEqual(1);
  });
});

/**
 * The brokered-items file is frozen at claim: each outbox row keeps its CSV line (`payload`), the
 * codec's line for that row byte for byte, and a file is its header and those lines. So a
 * re-upload after a crash between the claim and the upload is the same bytes even when the
 * order's or the product's NetSuite id changed meanwhile; rows claimed before the column existed
 * (payload null) are still encoded, from the outbox row and the ids as they are now.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { feedFiles } from '../../src/db/schema';
import type { FileTransport } from '../../src/sftp';
import { FeedUploadError } from '../../src/feeds/export-runner';
import { feedJob } from '../../src/feeds/jobs';
import { brokeredItemsFeed, createCsvEncoder, type BrokeredItemRow, type ColumnSpec } from '../../src/feeds/codec';
import { encodeCsvLine } from '../../src/feeds/codec/csv';
import { seedAllocatedItems } from '../../bench/feeds/seed';
import { ENGINES } from '../support/db';
import { feedEnv, q, readFeedFiles, recordingContext, type FeedEnv } from './helpers';

const UPDATE = 'salesorder/update';

async function streamText(encoder: NodeJS.ReadWriteStream, rows: object[]): Promise<string> {
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  Readable.from(rows).pipe(encoder as unknown as NodeJS.WritableStream);
  await done;
  return Buffer.concat(chunks).toString('utf8');
}

/** A transport whose uploads read the whole file, keep its bytes, and then fail as `mode` says. */
function crashing(inner: FileTransport, mode: 'before-rename' | 'ack-lost', seen: Buffer[]): FileTransport {
  return Object.assign(Object.create(inner) as FileTransport, {
    async putAtomic(dir: string, name: string, source: Readable) {
      const chunks: Buffer[] = [];
      for await (const c of source) chunks.push(Buffer.from(c));
      const bytes = Buffer.concat(chunks);
      seen.push(bytes);
      if (mode === 'ack-lost') await inner.putAtomic(dir, name, bytes);
      throw new Error(`crash (${mode})`);
    },
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the frozen line is the encoder\'s line', () => {
  it('brokered rows: header + frozen lines = what the streaming encoder writes, for every kind of safe id', async () => {
    const long = `A${'b'.repeat(254)}`;
    const rows: BrokeredItemRow[] = [
      { internalId: '123', lineId: '1', item: '9001', location: '901', quantity: 1, closed: 'F', orderLineId: '00001' },
      { internalId: 'S-1.2:3#4/5@6+7_x', lineId: undefined, item: '_it.em:1#a', location: undefined, quantity: '12', closed: true, orderLineId: '00002' },
      { internalId: long, lineId: long, item: long, location: 'L#2/x@y+z-1.2:3', quantity: 2147483647, closed: false, orderLineId: long },
    ];
    const frozen = `${brokeredItemsFeed.header}\n${rows.map((r, i) => `${brokeredItemsFeed.encodeLine(r, i + 1)}\n`).join('')}`;
    expect(frozen).toBe(await streamText(brokeredItemsFeed.createEncoder(), rows));
    expect(() => brokeredItemsFeed.encodeLine({ ...rows[0], internalId: 'bad id' })).toThrow(/internalId/);
  });

  it('any cell text: the line encoder quotes, escapes and neutralises exactly as the streaming encoder (seeded random texts)', async () => {
    const columns: ColumnSpec[] = [
      { name: 'text', kind: 'text' }, { name: 'phone', kind: 'phone' }, { name: 'n', kind: 'int' }, { name: 'd', kind: 'decimal' },
      { name: 'flag', kind: 'flag' }, { name: 'when', kind: 'date' },
    ];
    const alphabet = ['a', 'Z', '0', ' ', ',', '"', '""', '\n', '\r', '\r\n', '\t', '=', '+', '-', '@', "'", 'é', '€', '😀', ';', '\0'];
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const text = () => Array.from({ length: Math.floor(rnd() * 8) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    const rows = Array.from({ length: 400 }, () => ({
      text: text(), phone: rnd() < 0.5 ? '+1 (555) 010-0000' : text(), n: String(Math.floor(rnd() * 2000) - 1000),
      d: (rnd() * 100 - 50).toFixed(2), flag: rnd() < 0.5, when: new Date(Date.UTC(2024, 1, 1 + Math.floor(rnd() * 60))),
    }));
    const lines = rows.map((r, i) => `${encodeCsvLine(columns, r, {}, i + 1)}\n`).join('');
    expect(`${columns.map((c) => c.name).join(',')}\n${lines}`).toBe(await streamText(createCsvEncoder(columns), rows));
  });
});

describe.each(ENGINES)('frozen brokered-items files on %s', (engine) => {
  let env: FeedEnv;
  beforeEach(async () => { env = await feedEnv(engine); });
  afterEach(async () => { await env.close(); });

  const outFile = async () => {
    const files = await env.d.db.select().from(feedFiles).where(and(eq(feedFiles.feed, 'brokered-items'), eq(feedFiles.direction, 'OUT')));
    expect(files).toHaveLength(1);
    return files[0];
  };

  /** Five plain orders (claimed by SQL) and one whose line was split (claimed by the planner). */
  async function seedFile() {
    await seedAllocatedItems(env.d.db, 5, { prefix: 'FZ' });
    await env.d.db.execute(sql`update order_items set netsuite_sync = 'SPLIT', netsuite_line_qty = 3 where order_id = 'FZ-00000005'`);
  }

  /** The ids NetSuite knows change after the claim: a new sales order id, a new item id, a new location. */
  async function changeIds() {
    await env.d.db.execute(sql`update orders set netsuite_order_id = 'CHANGED-' || id`);
    await env.d.db.execute(sql`update products set netsuite_item_id = '7777'`);
    await env.d.db.execute(sql`update facilities set netsuite_location_id = '999'`);
  }

  for (const mode of ['before-rename', 'ack-lost'] as const) {
    it(`a crash after the claim (${mode}), ids changed, then the re-upload: byte-identical to the file of the claim`, async () => {
      await seedFile();
      const seen: Buffer[] = [];
      const job = feedJob({ ...env.deps, transport: crashing(env.transport, mode, seen) }, 'GEN_BRKR_ORD_FD_NS');
      await expect(job.handler(recordingContext())).rejects.toThrow(FeedUploadError);
      const pending = await outFile();
      expect(pending).toMatchObject({ status: 'PENDING_UPLOAD', rowCount: 5 });
      expect(seen).toHaveLength(1);
      const claimed = seen[0];
      expect(claimed.toString()).toContain('NSFZ1,1,9001,901,1,F,F,00001\n');
      expect(claimed.toString()).toContain('NSFZ5,1,9001,901,1,F,F,00001\n');

      await changeIds();
      const run = await env.run('GEN_BRKR_ORD_FD_NS');
      expect(run.counts).toMatchObject({ filesReuploaded: 1, filesCreated: 0 });
      const remote = await env.netsuite.read(UPDATE, pending.fileName);
      expect(remote.equals(claimed)).toBe(true);
      expect(await outFile()).toMatchObject({ status: 'UPLOADED', sha256: sha256(claimed), size: claimed.length });
      expect(remote.toString()).not.toContain('CHANGED-');
    });
  }

  it('rows claimed before lines were frozen (payload null) are encoded from the outbox row and the ids as they are now', async () => {
    await seedFile();
    const seen: Buffer[] = [];
    await expect(feedJob({ ...env.deps, transport: crashing(env.transport, 'before-rename', seen) }, 'GEN_BRKR_ORD_FD_NS')
      .handler(recordingContext())).rejects.toThrow(FeedUploadError);
    const [frozen] = seen;
    await env.d.db.execute(sql`update external_fulfillment set payload = null`);

    // Same ids: the fallback writes the same bytes as the frozen lines.
    const second: Buffer[] = [];
    await expect(feedJob({ ...env.deps, transport: crashing(env.transport, 'before-rename', second) }, 'GEN_BRKR_ORD_FD_NS')
      .handler(recordingContext())).rejects.toThrow(FeedUploadError);
    expect(second[0].equals(frozen)).toBe(true);

    // Ids changed: the fallback reads them as they are now (what every file did before lines were frozen).
    await env.d.db.execute(sql`update orders set netsuite_order_id = 'CHANGED-' || id`);
    expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ filesReuploaded: 1 });
    const files = await readFeedFiles(env.netsuite, 'brokered-items');
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file.errors).toEqual([]);
    // The split line (the planner's, from the marked orders) comes first, then the allocations in reservation order.
    expect(file.rows.map((r) => [r.internalId, r.lineId, r.location, r.quantity])).toEqual([
      ['CHANGED-FZ-00000005', '1', '901', 1], ['CHANGED-FZ-00000001', '1', '901', 1], ['CHANGED-FZ-00000002', '1', '901', 1],
      ['CHANGED-FZ-00000003', '1', '901', 1], ['CHANGED-FZ-00000004', '1', '901', 1],
    ]);
  });

  it('the claim statement writes the codec\'s line for every row, in file order, on both claim paths', async () => {
    await seedAllocatedItems(env.d.db, 6, { prefix: 'PL' });
    await env.d.db.execute(sql`update orders set netsuite_order_id = 'S-1.2:3#4/5@6+7_' || id`);
    await env.d.db.execute(sql`update products set netsuite_item_id = '_it.em:1#a'`);
    await env.d.db.execute(sql`update facilities set netsuite_location_id = 'L#2/x@y+z-1.2:3'`);
    await env.d.db.execute(sql`update order_items set netsuite_sync = 'RESEND' where order_id in ('PL-00000002', 'PL-00000005')`);
    expect((await env.run('GEN_BRKR_ORD_FD_NS')).counts).toMatchObject({ filesCreated: 1, rowsExported: 6 });
    const rows = await q<{ payload: string; orderId: string; lineId: string; location: string; quantity: number; closed: boolean }>(env.d.db, sql`
      select ef.payload, ef.order_id as "orderId", ef.line_id as "lineId", ef.location, ef.quantity, ef.closed
      from external_fulfillment ef order by ef.id`);
    expect(rows.map((r) => r.payload)).toEqual(rows.map((r, i) => brokeredItemsFeed.encodeLine({
      internalId: `S-1.2:3#4/5@6+7_${r.orderId}`, lineId: r.lineId, item: '_it.em:1#a', location: r.location, quantity: r.quantity,
      closed: r.closed ? 'T' : 'F', orderLineId: '00001',
    }, i + 1)));
    // Marked orders (the planner's path) first, then the allocations in reservation order (SQL).
    expect(rows.map((r) => r.orderId)).toEqual(['PL-00000002', 'PL-00000005', 'PL-00000001', 'PL-00000003', 'PL-00000004', 'PL-00000006']);
    const [file] = await readFeedFiles(env.netsuite, 'brokered-items');
    const text = (await env.netsuite.read(UPDATE, file.name)).toString();
    expect(text).toBe(`${brokeredItemsFeed.header}\n${rows.map((r) => `${r.payload}\n`).join('')}`);
  });
});

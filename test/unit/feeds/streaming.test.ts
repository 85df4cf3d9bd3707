import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  FeedEncodeError,
  collectDecoded,
  createBrokeredItemsEncoder,
  createCsvEncoder,
  brokeredItemsFeed,
  encodeBrokeredItems,
  type BrokeredItemRow,
} from '../../../src/feeds/codec';

const N = 200_000;
const row = (i: number): BrokeredItemRow => ({
  internalId: String(100000 + Math.floor(i / 3)),
  lineId: String((i % 3) + 1),
  item: String(5000 + (i % 997)),
  location: String(1 + (i % 7)),
  quantity: 1 + (i % 5),
  closed: 'F',
  orderLineId: String(i % 3 + 1).padStart(5, '0'),
});

describe('streaming CSV encoder', () => {
  it(`encodes ${N.toLocaleString('en')} rows as a stream, emitting chunks long before the input ends`, async () => {
    let produced = 0;
    let producedAtFirstChunk = -1;
    let chunks = 0;
    let bytes = 0;
    let newlines = 0;
    let maxChunk = 0;
    let head = '';
    function* rows() {
      for (let i = 0; i < N; i++) {
        produced++;
        yield row(i);
      }
    }
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (producedAtFirstChunk < 0) producedAtFirstChunk = produced;
        chunks++;
        bytes += chunk.length;
        maxChunk = Math.max(maxChunk, chunk.length);
        if (head.length < 200) head += chunk.toString();
        for (const b of chunk) if (b === 0x0a) newlines++;
        cb();
      },
    });
    await pipeline(Readable.from(rows()), createBrokeredItemsEncoder(), sink);

    expect(produced).toBe(N);
    expect(producedAtFirstChunk).toBeGreaterThan(0);
    expect(producedAtFirstChunk).toBeLessThan(N / 10); // output flowed while input was still being produced
    expect(chunks).toBeGreaterThan(100);
    expect(maxChunk).toBeLessThan(1024 * 1024); // never one whole-file string
    expect(newlines).toBe(N + 1); // header + one line per row, '\n' line ends
    expect(head.startsWith('internalId,lineId,item,location,quantity,closed,rejected,orderLineId\n100000,1,5000,1,1,F,F,00001\n')).toBe(true);
    expect(bytes).toBeGreaterThan(N * 20);
  }, 60_000);

  it('emits the header and rows before end() is called', async () => {
    const enc = createBrokeredItemsEncoder();
    enc.write(row(0));
    const [first] = await once(enc, 'data');
    expect(String(first)).toContain('internalId,lineId');
    expect(enc.writableEnded).toBe(false);
    enc.end();
  });

  it('produces the same bytes as the whole-file encoder', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => row(i));
    let out = '';
    await pipeline(
      Readable.from(rows),
      createBrokeredItemsEncoder(),
      new Writable({
        write(c, _e, cb) {
          out += String(c);
          cb();
        },
      }),
    );
    expect(out).toBe(encodeBrokeredItems(rows));
    const { rows: back, errors } = await collectDecoded(brokeredItemsFeed.decode(out));
    expect(errors).toEqual([]);
    expect(back).toHaveLength(500);
  });

  it('writes the header for zero rows', async () => {
    const enc = createCsvEncoder([{ name: 'a', kind: 'int' }]);
    enc.end();
    const chunks: Buffer[] = [];
    for await (const c of enc) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a\n');
  });

  it('fails the stream with FeedEncodeError on a bad row (no partial file accepted)', async () => {
    const rows = [row(0), row(1), { ...row(2), quantity: 'x' }, row(3)];
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const err = await pipeline(Readable.from(rows), createBrokeredItemsEncoder(), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedEncodeError);
    expect((err as FeedEncodeError).record).toBe(3);
    expect((err as FeedEncodeError).column).toBe('quantity');
  });

  it(`decodes ${N.toLocaleString('en')} rows as a stream`, async () => {
    function* lines() {
      yield 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId\n';
      for (let i = 0; i < N; i += 1000) {
        let s = '';
        for (let j = i; j < i + 1000; j++) s += `${100000 + j},1,5000,1,2,F,F,00001\n`;
        yield Buffer.from(s);
      }
    }
    let n = 0;
    let last = 0;
    for await (const r of brokeredItemsFeed.decode(Readable.from(lines()))) {
      if (!r.ok) throw new Error(r.message);
      n++;
      last = r.row;
    }
    expect(n).toBe(N);
    expect(last).toBe(N);
  }, 60_000);
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FeedFileError,
  collectDecoded,
  decodeCsv,
  decodeRejectedItems,
  errorReportCsv,
  rejectedItemsFeed,
  zId,
  zInt,
  type ColumnSpec,
} from '../../../src/feeds/codec';

const H = 'orderId,orderItemSeqId,rejectionComments,rejectionReason';

async function decode(input: string | Buffer | Readable) {
  return collectDecoded(decodeRejectedItems(input));
}

async function fileError(input: string | Buffer): Promise<FeedFileError> {
  try {
    await decode(input);
  } catch (err) {
    expect(err).toBeInstanceOf(FeedFileError);
    return err as FeedFileError;
  }
  throw new Error('expected a FeedFileError');
}

describe('decodeCsv: row-level errors never block good rows', () => {
  it('reports a malformed row and a missing required cell with row numbers and fields; yields the good rows', async () => {
    const text = [
      H,
      'O1,00001,Damaged in store,VAR_DAMAGED',
      'O2,00002', // malformed: 2 cells instead of 4
      'O3,,no seq id,', // missing required orderItemSeqId
      'O4,00004,,',
      ' O5,00005,,', // id with a leading space
      'O6,00006,"multi\nline comment",',
      'O7,00007,,',
      '',
    ].join('\n');
    const { rows, errors } = await decode(text);
    expect(rows.map((r) => [r.row, r.value.orderId])).toEqual([
      [1, 'O1'],
      [4, 'O4'],
      [6, 'O6'],
      [7, 'O7'],
    ]);
    expect(rows[0].value).toEqual({
      orderId: 'O1',
      orderItemSeqId: '00001',
      rejectionComments: 'Damaged in store',
      rejectionReason: 'VAR_DAMAGED',
    });
    expect(rows[1].value).toEqual({ orderId: 'O4', orderItemSeqId: '00004' });
    expect(rows[2].value.rejectionComments).toBe('multi\nline comment');
    expect(errors).toEqual([
      { ok: false, row: 2, message: 'expected 4 cells, found 2' },
      { ok: false, row: 3, field: 'orderItemSeqId', message: 'is required' },
      { ok: false, row: 5, field: 'orderId', message: 'is not a valid identifier' },
    ]);
  });

  it('keeps the original order of results (errors interleaved with rows)', async () => {
    const text = `${H}\nA,1,,\nB\nC,3,,\nD,4,,,\n`;
    const seen: string[] = [];
    for await (const r of decodeRejectedItems(text)) seen.push(r.ok ? `${r.row}:ok` : `${r.row}:err`);
    expect(seen).toEqual(['1:ok', '2:err', '3:ok', '4:err']);
  });

  it('scenario 12 at codec level: 1 malformed + 2 bad rows among 97 good → 97 yielded, 3 reported', async () => {
    const lines = [H];
    for (let i = 1; i <= 100; i++) {
      if (i === 10) lines.push('O10,"unterminated,but,closed"'); // 2 cells
      else if (i === 50) lines.push('O50,,,');
      else if (i === 90) lines.push('=cmd|x,00090,,');
      else lines.push(`O${i},${String(i).padStart(5, '0')},,`);
    }
    const { rows, errors } = await decode(lines.join('\n') + '\n');
    expect(rows).toHaveLength(97);
    expect(errors.map((e) => [e.row, e.field])).toEqual([
      [10, undefined],
      [50, 'orderItemSeqId'],
      [90, 'orderId'],
    ]);
    const report = errorReportCsv(errors);
    expect(report.split('\n')[0]).toBe('row,field,message');
    expect(report.split('\n')).toHaveLength(5); // header + 3 + trailing ''
  });

  it('one error per row, naming the first field and mentioning the others', async () => {
    const cols: ColumnSpec[] = [
      { name: 'a', kind: 'id' },
      { name: 'b', kind: 'int' },
      { name: 'c', kind: 'int' },
    ];
    const schema = z.object({ a: zId(), b: zInt(), c: zInt() });
    const { errors } = await collectDecoded(decodeCsv(cols, 'a,b,c\n,x,y\n', schema));
    expect(errors).toEqual([{ ok: false, row: 1, field: 'a', message: 'is required (also invalid: b, c)' }]);
  });
});

describe('decodeCsv: input forms', () => {
  const good = { orderId: 'O1', orderItemSeqId: '1', rejectionComments: 'c', rejectionReason: 'r' };

  it('accepts a UTF-8 BOM and CRLF line ends', async () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${H}\r\nO1,1,c,r\r\n`)]);
    const { rows, errors } = await decode(buf);
    expect(errors).toEqual([]);
    expect(rows).toEqual([{ row: 1, value: good }]);
    // and as a string with a BOM
    expect((await decode(`\uFEFF${H}\r\nO1,1,c,r\r\n`)).rows).toEqual([{ row: 1, value: good }]);
  });

  it('accepts a Readable split at arbitrary byte boundaries (inside a multi-byte char too)', async () => {
    const bytes = Buffer.from(`${H}\nO1,1,Zürich – ok,r\n`);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const { rows } = await decode(Readable.from(chunks));
    expect(rows[0].value.rejectionComments).toBe('Zürich – ok');
  });

  it('accepts a header in another order', async () => {
    const { rows } = await decode('rejectionReason,orderId,rejectionComments,orderItemSeqId\nr,O1,c,1\n');
    expect(rows).toEqual([{ row: 1, value: good }]);
  });

  it('a header-only file has no rows', async () => {
    expect(await decode(`${H}\n`)).toEqual({ rows: [], errors: [] });
  });

  it('skips blank lines without counting them', async () => {
    const { rows } = await decode(`${H}\n\nO1,1,c,r\n\n\nO2,2,,\n`);
    expect(rows.map((r) => r.row)).toEqual([1, 2]);
  });
});

describe('decodeCsv: consumers and writers', () => {
  it('a consumer may stop early; the source stream is released', async () => {
    function* lines() {
      yield `${H}\n`;
      for (let i = 0; i < 100_000; i++) yield `O${i},1,,\n`;
    }
    const source = Readable.from(lines());
    let n = 0;
    for await (const r of decodeRejectedItems(source)) {
      expect(r.ok).toBe(true);
      if (++n === 3) break;
    }
    await new Promise((r) => setImmediate(r));
    expect(source.destroyed).toBe(true);
  });

  it('cells with CR, LF, quotes and commas inside round-trip as one cell', async () => {
    const rows = [{ orderId: 'O1', orderItemSeqId: '1', rejectionComments: 'a\rb\r\nc "q", d', rejectionReason: 'x,y', facilityId: '11', rejectionId: 'R1' }];
    const csv = rejectedItemsFeed.encode(rows);
    expect(csv).toBe(`${H},facilityId,rejectionId\nO1,1,"a\rb\r\nc ""q"", d","x,y",11,R1\n`);
    expect((await decode(csv)).rows).toEqual([{ row: 1, value: rows[0] }]);
  });
});

describe('decodeCsv: unreadable files throw FeedFileError', () => {
  it('header with a missing column', async () => {
    const e = await fileError('orderId,orderItemSeqId,rejectionComments\nO1,1,c\n');
    expect(e.code).toBe('HEADER');
    expect(e.message).toContain('"rejectionReason"');
  });

  it('header with an unknown extra column names it', async () => {
    const e = await fileError(`${H},extra\nO1,1,c,r,x\n`);
    expect(e.code).toBe('HEADER');
    expect(e.message).toContain('unknown column(s) "extra"');
  });

  it('header with different case or a duplicate', async () => {
    expect((await fileError('OrderId,orderItemSeqId,rejectionComments,rejectionReason\n')).code).toBe('HEADER');
    expect((await fileError(`${H},orderId\n`)).message).toContain('duplicate');
  });

  it('a data file without header (first row taken as header) is refused', async () => {
    expect((await fileError('O1,1,c,r\nO2,2,c,r\n')).code).toBe('HEADER');
  });

  it('empty file', async () => {
    expect((await fileError('')).code).toBe('EMPTY');
    expect((await fileError('\n\n')).code).toBe('EMPTY');
  });

  it('unclosed quote and broken quoting', async () => {
    expect((await fileError(`${H}\nO1,1,"never closed,r\nO2,2,,\n`)).code).toBe('PARSE');
    expect((await fileError(`${H}\nO1,1,"x"y,r\nO2,2,,\n`)).code).toBe('PARSE');
  });

  it('a record over 1 MB (e.g. a runaway quote) is refused without buffering the file', async () => {
    expect((await fileError(`${H}\nO1,1,"${'x'.repeat(1_100_000)}\n`)).code).toBe('PARSE');
  });

  it('invalid UTF-8', async () => {
    const bad = Buffer.concat([Buffer.from(`${H}\nO1,1,`), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(',r\n')]);
    expect((await fileError(bad)).code).toBe('ENCODING');
  });

  it('the error is raised before any row is yielded when the header is wrong', async () => {
    const gen = rejectedItemsFeed.decode('a,b\n1,2\n');
    await expect(gen.next()).rejects.toBeInstanceOf(FeedFileError);
  });
});

describe('errorReportCsv', () => {
  it('writes row,field,message with neutralised text and RFC 4180 quoting', () => {
    const csv = errorReportCsv([
      { row: 3, field: 'orderId', message: 'is required' },
      { row: 7, message: '=HYPERLINK("http://x")' },
      { row: 9, field: 'x', message: 'a, "b"\nc' },
    ]);
    expect(csv).toBe(
      'row,field,message\n3,orderId,is required\n7,,"\'=HYPERLINK(""http://x"")"\n9,x,"a, ""b""\nc"\n',
    );
  });
});

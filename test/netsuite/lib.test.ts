/**
 * Unit checks of the shared SuiteScript helpers (loaded from the emitted AMD modules).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetsuite } from './support/build';
import { createEnv } from './support/env';

interface CsvLib {
  csvCell(v: unknown): string;
  csvDocument(h: string[], rows: unknown[][]): string;
  neutralize(s: string): string;
  hasDataRows(s: string): boolean;
  utf8Length(s: string): number;
}
interface NamesLib {
  utcStamp(d: Date): string;
  isCsvCandidate(n: string): boolean;
  joinPath(...p: string[]): string;
  withSuffix(n: string, s: string): string;
}

let csv: CsvLib;
let names: NamesLib;
beforeAll(() => {
  buildNetsuite();
  const env = createEnv();
  csv = env.load<CsvLib>('lib/csv');
  names = env.load<NamesLib>('lib/names');
});

describe('lib/csv', () => {
  it('quotes only cells that need it and doubles quotes (RFC 4180)', () => {
    expect(csv.csvCell('plain')).toBe('plain');
    expect(csv.csvCell('a,b')).toBe('"a,b"');
    expect(csv.csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csv.csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csv.csvCell(' padded ')).toBe('" padded "');
    expect(csv.csvCell(null)).toBe('');
    expect(csv.csvCell(-5)).toBe('-5');
    expect(csv.csvDocument(['a', 'b'], [['1', 'x,y']])).toBe('a,b\n1,"x,y"\n');
  });

  it('neutralises formula-like free text only', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csv.neutralize(s)).toBe(`'${s}`);
    expect(csv.neutralize('Order Item Rejected from NetSuite')).toBe('Order Item Rejected from NetSuite');
  });

  it('tells a header-only file from one with data', () => {
    expect(csv.hasDataRows('')).toBe(false);
    expect(csv.hasDataRows('\uFEFFa,b\r\n\r\n')).toBe(false);
    expect(csv.hasDataRows('a,b\n1,2')).toBe(true);
  });

  it('counts UTF-8 bytes', () => {
    for (const s of ['abc', 'é', '€', '😀', 'a€😀']) expect(csv.utf8Length(s)).toBe(Buffer.byteLength(s));
  });
});

describe('lib/names', () => {
  it('stamps UTC time without spaces or colons', () => {
    expect(names.utcStamp(new Date(Date.UTC(2026, 0, 5, 3, 4, 5)))).toBe('2026-01-05-03-04-05');
  });

  it('accepts complete, safely named CSV files only', () => {
    for (const n of ['brokeredOrderItemsFeed_2026-01-05-03-04-05_ab12.csv', 'X.CSV', '2026-01-05 03:04:05-Export.csv']) expect(names.isCsvCandidate(n), n).toBe(true);
    for (const n of ['a.csv.part', 'a.part', '.a.csv', '../a.csv', 'a/b.csv', 'a..b.csv', 'a.txt', 'a"b.csv', `${'x'.repeat(260)}.csv`]) expect(names.isCsvCandidate(n), n).toBe(false);
  });

  it('joins paths whether or not the default dir ends with /', () => {
    expect(names.joinPath('/home/u/netsuite/', 'salesorder')).toBe('/home/u/netsuite/salesorder');
    expect(names.joinPath('/home/u/netsuite', 'salesorder')).toBe('/home/u/netsuite/salesorder');
    expect(names.joinPath('update', 'archive/', 'a.csv')).toBe('update/archive/a.csv');
    expect(names.withSuffix('a.csv', '-2')).toBe('a-2.csv');
  });
});

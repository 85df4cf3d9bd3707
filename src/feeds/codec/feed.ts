/**
 * `defineCsvFeed`: bundles one feed's contract (folder, file name, columns, row schema) with its
 * encode/decode functions, so every feed module is a declaration plus its domain helpers.
 */
import type { Readable, Transform } from 'node:stream';
import type { z } from 'zod';
import type { ColumnSpec } from './cells';
import { type DecodeResult, type EncodeOptions, createCsvEncoder, decodeCsv, encodeCsv, encodeCsvLine } from './csv';
import { type FeedFileExt, feedFileName, inboundNamePattern, isSafeFeedFileName, outboundNamePattern } from './names';

/** Seen from the OMS: `outbound` = OMS → NetSuite, `inbound` = NetSuite → OMS. */
type FeedDirection = 'outbound' | 'inbound';

export interface FeedInfo {
  /** Stable short name, e.g. `brokered-items`. */
  readonly name: string;
  readonly direction: FeedDirection;
  readonly format: FeedFileExt;
  /** Folder relative to the NetSuite root (`{root}`), with a trailing `/`. */
  readonly folder: string;
  /** Outbound only: the `feedFileName` prefix. */
  readonly prefix?: string;
  /** Human-readable name pattern, e.g. `brokeredOrderItemsFeed_{ts}_{run}.csv`, `*.csv`. */
  readonly glob: string;
  /** Anchored regex every file name of this feed matches (use with `isSafeFeedFileName`). */
  readonly pattern: RegExp;
  /** CSV feeds: columns in header order (exact contract header). */
  readonly columns?: readonly ColumnSpec[];
}

export interface CsvFeed<Row extends object, Rec> extends FeedInfo {
  readonly format: 'csv';
  readonly columns: readonly ColumnSpec[];
  /** Exact header line (without line end). */
  readonly header: string;
  /** Zod schema applied to each decoded row (raw cell strings keyed by column key). */
  readonly schema: z.ZodType<Rec>;
  /** `true` when `name` is a safe base name of this feed. */
  isFileName(name: string): boolean;
  /** Whole-file encode (small files). Throws `FeedEncodeError`. */
  encode(rows: Iterable<Row>): string;
  /** Streaming encode: object rows in, CSV text out, header first. */
  createEncoder(): Transform;
  /**
   * One data row exactly as `createEncoder` writes it, without the `\n` (`record`: its 1-based
   * number, for the error). Throws `FeedEncodeError`.
   */
  encodeLine(row: Row, record?: number): string;
  /** Streaming decode, see `decodeCsv`. */
  decode(input: Readable | string | Buffer | Uint8Array): AsyncGenerator<DecodeResult<Rec>, void, undefined>;
}

interface OutboundCsvFeed<Row extends object, Rec> extends CsvFeed<Row, Rec> {
  readonly direction: 'outbound';
  readonly prefix: string;
  /** `{prefix}_{yyyy-MM-dd-HH-mm-ss}_{runId}.csv`, UTC. */
  fileName(date: Date, runId: string): string;
}

interface CsvFeedDef<Rec> {
  name: string;
  folder: string;
  columns: readonly ColumnSpec[];
  schema: z.ZodType<Rec>;
  encodeOptions?: EncodeOptions;
}

function csvParts<Row extends object, Rec>(def: CsvFeedDef<Rec>, pattern: RegExp) {
  const { columns, schema, encodeOptions } = def;
  return {
    name: def.name,
    folder: def.folder,
    format: 'csv' as const,
    columns,
    header: columns.map((c) => c.name).join(','),
    schema,
    pattern,
    isFileName: (name: string) => isSafeFeedFileName(name, pattern),
    encode: (rows: Iterable<Row>) => encodeCsv(columns, rows, encodeOptions),
    createEncoder: () => createCsvEncoder(columns, encodeOptions),
    encodeLine: (row: Row, record = 1) => encodeCsvLine(columns, row, encodeOptions, record),
    decode: (input: Readable | string | Buffer | Uint8Array) => decodeCsv(columns, input, schema),
  };
}

export function defineOutboundCsvFeed<Row extends object, Rec>(
  def: CsvFeedDef<Rec> & { prefix: string },
): OutboundCsvFeed<Row, Rec> {
  const pattern = outboundNamePattern(def.prefix, 'csv');
  return Object.freeze({
    ...csvParts<Row, Rec>(def, pattern),
    direction: 'outbound' as const,
    prefix: def.prefix,
    glob: `${def.prefix}_{ts}_{run}.csv`,
    fileName: (date: Date, runId: string) => feedFileName(def.prefix, date, runId, 'csv'),
  });
}

export function defineInboundCsvFeed<Row extends object, Rec>(
  def: CsvFeedDef<Rec> & { glob: string },
): CsvFeed<Row, Rec> & { readonly direction: 'inbound' } {
  const pattern = inboundNamePattern(def.glob);
  return Object.freeze({
    ...csvParts<Row, Rec>(def, pattern),
    direction: 'inbound' as const,
    glob: def.glob,
  });
}

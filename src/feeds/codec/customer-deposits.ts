/**
 * Customer deposits — OMS → NetSuite, JSON.
 * `{root}/salesorder/customerdeposit/CustomerDepositFeed_{ts}_{run}.json`: a JSON array of
 * `{ "orderId", "totalAmount", "paymentMethod", "externalId" }`, read by
 * `HC_MR_CreateCustomerDeposit`. `orderId` is the NetSuite sales order internal id, `externalId` the
 * OMS payment id, `paymentMethod` the mapped NetSuite payment method id.
 *
 * `totalAmount` is validated as a positive decimal and written as a JSON number with exactly the
 * digits given (`"12.50"` → `12.50`; never re-rendered through a float). Ids are JSON strings.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { z } from 'zod';
import { encodeCell, type ColumnSpec } from './cells';
import { type DecodeResult, schemaError } from './csv';
import { FeedEncodeError, FeedFileError } from './errors';
import { zDecimal, zId } from './fields';
import { type FeedInfo } from './feed';
import { feedFileName, isSafeFeedFileName, outboundNamePattern } from './names';

const CUSTOMER_DEPOSIT_FIELDS = [
  { name: 'orderId', kind: 'id' },
  { name: 'totalAmount', kind: 'decimal', positive: true },
  { name: 'paymentMethod', kind: 'id' },
  { name: 'externalId', kind: 'id' },
] as const satisfies readonly ColumnSpec[];

export interface CustomerDepositRow {
  /** NetSuite sales order internal id. */
  orderId: string;
  /** Positive decimal, e.g. `"49.90"`. */
  totalAmount: string | number;
  /** Mapped NetSuite payment method id. */
  paymentMethod: string;
  /** OMS payment id. */
  externalId: string;
}

const PREFIX = 'CustomerDepositFeed';
const PATTERN = outboundNamePattern(PREFIX, 'json');

export const customerDepositsFeed = Object.freeze({
  name: 'customer-deposits',
  direction: 'outbound',
  format: 'json',
  folder: 'salesorder/customerdeposit/',
  prefix: PREFIX,
  glob: `${PREFIX}_{ts}_{run}.json`,
  pattern: PATTERN,
  fileName: (date: Date, runId: string) => feedFileName(PREFIX, date, runId, 'json'),
  isFileName: (name: string) => isSafeFeedFileName(name, PATTERN),
} as const satisfies FeedInfo & Record<string, unknown>);

/** JSON numbers may not have leading zeros (`007.5`), so the decimal text must also be this. */
const JSON_NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** One deposit as a JSON object text. Throws `FeedEncodeError` (record = 1-based position). */
export function encodeCustomerDeposit(row: CustomerDepositRow, record = 1): string {
  if (row === null || typeof row !== 'object') throw new FeedEncodeError('row is not an object', 'orderId', record);
  const [orderId, amount, paymentMethod, externalId] = CUSTOMER_DEPOSIT_FIELDS.map((f) =>
    encodeCell(f, (row as unknown as Record<string, unknown>)[f.name], record),
  );
  if (!JSON_NUMBER_RE.test(amount)) {
    throw new FeedEncodeError(`leading zeros are not valid in JSON, got ${JSON.stringify(amount)}`, 'totalAmount', record);
  }
  const s = JSON.stringify;
  return `{"orderId":${s(orderId)},"totalAmount":${amount},"paymentMethod":${s(paymentMethod)},"externalId":${s(externalId)}}`;
}

/** Whole-file encode: `[\n{...},\n{...}\n]\n` (`[]\n` when empty). */
export function encodeCustomerDeposits(rows: Iterable<CustomerDepositRow>): string {
  const parts: string[] = [];
  let record = 0;
  for (const row of rows) parts.push(encodeCustomerDeposit(row, ++record));
  return parts.length ? `[\n${parts.join(',\n')}\n]\n` : '[]\n';
}

/** Streaming JSON-array encoder: deposit objects in, JSON text out (same bytes as the above). */
export function createCustomerDepositEncoder(): Transform {
  let record = 0;
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    transform(chunk: CustomerDepositRow, _enc, cb: TransformCallback) {
      try {
        const obj = encodeCustomerDeposit(chunk, ++record);
        cb(null, record === 1 ? `[\n${obj}` : `,\n${obj}`);
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb: TransformCallback) {
      cb(null, record === 0 ? '[]\n' : '\n]\n');
    },
  });
}

const typeError = (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : 'must be a string or a number');
const jsonId = z
  .union([z.string(), z.number().int().nonnegative().transform(String)], { error: typeError })
  .pipe(zId());
const customerDepositSchema = z.object({
  orderId: jsonId,
  totalAmount: z
    .union([z.string(), z.number().transform(String)], { error: typeError })
    .pipe(zDecimal({ positive: true }))
    .transform((s) => s as string),
  paymentMethod: jsonId,
  externalId: jsonId,
});
type CustomerDepositRecord = z.output<typeof customerDepositSchema>;

/**
 * Decode a deposit file (small, whole text). Throws `FeedFileError('JSON')` when it is not a JSON
 * array; returns one result per element (`row` = 1-based array position). A number-typed
 * `totalAmount` comes back as JavaScript renders it (`12.50` → `"12.5"`).
 */
export function decodeCustomerDeposits(input: string | Buffer | Uint8Array): DecodeResult<CustomerDepositRecord>[] {
  let data: unknown;
  try {
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FeedFileError('JSON', 'file is not valid UTF-8 JSON', { cause: err });
  }
  if (!Array.isArray(data)) throw new FeedFileError('JSON', 'file is not a JSON array');
  return data.map((el, i): DecodeResult<CustomerDepositRecord> => {
    const row = i + 1;
    const parsed = customerDepositSchema.safeParse(el);
    if (parsed.success) return { ok: true, row, value: parsed.data };
    if (el === null || typeof el !== 'object' || Array.isArray(el)) return { ok: false, row, message: 'is not an object' };
    return { ok: false, row, ...schemaError(parsed.error) };
  });
}

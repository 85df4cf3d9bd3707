/**
 * The shape of an incoming order (API, JSON or CSV import), validated with one message per
 * problem naming the field, e.g. `items[1].quantity: must be a positive integer`.
 */
import { z } from 'zod';
import { INT4_MAX, INT4_MIN, LIMITS, zInteger, zIsoDate, zKey, zMoney, zSafeString, zShortText } from '../domain/limits';

/** Required text, trimmed, storable, at most `LIMITS.idLength`. */
const text = zSafeString(LIMITS.idLength).trim().min(1, 'must not be empty');
const email = zSafeString(LIMITS.emailLength).pipe(z.email('must be an e-mail address'));

export const shipToSchema = z.object({
  name: zShortText().optional(),
  address1: zSafeString(LIMITS.textLength).trim().min(1, 'must not be empty'),
  address2: zShortText().optional(),
  city: zShortText().optional(),
  state: zShortText().optional(),
  postalCode: zShortText().optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter country code'),
  market: zShortText().optional(),
  phone: zShortText().optional(),
  email: email.optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});

export const customerSchema = z.object({
  externalId: text.optional(),
  firstName: zShortText().optional(),
  lastName: zShortText().optional(),
  email: email.optional(),
  phone: zShortText().optional(),
});

export const orderItemInputSchema = z.object({
  productId: text,
  quantity: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer')
    .max(LIMITS.quantityMax, `must be at most ${LIMITS.quantityMax}`),
  unitPrice: zMoney().default(0),
});

export const orderInputSchema = z.object({
  externalId: text.optional(),
  salesChannel: text.default('WEB'),
  accountingCode: text.optional(),
  priority: zInteger(INT4_MIN, INT4_MAX).default(0),
  /** The queue sorts on it: when given it must be a real ISO 8601 date (null is refused); absent, the order is dated now. */
  orderDate: zIsoDate().optional(),
  facilityId: zKey().optional(),
  customer: customerSchema.optional(),
  shipTo: shipToSchema,
  shippingMethod: zShortText().optional(),
  shippingCost: zMoney().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  items: z.array(orderItemInputSchema).min(1, 'must hold at least one item')
    .max(LIMITS.orderLines, `must hold at most ${LIMITS.orderLines} items`),
  payments: z.array(z.object({ method: text, amount: zMoney({ positive: true }) }))
    .max(LIMITS.orderPayments, `must hold at most ${LIMITS.orderPayments} payments`).default([]),
});

export type OrderInput = z.infer<typeof orderInputSchema>;

export type { FieldError } from '../domain/result';
import type { FieldError } from '../domain/result';

/** Formats zod issues as `path: message` with array indexes, e.g. `items[0].quantity`. */
export function formatIssues(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => {
    const field = i.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
    const message = i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message;
    return { field: field || '(body)', message };
  });
}

export type ParsedOrder = { ok: true; value: OrderInput } | { ok: false; errors: FieldError[] };

export function parseOrderInput(input: unknown): ParsedOrder {
  const r = orderInputSchema.safeParse(input, { reportInput: true });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: formatIssues(r.error) };
}

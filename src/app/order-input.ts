/**
 * The shape of an incoming order (API, JSON or CSV import), validated with one message per
 * problem naming the field, e.g. `items[1].quantity: must be a positive integer`.
 */
import { z } from 'zod';

const text = z.string().trim().min(1);

export const shipToSchema = z.object({
  name: z.string().optional(),
  address1: text,
  address2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter country code'),
  market: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().email().optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});

export const customerSchema = z.object({
  externalId: text.optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().email().optional(),
  phone: z.string().optional(),
});

export const orderItemInputSchema = z.object({
  productId: text,
  quantity: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer'),
  unitPrice: z.number().nonnegative().default(0),
});

export const orderInputSchema = z.object({
  externalId: text.optional(),
  salesChannel: text.default('WEB'),
  accountingCode: text.optional(),
  priority: z.number().int().default(0),
  orderDate: z.coerce.date({ error: 'must be a date (ISO 8601)' }).optional(),
  facilityId: text.optional(),
  customer: customerSchema.optional(),
  shipTo: shipToSchema,
  shippingMethod: z.string().optional(),
  shippingCost: z.number().nonnegative().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  items: z.array(orderItemInputSchema).min(1, 'must hold at least one item'),
  payments: z.array(z.object({ method: text, amount: z.number().positive() })).default([]),
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

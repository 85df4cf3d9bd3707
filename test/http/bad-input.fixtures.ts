/**
 * The malformed-input corpus of `bad-input.test.ts`: a table of fields × bad values, each a request
 * that must be answered 4xx naming `field`, plus malformed order-import files and rows.
 */
import { LIMITS } from '../../src/domain/limits';
import { CSV_HEADER } from '../../src/app/import-orders';

export interface BadRequest {
  name: string; method: 'GET' | 'POST' | 'PUT'; url: string; payload?: unknown; field: string;
  /** Sent as this content type, the payload as it is (a string or bytes); else the payload as JSON. */
  contentType?: string;
}

/** Letters and digits from a fixed-seed generator: text that does not compress (so it cannot hide in a TOAST'ed index entry). */
export function incompressible(n: number, seed = 7): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let x = seed >>> 0;
  let s = '';
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; s += abc[x % abc.length]; }
  return s;
}

type Bad = [label: string, value: unknown];
const STORABLE_BAD: Bad[] = [
  ['a NUL', '\u0000'], ['a NUL inside', 'ab\u0000cd'], ['a lone high surrogate', '\ud800'], ['a lone low surrogate', 'x\udc00y'],
  ['10,000 incompressible characters', incompressible(10_000)],
];
const NOT_A_STRING: Bad[] = [['a number', 12], ['an object', { a: 1 }], ['an array', ['x']], ['a boolean', true]];
/** Bad values of a required identifier. */
export const KEY_BAD: Bad[] = [...STORABLE_BAD, ...NOT_A_STRING, ['empty', ''], ['just over the limit', incompressible(LIMITS.idLength + 1, 3)]];
/** Bad values of optional free text (empty is fine there). */
export const TEXT_BAD: Bad[] = [...STORABLE_BAD, ...NOT_A_STRING, ['just over the limit', incompressible(LIMITS.textLength + 1, 5)]];
const INT4_BAD: Bad[] = [['2^31', 2147483648], ['1e10', 1e10], ['-2^31-1', -2147483649], ['1.5', 1.5], ['a numeric string', '7'], ['1e300', 1e300]];
const QUANTITY_BAD: Bad[] = [...INT4_BAD, ['0', 0], ['-1', -1], ['over the line limit', LIMITS.quantityMax + 1]];
const MONEY_BAD: Bad[] = [['-1', -1], ['1e12', 1e12], ['1e13', 1e13], ['1e15', 1e15], ['a numeric string', '10'], ['1e300', 1e300]];
const DATE_BAD: Bad[] = [
  ['null', null], ['true', true], ['0', 0], ['epoch millis', 1700000000000], ['Feb 30', '2024-02-30'], ['Feb 29 of 2023', '2023-02-29'],
  ['month 13', '2024-13-01'], ['hour 24', '2024-01-01T24:00:00Z'], ['words', 'yesterday'], ['a NUL', '2024-01-01\u0000'], ['year 1066', '1066-10-14'],
  ['US style', '11/20/2026'],
];
const EMAIL_BAD: Bad[] = [...STORABLE_BAD, ['not an address', 'ada'], ['too long', `${incompressible(300)}@example.com`], ['a number', 5]];

/** Sets `path` (`a.b[0].c`) in a deep copy of `base`. */
export function withField(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let at: any = copy;
  for (const k of keys.slice(0, -1)) at = at[k];
  at[keys[keys.length - 1]] = value;
  return copy;
}

function table(method: BadRequest['method'], url: string, base: unknown, fields: [field: string, bad: Bad[]][]): BadRequest[] {
  return fields.flatMap(([field, bad]) => bad.map(([label, value]) => ({
    name: `${method} ${url} ${field} = ${label}`, method, url, payload: withField(base, field, value), field,
  })));
}

export function orderBase() {
  return {
    externalId: 'BAD-INPUT-1', salesChannel: 'WEB', accountingCode: 'ACC-1', priority: 1, orderDate: '2026-11-20T10:00:00Z',
    facilityId: 'STORE_NYC', shippingMethod: 'GROUND', shippingCost: 5, currency: 'USD',
    customer: { externalId: 'C-BAD', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+1 555 0100' },
    shipTo: {
      name: 'Ada Lovelace', address1: '1 Main St', address2: 'Apt 2', city: 'New York', state: 'NY', postalCode: '10002', country: 'US',
      market: 'US', phone: '+1 555 0100', email: 'ada@example.com',
    },
    items: [{ productId: 'P1', quantity: 1, unitPrice: 10 }],
    payments: [{ method: 'CARD', amount: 15 }],
  };
}

const facilityBase = {
  name: 'New Warehouse', type: 'WAREHOUSE', fulfillmentSystem: 'OMS', netsuiteLocationId: '77', address1: '1 Dock Rd', city: 'Newark',
  state: 'NJ', postalCode: '07102', country: 'US', market: 'US', ranking: 5, zipRanges: [['07000', '07999']], accountingCodes: ['ACC-1'],
  active: true, dailyOrderLimit: 10, safetyStock: 1,
};

const line = (i: number) => ({ productId: `P${(i % 3) + 1}`, quantity: 1, unitPrice: 1 });

function orderRequests(): BadRequest[] {
  const base = orderBase();
  const keys = ['externalId', 'salesChannel', 'accountingCode', 'facilityId', 'customer.externalId', 'items[0].productId', 'payments[0].method'];
  const texts = ['shippingMethod', 'customer.firstName', 'customer.lastName', 'customer.phone', 'shipTo.name', 'shipTo.address2', 'shipTo.city',
    'shipTo.state', 'shipTo.postalCode', 'shipTo.market', 'shipTo.phone'];
  const rows = table('POST', '/orders', base, [
    ...keys.map((k): [string, Bad[]] => [k, KEY_BAD]),
    ...texts.map((k): [string, Bad[]] => [k, TEXT_BAD]),
    ['shipTo.address1', [...STORABLE_BAD, ['empty', ''], ['a number', 3]]],
    ['shipTo.country', [['lower case', 'us'], ['a NUL', 'U\u0000'], ['three letters', 'USA']]],
    ['currency', [['lower case', 'usd'], ['a NUL', 'US\u0000'], ['a number', 840]]],
    ['customer.email', EMAIL_BAD], ['shipTo.email', EMAIL_BAD],
    ['priority', INT4_BAD], ['orderDate', DATE_BAD], ['shippingCost', MONEY_BAD],
    ['items[0].quantity', QUANTITY_BAD], ['items[0].unitPrice', MONEY_BAD], ['payments[0].amount', [...MONEY_BAD, ['0', 0]]],
    ['shipTo.latitude', [['91', 91], ['a string', '40']]],
  ]);
  rows.push(
    { name: 'an order of 12,000 lines', method: 'POST', url: '/orders', payload: { ...base, items: Array.from({ length: 12_000 }, (_, i) => line(i)) }, field: 'items' },
    { name: 'one line over the line limit', method: 'POST', url: '/orders', payload: { ...base, items: Array.from({ length: LIMITS.orderLines + 1 }, (_, i) => line(i)) }, field: 'items' },
    { name: 'no lines', method: 'POST', url: '/orders', payload: { ...base, items: [] }, field: 'items' },
    { name: 'too many payments', method: 'POST', url: '/orders', payload: { ...base, payments: Array.from({ length: LIMITS.orderPayments + 1 }, () => ({ method: 'CARD', amount: 1 })) }, field: 'payments' },
  );
  return rows;
}

function catalogRequests(): BadRequest[] {
  const product = { sku: 'P1-SKU', name: 'Product one', hazmat: false, sample: false, warehouseId: 'WH_NJ', netsuiteItemId: '101' };
  const rows = table('PUT', '/products/P1', product, [
    ['sku', KEY_BAD], ['name', [...STORABLE_BAD, ['empty', ''], ['a number', 1]]], ['netsuiteItemId', KEY_BAD],
    ['warehouseId', [...KEY_BAD, ['a store', 'STORE_NYC'], ['the brokering queue', '_NA_'], ['an inactive warehouse', 'WH_OFF'], ['unknown', 'NOPE']]],
    ['hazmat', [['a string', 'yes'], ['a number', 1]]],
  ]);
  rows.push({ name: "PUT /products/P4 with another product's SKU", method: 'PUT', url: '/products/P4', payload: { sku: 'P2-SKU' }, field: 'sku' });
  rows.push(...table('PUT', '/facilities/WH_NEW', facilityBase, [
    ['name', [...STORABLE_BAD, ['empty', '']]], ['netsuiteLocationId', KEY_BAD], ['address1', TEXT_BAD], ['city', TEXT_BAD], ['market', TEXT_BAD],
    ['type', [['unknown', 'SHOP'], ['a NUL', 'STORE\u0000']]], ['fulfillmentSystem', [['unknown', 'SAP']]], ['country', [['lower case', 'us']]],
    ['ranking', [...INT4_BAD, ['-1', -1]]], ['dailyOrderLimit', [...INT4_BAD, ['0', 0]]], ['safetyStock', [...INT4_BAD, ['-1', -1]]],
    ['latitude', [['-91', -91]]], ['active', [['a string', 'true']]],
    ['zipRanges', [['reversed', [['08999', '07000']]], ['not ZIPs', [['1', '2']]], ['a NUL', [['0700\u0000', '07999']]],
      ['too many', Array.from({ length: LIMITS.facilityListItems + 1 }, () => ['07000', '07999'])]]],
    ['accountingCodes', [['a NUL', ['A\u0000']], ['empty code', ['']], ['a long code', [incompressible(10_000)]]]],
  ]));
  for (const id of ['_NA_', 'EXCEPTION_PARKING', 'REJECTED_ITM_PARKING', 'NS_REJECTED_ORDERS']) {
    rows.push({ name: `PUT /facilities/${id} as a STORE`, method: 'PUT', url: `/facilities/${id}`, payload: { name: 'x', type: 'STORE' }, field: 'type' });
    rows.push({ name: `PUT /facilities/${id} as a WAREHOUSE`, method: 'PUT', url: `/facilities/${id}`, payload: { name: 'x', type: 'WAREHOUSE' }, field: 'type' });
  }
  rows.push({ name: 'PUT /facilities/_NA_ inactive', method: 'PUT', url: '/facilities/_NA_', payload: { name: 'x', type: 'VIRTUAL', active: false }, field: 'active' });
  rows.push(...table('PUT', '/inventory/P1/WH_NJ', { onHand: 1 }, [['onHand', [...INT4_BAD, ['-1', -1], ['over the stock limit', LIMITS.stockMax + 1]]]]));
  rows.push(...table('POST', '/inventory/P1/WH_NJ/adjust', { delta: 1, reason: 'VAR_FOUND' }, [
    ['delta', [...INT4_BAD, ['0', 0], ['-1e10', -1e10], ['below zero on hand', -1_000_000]]], ['reason', [...STORABLE_BAD, ['empty', ''], ['a number', 1]]],
  ]));
  return rows;
}

/** Bad path ids and query values: NUL, a lone surrogate (as its WTF-8 bytes), bad dates and numbers. */
function pathAndQueryRequests(): BadRequest[] {
  const g = (url: string, field: string): BadRequest => ({ name: `GET ${url}`, method: 'GET', url, field });
  const p = (url: string, field: string, payload?: unknown): BadRequest => ({ name: `POST ${url}`, method: 'POST', url, field, payload });
  const rows: BadRequest[] = [];
  for (const bad of ['%00', 'ORD%00x', '%ED%A0%80']) {
    // Bytes that are not UTF-8 cannot even be decoded: fastify refuses the URL itself.
    const g = (url: string, field: string) => ({ name: `GET ${url}`, method: 'GET' as const, url, field: bad.startsWith('%ED') ? 'url' : field });
    const p = (url: string, field: string, payload?: unknown) => ({ ...g(url, field), name: `POST ${url}`, method: 'POST' as const, payload });
    rows.push(
      g(`/orders/${bad}`, 'id'), p(`/orders/${bad}/approve`, 'id'), p(`/orders/${bad}/cancel`, 'id'), g(`/orders/${bad}/routing`, 'id'),
      g(`/orders/${bad}/story`, 'id'),
      g(`/orders/ORD-1/items/${bad}/history`, 'seq'), g(`/products/${bad}`, 'id'), g(`/facilities/${bad}`, 'id'),
      { ...p(`/products/${bad}`, 'id', { name: 'x' }), name: `PUT /products/${bad}`, method: 'PUT' },
      g(`/facilities/${bad}/items`, 'facilityId'), p(`/facilities/STORE_NYC/items/${bad}/00001/pack`, 'orderId'),
      p(`/facilities/STORE_NYC/items/ORD-1/${bad}/ship`, 'seqId'), p(`/facilities/${bad}/items/ORD-1/00001/reject`, 'facilityId', { reasonId: 'NOT_IN_STOCK' }),
      g(`/routing-profiles/${bad}`, 'id'), g(`/brokering/runs/${bad}`, 'id'), p(`/exceptions/${bad}/retry`, 'id'),
    );
    // A query value is decoded leniently (bytes that are not UTF-8 become U+FFFD, a storable character): only NUL is bad there.
    if (!bad.startsWith('%ED')) {
      rows.push(g(`/orders?facilityId=${bad}`, 'facilityId'), g(`/orders?from=${bad}`, 'from'), g(`/inventory?productId=${bad}`, 'productId'),
        g(`/inventory?facilityId=${bad}`, 'facilityId'), g(`/netsuite/refusals?orderId=${bad}`, 'orderId'));
    }
  }
  rows.push(
    g('/orders?from=2024-02-30', 'from'), g('/orders?to=yesterday', 'to'), g('/orders?to=0', 'to'), g('/orders?offset=1e30', 'offset'),
    g('/orders?limit=0', 'limit'), g('/orders?status=NOPE', 'status'), g('/products?offset=99999999999', 'offset'),
    // Bounded lists: a limit past the list's maximum, or not a whole number from 1, names limit.
    g('/inventory?limit=0', 'limit'), g('/inventory?limit=1001', 'limit'), g('/inventory?limit=ten', 'limit'), g('/inventory?limit=2.5', 'limit'),
    g('/inventory?offset=-1', 'offset'), g('/inventory?offset=1e30', 'offset'), g('/facilities?limit=1001', 'limit'), g('/facilities?offset=x', 'offset'),
    g('/exceptions?limit=0', 'limit'), g('/exceptions?limit=1001', 'limit'), g('/exceptions?offset=-5', 'offset'), g('/brokering/runs?limit=201', 'limit'),
    g('/brokering/runs?offset=-1', 'offset'), g('/products?limit=1001', 'limit'), g('/orders?limit=501', 'limit'),
    // A search term: no NUL, at most 200 characters (undecodable bytes are searched as the text they are).
    g('/orders?q=%00', 'q'), g('/orders?q=ORD%00x', 'q'), g(`/orders?q=${'x'.repeat(201)}`, 'q'),
    p('/netsuite/refusals/1e30/resend', 'id'), p('/netsuite/refusals/-1/dismiss', 'id'),
    g('/facilities/NO_SUCH/items', 'facility'), g('/facilities/WH_NJ/items', 'facility'), g('/facilities/_NA_/items', 'facility'),
  );
  const item = '/facilities/STORE_NYC/items/ORD-1/00001';
  rows.push(...table('POST', `${item}/ship`, { trackingNumber: '1Z', carrier: 'UPS' }, [['trackingNumber', TEXT_BAD], ['carrier', TEXT_BAD]]));
  rows.push(...table('POST', `${item}/reject`, { reasonId: 'NOT_IN_STOCK', comments: 'gone' }, [
    ['reasonId', KEY_BAD], ['comments', [...STORABLE_BAD, ['a number', 1]]],
  ]));
  rows.push(...table('PUT', '/routing-profiles/BAD_CH', { name: 'Channel', salesChannel: 'BAD_CH', settings: {} }, [
    ['name', TEXT_BAD], ['salesChannel', KEY_BAD],
    ['settings', [['a NUL carrier', { preassignedCarrierSplitsOrder: { enabled: true, carrier: 'UPS\u0000' } }],
      ['a lone surrogate carrier', { preassignedCarrierSplitsOrder: { enabled: true, carrier: '\ud800' } }]]],
  ]));
  return rows;
}

/** Files sent to POST /orders/import that nothing of can be imported: 400 (415 for another type) naming the field, nothing stored. */
function importRequests(): BadRequest[] {
  const header = CSV_HEADER.join(',');
  const good = csvRow(csvGood('IMP-HTTP-1'));
  const latin1 = Buffer.from(`${header}\n${csvRow({ ...csvGood('IMP-HTTP-L'), shipToName: 'Zoë Müller' })}\n`, 'latin1');
  const utf16NoBom = Buffer.from(`${header}\n${good}\n`, 'utf16le');
  const file = (name: string, contentType: string, payload: string | Buffer, field = 'body', query = ''): BadRequest =>
    ({ name: `POST /orders/import${query} ${name}`, method: 'POST', url: `/orders/import${query}`, payload, contentType, field });
  const rows = [
    file('Latin-1 without ?encoding', 'text/csv', latin1), file('UTF-16 without a BOM', 'text/csv', utf16NoBom),
    file('an empty CSV', 'text/csv', ''), file('an unclosed quote', 'text/csv', `${header}\n"IMP-Q,2026-11-20\n`),
    file('a header without quantity', 'text/csv', 'externalId,productId\nA,P1\n'),
    file('an unknown column', 'text/csv', `${header},colour\n${good},red\n`),
    file('a NUL in the header', 'text/csv', 'externalId,productId,quantity,\u0000\nA,P1,1,x\n'),
    file('malformed JSON', 'application/json', '{"orders": ['), file('JSON of a number', 'application/json', '42'),
    file('JSON with a NUL outside strings', 'application/json', '[\u0000]'), file('an empty JSON body', 'application/json', ''),
    file('as text/plain', 'text/plain', `${header}\n${good}\n`, 'content-type'),
    file('as form data', 'application/x-www-form-urlencoded', 'a=1', 'content-type'),
    file('?encoding=utf-7', 'text/csv', `${header}\n${good}\n`, 'encoding', '?encoding=utf-7'),
    file('?approve=maybe', 'text/csv', `${header}\n${good}\n`, 'approve', '?approve=maybe'),
  ];
  for (const [column, cell] of CSV_BAD_CELLS.slice(0, 12)) {
    // A NUL byte in a body without a byte-order mark refuses the whole file (UTF-16 without its mark): the body is named then.
    const field = cell.includes('\u0000') ? 'body' : column;
    rows.push(file(`one order, ${column} = ${JSON.stringify(cell).slice(0, 40)}`, 'text/csv', `${header}\n${csvRow({ ...csvGood('IMP-HTTP-B'), [column]: cell })}\n`, field));
  }
  for (const [i, field] of ['orderDate', 'priority', 'items[0].quantity', 'shipTo.name', 'currency'].entries()) {
    const order = withField({ ...orderBase(), externalId: `IMP-HTTP-J${i}` }, field, field === 'shipTo.name' ? '\ud800' : field === 'currency' ? 'usd' : null);
    rows.push(file(`one JSON order, ${field} bad`, 'application/json', JSON.stringify([order]), field));
  }
  return rows;
}

export const badRequests = (): BadRequest[] => [...orderRequests(), ...catalogRequests(), ...pathAndQueryRequests(), ...importRequests()];

// ---------------------------------------------------------------------------------------------
// Order import

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const csvRow = (cells: Record<string, string>) => CSV_HEADER.map((h) => csvCell(cells[h] ?? '')).join(',');

const csvGood = (externalId: string): Record<string, string> => ({
  externalId, orderDate: '2026-11-20T10:00:00Z', salesChannel: 'WEB', priority: '1', customerExternalId: 'C-IMP', firstName: 'Ada',
  lastName: 'Lovelace', email: 'ada@example.com', shipToName: 'Ada', address1: '1 Main St', city: 'New York', state: 'NY',
  postalCode: '10002', country: 'US', shippingMethod: 'GROUND', productId: 'P1', quantity: '1', unitPrice: '10',
});

/** One CSV column × bad cell per order: [column, cell]. */
const CSV_BAD_CELLS: [string, string][] = [
  ['externalId', incompressible(10_000)], ['externalId', 'X\u0000Y'], ['orderDate', '2024-02-30'], ['orderDate', 'null'], ['orderDate', 'true'],
  ['orderDate', '0'], ['orderDate', '2024-13-01'], ['priority', '2147483648'], ['priority', '1e10'], ['priority', '1.5'], ['priority', 'high'],
  ['quantity', '2147483648'], ['quantity', '0'], ['quantity', '-3'], ['quantity', '1.5'], ['quantity', 'many'], ['unitPrice', '1e12'],
  ['unitPrice', '1e15'], ['unitPrice', '-1'], ['unitPrice', 'ten'], ['productId', incompressible(300)], ['productId', 'P\u00001'],
  ['firstName', 'A\u0000da'], ['lastName', incompressible(10_000)], ['email', 'ada'], ['email', 'a\u0000@example.com'], ['phone', incompressible(1000)],
  ['customerExternalId', incompressible(10_000)], ['shipToName', '\u0000'], ['address1', incompressible(5000)], ['city', 'N\u0000Y'],
  ['country', 'usa'], ['shippingMethod', incompressible(300)], ['salesChannel', 'W\u0000EB'], ['accountingCode', incompressible(300)],
  ['postalCode', '1000\u00002'], ['state', incompressible(300)], ['address2', '\u0000'],
];

/** A CSV file whose every order has one bad cell (the first line of each order). */
export function badCsvFile(): { text: string; orders: { externalId: string; column: string }[] } {
  const lines = [CSV_HEADER.join(',')];
  const orders = CSV_BAD_CELLS.map(([column, cell], i) => {
    const externalId = column === 'externalId' ? cell : `IMP-CSV-${i}`;
    lines.push(csvRow({ ...csvGood(externalId), [column]: cell }));
    lines.push(csvRow({ ...csvGood(externalId), productId: 'P2' }));
    return { externalId, column };
  });
  const big = 'IMP-CSV-BIG';
  for (let i = 0; i < LIMITS.orderLines + 1; i++) lines.push(csvRow({ ...csvGood(big), productId: `P${(i % 3) + 1}` }));
  orders.push({ externalId: big, column: 'items' });
  return { text: `${lines.join('\r\n')}\r\n`, orders };
}

/** A JSON import whose every order is malformed in one field: [field, value]. */
export function badJsonOrders(): { orders: unknown[]; fields: string[] } {
  const bad: [string, unknown][] = [
    ['orderDate', null], ['orderDate', true], ['orderDate', '2024-02-30'], ['orderDate', 0], ['priority', 1e10], ['priority', 2147483648],
    ['items[0].quantity', 2147483648], ['items[0].unitPrice', 1e12], ['shippingCost', 1e13], ['payments[0].amount', 1e15],
    ['shipTo.name', '\ud800'], ['shipTo.name', 'a\u0000b'], ['externalId', incompressible(10_000)], ['customer.externalId', incompressible(10_000)],
    ['items[0].productId', incompressible(10_000)], ['customer.email', 'x\u0000@y.z'], ['shipTo.address1', ''], ['currency', 'usd'],
    ['items', Array.from({ length: 12_000 }, (_, i) => line(i))], ['items', []], ['salesChannel', '\udfff'], ['accountingCode', 'A\u0000'],
  ];
  const orders = bad.map(([field, value], i) => withField({ ...orderBase(), externalId: `IMP-JSON-${i}` }, field, value));
  return { orders, fields: bad.map(([f]) => f) };
}

/** Whole files that are malformed: each one `(file)` error and nothing imported. */
export const BAD_FILES: { name: string; format: 'csv' | 'json'; text: string }[] = [
  { name: 'empty CSV', format: 'csv', text: '' },
  { name: 'CSV with an unclosed quote', format: 'csv', text: `${CSV_HEADER.join(',')}\n"IMP-Q,2026-11-20\n` },
  { name: 'CSV header with a NUL column', format: 'csv', text: `externalId,productId,quantity,\u0000\nA,P1,1,x\n` },
  { name: 'CSV without the quantity column', format: 'csv', text: 'externalId,productId\nA,P1\n' },
  { name: 'JSON that is not JSON', format: 'json', text: '{"orders": [' },
  { name: 'JSON of a number', format: 'json', text: '42' },
  { name: 'JSON with a NUL outside strings', format: 'json', text: '[\u0000]' },
];

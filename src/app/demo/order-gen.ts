/**
 * Demo customers and orders in the API's order shape: real US ship-to ZIP codes, 1–4 lines with a
 * long-tail product popularity, repeat customers, WEB / POS / MARKETPLACE channels, shipping
 * methods with their priorities, and payments that add up.
 */
import { nearestStore, pickPlace, streetAddress, type ShipToPlace } from './places';
import type { DemoProduct } from './products';
import { round2, SkewedPicker, type Rng } from './random';

export interface DemoCustomer {
  externalId: string; firstName: string; lastName: string; email: string; phone: string;
  home: ShipToPlace & { address1: string; address2?: string };
}

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Sandra',
  'Mark', 'Ashley', 'Wei', 'Emily', 'Andrew', 'Priya', 'Joshua', 'Michelle', 'Kenji', 'Amanda', 'Luis', 'Melissa', 'Kevin', 'Stephanie',
  'Brian', 'Aaliyah', 'Omar', 'Laura', 'Ethan', 'Sofia', 'Noah', 'Olivia', 'Liam', 'Ava', 'Mateo', 'Isabella', 'Elijah', 'Mia'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
  'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris',
  'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Chen', 'Patel', 'Kim', 'Okafor'];
const MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

export function demoCustomers(rng: Rng, n: number): DemoCustomer[] {
  return Array.from({ length: n }, (_, i) => {
    const firstName = rng.pick(FIRST), lastName = rng.pick(LAST);
    const place = pickPlace(rng);
    return {
      externalId: `CUST-${100001 + i}`, firstName, lastName,
      email: `${firstName}.${lastName}${rng.int(1, 99)}@${rng.pick(MAIL_DOMAINS)}`.toLowerCase(),
      // 555-01xx numbers are reserved for fiction.
      phone: `+1 ${rng.int(201, 989)}-555-01${String(rng.int(0, 99)).padStart(2, '0')}`,
      home: { ...place, ...streetAddress(rng) },
    };
  });
}

export interface DemoOrderOptions {
  orders: number;
  days: number;
  now: Date;
  /** Active stores, origins of POS orders (mostly the customer's nearest). */
  stores: readonly { id: string; latitude: number; longitude: number }[];
}

/** Order bodies for `createOrder`, oldest first. */
export function demoOrders(rng: Rng, products: readonly DemoProduct[], customers: readonly DemoCustomer[], o: DemoOrderOptions): Record<string, unknown>[] {
  const regular = rng.shuffle(products.filter((p) => p.kind === 'apparel' || p.kind === 'home'));
  const hazmat = products.filter((p) => p.hazmat);
  const samples = products.filter((p) => p.sample);
  const popularity = new SkewedPicker(regular.length);
  const loyalty = new SkewedPicker(customers.length, Math.max(10, customers.length / 4));
  const dates = orderDates(rng, o.orders, o.days, o.now);
  return dates.map((orderDate, i) => {
    const channel = rng.weighted([['WEB', 70], ['POS', 15], ['MARKETPLACE', 15]] as const);
    const customer = customers[loyalty.pick(rng)];
    const wholesale = channel === 'WEB' && rng.chance(0.04);
    const lines = new Map<string, { productId: string; quantity: number; unitPrice: number }>();
    const want = rng.weighted([[1, 55], [2, 25], [3, 12], [4, 8]] as const);
    while (lines.size < want) {
      const p = hazmat.length && rng.chance(0.04) ? rng.pick(hazmat) : regular[popularity.pick(rng)];
      if (lines.has(p.id)) continue;
      const quantity = wholesale ? rng.int(6, 24) : rng.weighted([[1, 80], [2, 14], [3, 5], [rng.int(4, 6), 1]] as const);
      lines.set(p.id, { productId: p.id, quantity, unitPrice: p.price });
    }
    if (samples.length && lines.size < 4 && channel !== 'POS' && rng.chance(0.1)) {
      const s = rng.pick(samples);
      lines.set(s.id, { productId: s.id, quantity: 1, unitPrice: 0 });
    }
    const items = [...lines.values()];
    const subtotal = round2(items.reduce((s, it) => s + it.quantity * it.unitPrice, 0));

    const method = channel === 'POS' ? 'STANDARD' : rng.weighted([['STANDARD', 72], ['TWO_DAY', 18], ['NEXT_DAY', 10]] as const);
    const priority = method === 'NEXT_DAY' ? rng.weighted([[2, 7], [1, 3]] as const)
      : method === 'TWO_DAY' ? rng.weighted([[1, 1], [0, 1]] as const)
        : rng.chance(0.02) ? 1 : 0;
    const shippingCost = method === 'NEXT_DAY' ? 24.95 : method === 'TWO_DAY' ? 12.95 : subtotal >= 75 || wholesale ? 0 : 5.95;
    const total = round2(subtotal + shippingCost);

    const gift = channel !== 'POS' && rng.chance(0.12);
    const place = gift ? { ...pickPlace(rng), ...streetAddress(rng) } : customer.home;
    const shipTo = {
      name: gift ? `${rng.pick(FIRST)} ${rng.pick(LAST)}` : `${customer.firstName} ${customer.lastName}`,
      address1: place.address1, ...(place.address2 ? { address2: place.address2 } : {}),
      city: place.city, state: place.state, postalCode: place.zip, country: 'US', phone: customer.phone,
    };
    const marketplace = channel === 'MARKETPLACE' ? rng.weighted([['MKTPL-AMZ', 3], ['MKTPL-EBAY', 2]] as const) : undefined;
    return {
      externalId: `${channel === 'WEB' ? 'WEB' : channel === 'POS' ? 'POS' : 'MKT'}-${100001 + i}`,
      salesChannel: channel, priority, orderDate: orderDate.toISOString(),
      ...(marketplace ? { accountingCode: marketplace } : wholesale ? { accountingCode: 'WHOLESALE' } : {}),
      ...(channel === 'POS' && o.stores.length ? { facilityId: rng.chance(0.85) ? nearestStore(customer.home, o.stores) : rng.pick(o.stores).id } : {}),
      customer: { externalId: customer.externalId, firstName: customer.firstName, lastName: customer.lastName, email: customer.email, phone: customer.phone },
      shipTo, shippingMethod: method, shippingCost, currency: 'USD', items,
      payments: payments(rng, channel, total),
    };
  });
}

function payments(rng: Rng, channel: string, total: number): { method: string; amount: number }[] {
  if (channel === 'MARKETPLACE') return [{ method: 'MARKETPLACE', amount: total }];
  if (channel === 'POS') return [{ method: rng.chance(0.2) ? 'CASH' : 'CREDIT_CARD', amount: total }];
  if (total > 30 && rng.chance(0.08)) {
    const card = total > 60 ? rng.pick([25, 50]) : 25;
    return [{ method: 'GIFT_CARD', amount: card }, { method: 'CREDIT_CARD', amount: round2(total - card) }];
  }
  return [{ method: rng.weighted([['CREDIT_CARD', 70], ['PAYPAL', 18], ['APPLE_PAY', 12]] as const), amount: total }];
}

/** `n` order times over the last `days` days, busier in US daytime and evenings, oldest first. */
function orderDates(rng: Rng, n: number, days: number, now: Date): Date[] {
  const span = Math.max(days, 0.01) * 86_400_000;
  const out: Date[] = [];
  while (out.length < n) {
    const t = now.getTime() - rng.next() * span;
    const hourEastern = (new Date(t).getUTCHours() + 19) % 24;
    const weight = hourEastern < 6 ? 0.15 : hourEastern < 9 ? 0.5 : hourEastern < 18 ? 0.9 : 1;
    if (rng.chance(weight)) out.push(new Date(Math.floor(t / 1000) * 1000));
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}

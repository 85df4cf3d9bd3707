/**
 * Who may call what (pure). A principal has one role; a role grants permissions; every HTTP route
 * declares the rule it needs (`config: { access }` of the route); `decide` answers a request:
 *
 * - no principal → 401 (every route but the public ones);
 * - a permission the role does not have → 403;
 * - a store user asking about another facility, or an order with no item at their facilities →
 *   404, with the very answer an unknown id gets: they learn nothing of other stores;
 * - otherwise allowed (list routes then narrow their answer to `scopeOf(principal)`).
 */

export const ROLES = ['admin', 'operations', 'store', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs. */
export const PERMISSIONS = [
  /** Read orders, their items and their items' history. */
  'orders:read',
  /** Approve and cancel orders. */
  'orders:write',
  /** Create orders and import them. */
  'orders:intake',
  /** Brokering runs, routing explanations, the Exception list and its retry. */
  'brokering',
  /** Routing profiles: read, edit, history. */
  'routing',
  'inventory:read',
  /** Set and adjust on hand. */
  'inventory:write',
  /** Products and facilities. */
  'catalog:read',
  'catalog:write',
  /** A facility's open items (the store queue). */
  'store:read',
  /** Pack, ship and reject a facility's items. */
  'store:act',
  /** Jobs and feeds: schedules, runs, params. */
  'jobs',
  /** NetSuite's refusals: list, re-send, dismiss. */
  'netsuite',
  /** Prometheus metrics. */
  'metrics',
  /** Users and API tokens. */
  'users',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The permissions of each role. A store user's permissions hold for their own facilities only. */
export const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operations: [
    'orders:read', 'orders:write', 'orders:intake', 'brokering', 'routing', 'inventory:read', 'inventory:write',
    'catalog:read', 'catalog:write', 'store:read', 'jobs', 'netsuite', 'metrics',
  ],
  store: ['orders:read', 'inventory:read', 'catalog:read', 'store:read', 'store:act'],
  integration: ['orders:intake', 'jobs', 'netsuite', 'metrics'],
};

/** The roles whose access is limited to their facilities. */
const SCOPED_ROLES: ReadonlySet<Role> = new Set<Role>(['store']);

export const isRole = (x: unknown): x is Role => typeof x === 'string' && (ROLES as readonly string[]).includes(x);

/** Who makes a request: a user by session or API token, or the local CLI of the server's own host. */
export interface Principal {
  /** Null for the local CLI principal (no user row). */
  userId: number | null;
  username: string;
  role: Role;
  /** A store user's facilities; empty for the other roles. */
  facilities: readonly string[];
  via: 'session' | 'token' | 'local';
}

/**
 * The rule of a route. `need`: `public` (no credentials), `user` (any principal), or a permission.
 * `facility`: the path param naming a facility; `order`: the path param naming an order (and
 * `item`, the one naming its item, for the not-found answer). Both hold a store user to their
 * facilities. A list route narrows its answer itself (`listScope`).
 */
export interface AccessRule {
  need: 'public' | 'user' | Permission;
  facility?: string;
  order?: string;
  item?: string;
}

/** What the request names, read by the caller: the facility and order of the rule, the facilities holding the order's items. */
export interface AccessTarget {
  facilityId?: string;
  orderId?: string;
  /** Facilities where the order has items; looked up only when `needsOrderFacilities`. */
  orderFacilityIds?: readonly string[];
}

export type Decision =
  | { kind: 'allow' }
  | { kind: 'deny'; status: 401 | 403; message: string }
  /** Answered exactly as an unknown record: `what` and `id` for the not-found message. */
  | { kind: 'deny'; status: 404; what: 'facility' | 'order'; id: string };

export const can = (role: Role, permission: Permission): boolean => GRANTS[role].includes(permission);

/** The facilities a principal is limited to, or undefined: not limited. */
export function scopeOf(p: Principal): readonly string[] | undefined {
  return SCOPED_ROLES.has(p.role) ? p.facilities : undefined;
}

/** Whether `decide` needs the facilities of the order the rule names (only for a limited principal). */
export function needsOrderFacilities(p: Principal | undefined, rule: AccessRule): boolean {
  return Boolean(p && rule.order && scopeOf(p) && (rule.need === 'user' || rule.need === 'public' || can(p.role, rule.need)));
}

/** The decision for a request by `p` to a route with `rule` about `target`. */
export function decide(p: Principal | undefined, rule: AccessRule, target: AccessTarget = {}): Decision {
  if (rule.need === 'public') return { kind: 'allow' };
  if (!p) return { kind: 'deny', status: 401, message: 'sign in first: a session cookie (POST /auth/login) or an API token (Authorization: Bearer)' };
  if (rule.need !== 'user' && !can(p.role, rule.need)) {
    return { kind: 'deny', status: 403, message: `the ${p.role} role may not do this (it needs ${rule.need})` };
  }
  const scope = scopeOf(p);
  if (!scope) return { kind: 'allow' };
  if (target.facilityId !== undefined && !scope.includes(target.facilityId)) {
    return { kind: 'deny', status: 404, what: 'facility', id: target.facilityId };
  }
  if (rule.order && target.orderId !== undefined && !(target.orderFacilityIds ?? []).some((f) => scope.includes(f))) {
    return { kind: 'deny', status: 404, what: 'order', id: target.orderId };
  }
  return { kind: 'allow' };
}

/**
 * The facilities a list may cover: the request's facility filter narrowed to the principal's
 * facilities (a store user filtering by another facility gets an empty list, as for an unknown
 * one); undefined: every facility.
 */
export function listScope(p: Principal, requested?: string): readonly string[] | undefined {
  const scope = scopeOf(p);
  if (!scope) return requested === undefined ? undefined : [requested];
  return requested === undefined ? scope : scope.filter((f) => f === requested);
}

/**
 * Whether a principal sees customers' contact details (e-mail, phone). A store user does not: they
 * see the name and ship-to of the orders with items at their store, nothing more.
 */
export const seesCustomerContact = (p: Principal): boolean => !scopeOf(p);

/** The items of an order a principal may see: a limited principal sees only those at their facilities. */
export function visibleItems<T extends { facilityId: string | null }>(p: Principal, items: readonly T[]): T[] {
  const scope = scopeOf(p);
  return scope ? items.filter((i) => i.facilityId !== null && scope.includes(i.facilityId)) : [...items];
}

/**
 * The API calls and types of the operations console's orders, order story, brokering, jobs and
 * feeds, and users and tokens pages. Each page view is one request where the server joins the data.
 */
import { call } from '../../api';

export const ORDER_STATUSES = ['CREATED', 'APPROVED', 'PARTIALLY_ALLOCATED', 'ALLOCATED', 'COMPLETED', 'CANCELLED', 'EXCEPTION'] as const;

export interface OrderRow {
  id: string; externalId: string | null; salesChannel: string; orderDate: string; status: string; shippingMethod: string | null;
  customerName: string | null; customerEmail: string | null; exceptionReason: string | null;
}
export interface OrderQuery { q?: string; status?: string; facilityId?: string; from?: string; to?: string; limit: number; offset: number }

export interface NetsuiteState { state: string; [k: string]: unknown }
export interface StoryItem {
  seqId: string; parentSeqId: string | null; productId: string; quantity: number; unitPrice: string; status: string; facilityId: string | null;
  netsuite: NetsuiteState;
}
export interface Move {
  id: number; orderItemSeqId: string; fromStatus: string | null; toStatus: string; fromFacilityId: string | null; toFacilityId: string | null;
  reason: string | null; actor: string; runId: string | null; rule: string | null; createdAt: string;
}
export interface Rejection {
  id: number; seqId: string; facilityId: string; quantity: number; source: string; reason: string | null; reasonDescription: string | null;
  comments: string | null; actor: string; createdAt: string;
}
export interface Shipment { facilityId: string; carrier: string | null; backordered: boolean; items: { seq: string; quantity: number }[]; decidedBy: string; distanceKm: number | null }
export interface Decision {
  runId: string; status: string; at: string;
  result: { status: string; shipments: Shipment[]; queued: { seq: string; quantity: number }[]; exception: { reason: string; message: string } | null;
    warnings: string[]; explanation: string[] };
}
export interface Story {
  order: {
    id: string; externalId: string | null; status: string; orderDate: string; salesChannel: string; shippingMethod: string | null;
    shipTo: Record<string, string | number | undefined>; exceptionReason: string | null; exceptionMessage: string | null; items: StoryItem[];
  };
  customer: { name: string | null; email: string | null; phone: string | null } | null;
  history: Move[]; rejections: Rejection[]; routing: Decision[];
}

export interface BrokeringRun {
  id: string; status: string; trigger: string; startedAt: string; endedAt: string | null;
  orders: number; items: number; allocated: number; exception: number; queued: number; error: string | null;
}
export interface ExceptionRow { id: string; externalId: string | null; reason: string | null; message: string | null; orderDate: string; updatedAt: string }

export interface JobRun {
  id: string; name: string; status: string; trigger: string; startedAt: string; endedAt: string | null; counts: Record<string, number>;
  files: string[]; rowErrors: { file?: string; row: number; field?: string; message: string }[]; error: string | null; actor: string | null;
}
export interface Job {
  name: string; description: string; cron: string | null; enabled: boolean; params: Record<string, unknown>; nextRunAt: string | null;
  lastRun: JobRun | null; running: boolean;
}
export interface Refusal {
  id: number; feed: string; fileName: string; rowNumber: number; orderId: string | null; orderItemSeqId: string | null; message: string;
  status: string; createdAt: string;
}

export interface UserRow { id: number; username: string; role: string; facilities: string[]; disabledAt: string | null; createdAt: string }
export interface TokenRow { id: number; userId: number; name: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

const seg = encodeURIComponent;
const query = (q: object) => new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));

export const consoleApi = {
  orders: (q: OrderQuery) => call<{ orders: OrderRow[]; nextOffset: number | null }>('GET', `/orders?${query(q)}`),
  story: (id: string) => call<Story>('GET', `/orders/${seg(id)}/story`),
  approve: (id: string) => call<unknown>('POST', `/orders/${seg(id)}/approve`),
  cancel: (id: string) => call<unknown>('POST', `/orders/${seg(id)}/cancel`),

  runBrokering: () => call<BrokeringRun>('POST', '/brokering/runs'),
  brokeringRuns: (limit = 50) => call<{ runs: BrokeringRun[]; nextOffset: number | null }>('GET', `/brokering/runs?limit=${limit}`),
  exceptions: () => call<{ exceptions: ExceptionRow[]; nextOffset: number | null }>('GET', '/exceptions?limit=200'),
  retry: (id: string) => call<unknown>('POST', `/exceptions/${seg(id)}/retry`),

  jobs: () => call<{ jobs: Job[] }>('GET', '/jobs'),
  jobRuns: (name?: string) => call<{ runs: JobRun[] }>('GET', `/jobs/runs?${query({ name, limit: 50 })}`),
  setEnabled: (name: string, enabled: boolean) => call<Job>('PATCH', `/jobs/${seg(name)}`, { enabled }),
  runJob: (name: string, params: Record<string, unknown>) => call<unknown>('POST', `/jobs/${seg(name)}/run`, { params }),
  refusals: () => call<{ refusals: Refusal[] }>('GET', '/netsuite/refusals'),
  resend: (id: number) => call<unknown>('POST', `/netsuite/refusals/${id}/resend`),
  dismiss: (id: number) => call<unknown>('POST', `/netsuite/refusals/${id}/dismiss`),

  users: () => call<{ users: UserRow[] }>('GET', '/users'),
  createUser: (b: { username: string; role: string; password: string | null; facilities: string[] }) => call<UserRow>('POST', '/users', b),
  disableUser: (username: string) => call<{ message: string }>('POST', `/users/${seg(username)}/disable`),
  tokens: () => call<{ tokens: TokenRow[] }>('GET', '/auth/tokens'),
  createToken: (username: string, name: string) => call<TokenRow & { token: string }>('POST', '/auth/tokens', { username, name }),
  revokeToken: (id: number) => call<TokenRow>('DELETE', `/auth/tokens/${id}`),
};

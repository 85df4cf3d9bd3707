/**
 * Operators and NetSuite's refusals (rows of our files NetSuite could not apply, recorded by the
 * job IMP_NS_IMPORT_ERRORS): list them, re-send one, or dismiss one. Nothing is re-sent
 * automatically.
 *
 * Re-send, in the caller's transaction (`Tx`), only from OPEN:
 * - brokered-items / fulfilled-items: the refused outbox row is superseded (it no longer counts as
 *   sent, so the next export of that feed writes the item again); for a brokered-items refusal the
 *   item is also flagged `netsuite_sync = coalesce(netsuite_sync, 'RESEND')`, which makes the
 *   brokered-items export give it a row (a fulfilled-items refusal is not flagged: the item needs a
 *   fulfilment row again, not an allocation row);
 * - inventory-adjustment: the variance counts as unsent again (`feed_file_id = null`), so the next
 *   GEN_INV_VAR_FEED_NS sends it.
 * Dismiss only closes the refusal (the operator fixed it in NetSuite, or it does not matter).
 */
import type { Db, Tx } from '../db/client';
import {
  flagItemForResend, listRefusals, lockRefusal, resolveRefusal, supersedeOutboxRow, unsendVariance,
  type RefusalRow, type RefusalStatus,
} from '../db/netsuite.repo';
import { conflict, notFound, type Failure } from '../domain/result';

export const REFUSAL_STATUSES = ['OPEN', 'RESENT', 'DISMISSED'] as const satisfies readonly RefusalStatus[];

export type RefusalResult = { kind: 'ok'; refusal: RefusalRow } | Failure;

export function listNetsuiteRefusals(db: Db, q: { status?: RefusalStatus; orderId?: string; limit?: number } = {}): Promise<RefusalRow[]> {
  return listRefusals(db, { status: q.status ?? 'OPEN', orderId: q.orderId, limit: Math.min(q.limit ?? 100, 1000) });
}

async function resolveOpen(
  tx: Tx, id: number, status: 'RESENT' | 'DISMISSED', actor: string, effect: (r: RefusalRow) => Promise<void>,
): Promise<RefusalResult> {
  const current = await lockRefusal(tx, id);
  if (!current) return notFound('NetSuite refusal', String(id));
  const verb = status === 'RESENT' ? 're-sent' : 'dismissed';
  const resolved = current.status === 'OPEN' ? await resolveRefusal(tx, id, status, actor) : undefined;
  if (!resolved) {
    const by = current.resolvedBy ? ` (by ${current.resolvedBy})` : '';
    return conflict(`NetSuite refusal ${id} is ${current.status}${by}: only an OPEN refusal can be ${verb}`);
  }
  await effect(resolved);
  return { kind: 'ok', refusal: resolved };
}

/** Sends the refused row again with the next export of its feed. */
export function resendRefusal(tx: Tx, id: number, actor: string): Promise<RefusalResult> {
  return resolveOpen(tx, id, 'RESENT', actor, async (r) => {
    if (r.outboxId !== null) await supersedeOutboxRow(tx, r.outboxId);
    if (r.feed === 'brokered-items' && r.orderId && r.orderItemSeqId) await flagItemForResend(tx, r.orderId, r.orderItemSeqId);
    if (r.varianceId) await unsendVariance(tx, r.varianceId);
  });
}

/** Closes the refusal without sending anything. */
export function dismissRefusal(tx: Tx, id: number, actor: string): Promise<RefusalResult> {
  return resolveOpen(tx, id, 'DISMISSED', actor, async () => {});
}

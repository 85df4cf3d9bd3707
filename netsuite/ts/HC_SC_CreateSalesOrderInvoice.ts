/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Invoices the sales orders paid by customer deposit once they are fully fulfilled (feeds.md v2,
 * "Fulfilment — both ways": "once an order is fully fulfilled and paid by deposit, invoices it").
 *
 * Orders: those of the customer deposits not fully applied yet (status other than `CustDep:C`) that
 * are linked to a sales order. An order is invoiced when every open line is fulfilled and some of
 * it is not billed yet: `record.transform` salesorder → invoice (Help: "record.transform(options)"),
 * which bills the fulfilled, unbilled quantities. NetSuite applies the order's customer deposits to
 * an invoice created from it (Help: "Customer Deposits", "Applying a Customer Deposit": the deposit
 * application is created when the order is billed), so the deposit ends Fully Applied and is not
 * looked at again.
 *
 * Once: a billed order has nothing left to bill, so a later run does not invoice it again.
 * Governance: about 40 units per order (load 10, transform 10, save 20); the run stops above
 * `min_usage` (default 200) and the next scheduled run carries on.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { CREATE_INVOICE as CI } from './lib/fields';
import { intParam, remainingUsage } from './lib/params';
import { errorMessage } from './lib/report';

const P = CI.paramPrefix;
const PER_ORDER = 45;

function depositOrders(max: number): string[] {
  const s = search.create({
    type: search.Type.CUSTOMER_DEPOSIT,
    filters: [['mainline', 'is', 'T'], 'AND', ['salesorder', 'noneof', '@NONE@'], 'AND', ['status', 'noneof', 'CustDep:C']],
    columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), 'salesorder'],
  });
  const ids: string[] = [];
  for (const r of s.run().getRange({ start: 0, end: max })) {
    const so = String(r.getValue({ name: 'salesorder' }) || '');
    if (so && ids.indexOf(so) < 0) ids.push(so);
  }
  return ids;
}

/** True when every open line is fulfilled in full and some quantity is not billed yet. */
function readyToBill(so: record.Record): boolean {
  let unbilled = 0;
  for (let i = 0; i < so.getLineCount({ sublistId: 'item' }); i++) {
    const get = (fieldId: string) => so.getSublistValue({ sublistId: 'item', fieldId, line: i });
    if (get('isclosed') === true) continue;
    const qty = Number(get('quantity')) || 0;
    if ((Number(get('quantityfulfilled')) || 0) < qty) return false;
    unbilled += qty - (Number(get('quantitybilled')) || 0);
  }
  return unbilled > 0;
}

export const execute: EntryPoints.Scheduled.execute = () => {
  const minUsage = intParam(`${P}min_usage`, 200, 50, 5000);
  const orders = depositOrders(intParam(`${P}max_orders`, 1000, 1, 1000));
  let invoiced = 0;
  let stopped = false;
  const failed: string[] = [];
  for (const id of orders) {
    if (remainingUsage() < minUsage + PER_ORDER) {
      stopped = true;
      break;
    }
    try {
      if (!readyToBill(record.load({ type: record.Type.SALES_ORDER, id }))) continue;
      const inv = record.transform({ fromType: record.Type.SALES_ORDER, fromId: Number(id), toType: record.Type.INVOICE });
      inv.save({ enableSourcing: true, ignoreMandatoryFields: true });
      invoiced++;
    } catch (e) {
      failed.push(`sales order ${id}: ${errorMessage(e)}`);
    }
  }
  if (failed.length) log.error({ title: `${failed.length} invoice(s) not created`, details: failed.join('\n').slice(0, 3900) });
  log.audit({ title: 'Invoices created', details: `${invoiced} of ${orders.length} order(s)${stopped ? '; stopped for governance, the next run goes on' : ''}` });
};

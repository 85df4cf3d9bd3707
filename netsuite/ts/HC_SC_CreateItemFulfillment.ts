/**
 * @NApiVersion 2.1
 * @NScriptType ScheduledScript
 * @NModuleScope SameAccount
 */

/*
 * Creates the item fulfilments of the lines the OMS fulfilled itself (stores). The OMS's
 * fulfilled-items feed (`salesorder/update/fulfilledOrderItemsFeed_*.csv`, feeds.md v2) is imported
 * by HC_SC_UpdateSalesOrders, which sets the tag (`tags`, default `oms-fulfilled`) in the line field
 * `custcol_oms_item_tag`; this script reads no file itself. It searches open sales order lines
 * carrying the tag (parameter `tag`), and per order transforms the sales order into an item
 * fulfilment (`record.transform` salesorder → itemfulfillment, Help: "record.transform(options)",
 * 10 units) with only those lines marked `itemreceive` (every other line unmarked, whatever the
 * account's default), each for its unfulfilled quantity, status Shipped, and `OMS` in
 * `custbody_oms_ful_export_batch` so HC_MR_ExportedSalesOrderFulfillmentCSV never sends it back.
 *
 * Once: a fulfilled line has no quantity left to fulfil, so a later run skips it; the fulfilment's
 * save is the one step that changes anything. Governance: before each order the run checks that
 * 40 units (transform 10 + save 20 + margin) stay above `min_usage` (default 200) and otherwise
 * stops; the next scheduled run carries on with the orders left.
 */
import * as log from 'N/log';
import * as record from 'N/record';
import * as search from 'N/search';
import type { EntryPoints } from 'N/types';
import { CREATE_FULFILLMENT as CF, SO, TXN_MARKS } from './lib/fields';
import { intParam, param, remainingUsage } from './lib/params';
import { errorMessage } from './lib/report';

const P = CF.paramPrefix;
const PER_ORDER = 40;

/** Tagged open lines by sales order id: line id → location. */
function taggedLines(tag: string, max: number): Map<string, Map<string, string>> {
  const s = search.create({
    type: search.Type.SALES_ORDER,
    filters: [
      ['mainline', 'is', 'F'],
      'AND',
      ['status', 'anyof', 'SalesOrd:B', 'SalesOrd:D', 'SalesOrd:E'],
      'AND',
      [SO.itemTag, 'is', tag],
      'AND',
      ['isclosed', 'is', 'F'],
    ],
    columns: [search.createColumn({ name: 'internalid', sort: search.Sort.ASC }), SO.line, SO.location],
  });
  const byOrder = new Map<string, Map<string, string>>();
  for (const r of s.run().getRange({ start: 0, end: max })) {
    const id = String(r.id);
    if (!byOrder.has(id)) byOrder.set(id, new Map());
    byOrder.get(id)!.set(String(r.getValue({ name: SO.line })), String(r.getValue({ name: SO.location }) || ''));
  }
  return byOrder;
}

/** Transforms one order; returns the fulfilment id, or '' when none of its tagged lines is left to fulfil. */
function fulfil(orderId: string, lines: Map<string, string>): string {
  const f = record.transform({ fromType: record.Type.SALES_ORDER, fromId: Number(orderId), toType: record.Type.ITEM_FULFILLMENT });
  let marked = 0;
  for (let i = 0; i < f.getLineCount({ sublistId: 'item' }); i++) {
    const orderLine = String(f.getSublistValue({ sublistId: 'item', fieldId: 'orderline', line: i }));
    const remaining = Number(f.getSublistValue({ sublistId: 'item', fieldId: 'quantityremaining', line: i })) || 0;
    const ours = lines.has(orderLine) && remaining > 0;
    f.setSublistValue({ sublistId: 'item', fieldId: 'itemreceive', line: i, value: ours });
    if (!ours) continue;
    f.setSublistValue({ sublistId: 'item', fieldId: 'quantity', line: i, value: remaining });
    if (lines.get(orderLine)) f.setSublistValue({ sublistId: 'item', fieldId: 'location', line: i, value: lines.get(orderLine)! });
    marked++;
  }
  if (!marked) return '';
  f.setValue({ fieldId: 'shipstatus', value: 'C' });
  f.setValue({ fieldId: 'memo', value: 'Item Fulfillment created for the OMS (fulfilled outside NetSuite)' });
  f.setValue({ fieldId: TXN_MARKS.fulfillmentExportBatch, value: TXN_MARKS.omsFulfilled });
  return String(f.save({ enableSourcing: true, ignoreMandatoryFields: true }));
}

export const execute: EntryPoints.Scheduled.execute = () => {
  const tag = param(`${P}tag`) || CF.defaultTag;
  const minUsage = intParam(`${P}min_usage`, 200, 50, 5000);
  const orders = taggedLines(tag, intParam(`${P}max_lines`, 1000, 1, 1000));
  let created = 0;
  let stopped = false;
  const failed: string[] = [];
  for (const [orderId, lines] of orders) {
    if (remainingUsage() < minUsage + PER_ORDER) {
      stopped = true;
      break;
    }
    try {
      if (fulfil(orderId, lines)) created++;
    } catch (e) {
      failed.push(`sales order ${orderId}: ${errorMessage(e)}`);
    }
  }
  if (failed.length) log.error({ title: `${failed.length} fulfilment(s) not created`, details: failed.join('\n').slice(0, 3900) });
  log.audit({ title: 'Item fulfilments created', details: `${created} of ${orders.size} order(s)${stopped ? '; stopped for governance, the next run goes on' : ''}` });
};

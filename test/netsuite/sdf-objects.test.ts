/**
 * The SDF objects cannot be validated without an account (SuiteCloud CLI), so this checks what can
 * be checked offline: well-formed XML, script files that the build emits, script parameters and
 * custom fields that the code uses are declared, and the import maps' columns are the contract's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetsuite, NETSUITE_DIR, sourceFiles, TS_DIR } from './support/build';

const OBJECTS = join(NETSUITE_DIR, 'src', 'Objects');
const xml = (name: string) => readFileSync(join(OBJECTS, name), 'utf8');
const allXml = () => readdirSync(OBJECTS).filter((f) => f.endsWith('.xml'));
const code = () => sourceFiles().map((f) => readFileSync(join(TS_DIR, f), 'utf8')).join('\n');

/** Minimal well-formedness check: every start tag is closed in order. */
function wellFormed(text: string): boolean {
  const stack: string[] = [];
  for (const m of text.replace(/<!--[^]*?-->/g, '').matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0;
}

const scriptParams = (file: string) => [...xml(file).matchAll(/<scriptcustomfield scriptid="([^"]+)"/g)].map((m) => m[1]).sort();
const columns = (file: string) => [...xml(file).matchAll(/<column>([^<]+)<\/column>/g)].map((m) => m[1]).sort();

let out = '';
beforeAll(() => {
  out = buildNetsuite();
});

describe('SDF project', () => {
  it('has well-formed manifest, deploy and object XML', () => {
    for (const f of ['manifest.xml', 'deploy.xml']) expect(wellFormed(readFileSync(join(NETSUITE_DIR, 'src', f), 'utf8')), f).toBe(true);
    for (const f of allXml()) expect(wellFormed(xml(f)), f).toBe(true);
    expect(readFileSync(join(NETSUITE_DIR, 'src', 'deploy.xml'), 'utf8')).toContain('~/FileCabinet/SuiteScripts/OMS/*');
  });

  it('points every script record at a file the build emits', () => {
    const files = allXml().flatMap((f) => [...xml(f).matchAll(/<scriptfile>\[\/SuiteScripts\/OMS\/([^\]]+)\]<\/scriptfile>/g)].map((m) => m[1]));
    expect(files.sort()).toEqual([
      'HC_MR_CreateCustomerDeposit.js',
      'HC_MR_ExportedCustomerCSV.js',
      'HC_MR_ExportedCustomerDepositCSV.js',
      'HC_MR_ExportedRejectedSalesOrderItemCSV.js',
      'HC_MR_ExportedSalesOrderCSV.js',
      'HC_MR_ExportedSalesOrderFulfillmentCSV.js',
      'HC_MR_ExportedSalesOrderItemCSV.js',
      'HC_SC_CreateItemFulfillment.js',
      'HC_SC_CreateSFTPDirectory.js',
      'HC_SC_CreateSalesOrderInvoice.js',
      'HC_SC_ImportCustomers.js',
      'HC_SC_ImportInventoryAdjustment.js',
      'HC_SC_ImportSalesOrders.js',
      'HC_SC_UpdateSalesOrders.js',
      'HC_UE_ResetRejectedItemExport.js',
    ]);
    for (const f of files) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('declares the parameters each script reads', () => {
    const importSuffixes = ['max_in_flight', 'poll_seconds', 'poll_interval_ms', 'min_usage', 'queue_id', 'sftp_config'];
    expect(scriptParams('customscript_oms_update_salesorders.xml')).toEqual(importSuffixes.map((s) => `custscript_oms_upso_${s}`).sort());
    expect(scriptParams('customscript_oms_import_inv_adjustment.xml')).toEqual(importSuffixes.map((s) => `custscript_oms_invadj_${s}`).sort());
    const rejectedCode = ['HC_MR_ExportedRejectedSalesOrderItemCSV.ts', 'lib/rejectedItems.ts'].map((f) => readFileSync(join(TS_DIR, f), 'utf8')).join('\n');
    const used = [...rejectedCode.matchAll(/\$\{P\}(\w+)/g)].map((m) => `custscript_oms_rej_${m[1]}`);
    const mkdirUsed = [...readFileSync(join(TS_DIR, 'HC_SC_CreateSFTPDirectory.ts'), 'utf8').matchAll(/\$\{P\}(\w+)/g)].map((m) => `custscript_oms_mkdir_${m[1]}`);
    expect(scriptParams('customscript_oms_create_sftp_directory.xml')).toEqual([...new Set(mkdirUsed)].sort());
    expect(scriptParams('customscript_oms_exp_rejected_so_items.xml')).toEqual([...new Set(used)].sort());
    expect(scriptParams('customscript_oms_ue_reset_rej_export.xml')).toEqual([]); // one source for the "Rejected Orders" location: the export's parameter
    for (const id of scriptParams('customscript_oms_exp_rejected_so_items.xml')) expect(id.length).toBeLessThanOrEqual(40);
  });

  it('declares every custom record, record field and column the code uses', () => {
    const declared = new Set(allXml().flatMap((f) => [...xml(f).matchAll(/scriptid="([^"]+)"/g)].map((m) => m[1])));
    const used = new Set([...code().matchAll(/'((?:customrecord|custrecord|custcol|custbody)_\w+)'/g)].map((m) => m[1]));
    expect([...used].filter((id) => !declared.has(id))).toEqual([]);
  });

  it('maps the contract columns: brokered and fulfilled items update, inventory adjustments', () => {
    // feeds.md v2: brokered items `internalId,lineId,item,location,quantity,closed,rejected,orderLineId`,
    // fulfilled items `internalId,lineId,item,quantity,location,tags,orderLineId`; one map reads both.
    const brokered = 'internalId,lineId,item,location,quantity,closed,rejected,orderLineId'.split(',');
    const fulfilled = 'internalId,lineId,item,quantity,location,tags,orderLineId'.split(',');
    expect(columns('custimport_oms_update_salesorders.xml')).toEqual([...new Set([...brokered, ...fulfilled])].sort());
    expect(xml('custimport_oms_update_salesorders.xml')).toMatch(/<datahandling>UPDATE<\/datahandling>[^]*<recordtype>SALESORDER<\/recordtype>/);
    const contract = 'Reference No,Adjustment Account,Item,Adjust Qty By,Location,Date,Memo,Subsidiary,HC Inventory Adj Id,Adjustment Location';
    expect(columns('custimport_oms_inventoryadjustment.xml')).toEqual(contract.split(',').sort());
    expect(xml('custimport_oms_inventoryadjustment.xml')).toMatch(/<datahandling>ADDUPDATE<\/datahandling>[^]*<recordtype>INVENTORYADJUSTMENT<\/recordtype>/);
  });

  it('keys inventory adjustments on External ID; their Date column is plain text for the script to convert (feeds.md v2)', () => {
    const map = xml('custimport_oms_inventoryadjustment.xml');
    expect(map).toMatch(/<field>EXTERNALID<\/field>\s*<columnreference>\s*<column>HC Inventory Adj Id<\/column>/);
    // HC_SC_ImportInventoryAdjustment rewrites the contract's M/D/YYYY into the importing user's
    // Date Format preference, which is how a CSV import reads dates; a date format on the map
    // itself would make NetSuite misread the rewritten dates.
    expect(map).toMatch(/<field>TRANDATE<\/field>\s*<columnreference>\s*<column>Date<\/column>\s*<file>INVENTORYADJUSTMENT<\/file>\s*<type>NAME<\/type>\s*<\/columnreference>\s*<\/fieldmapping>/);
    expect(readFileSync(join(TS_DIR, 'HC_SC_ImportInventoryAdjustment.ts'), 'utf8')).toMatch(/getPreference\(\{ name: 'DATEFORMAT' \}\)/);
    // Re-importing a variance updates its adjustment: its one inventory line is replaced, not added.
    expect(map).toContain('<overwritesublists>T</overwritesublists>');
  });

  it('uses the saved import maps the scripts name', () => {
    const src = code();
    for (const id of ['custimport_oms_update_salesorders', 'custimport_oms_inventoryadjustment']) {
      expect(src).toContain(`'${id}'`);
      expect(existsSync(join(OBJECTS, `${id}.xml`))).toBe(true);
    }
  });
});

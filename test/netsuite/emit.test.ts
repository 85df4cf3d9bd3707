/**
 * The SuiteScripts compile with TS 5.9 (`module: amd`) and keep what NetSuite needs: an AMD
 * `define([...])` and the `@NApiVersion 2.1` / `@NScriptType` JSDoc as the file's first comment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetsuite, NETSUITE_DIR, sourceFiles } from './support/build';
import { createEnv } from './support/env';

const SCRIPTS: Record<string, string> = {
  HC_SC_UpdateSalesOrders: 'ScheduledScript',
  HC_SC_ImportInventoryAdjustment: 'ScheduledScript',
  HC_SC_CreateSFTPDirectory: 'ScheduledScript',
  HC_MR_ExportedRejectedSalesOrderItemCSV: 'MapReduceScript',
  HC_UE_ResetRejectedItemExport: 'UserEventScript',
  HC_MR_CreateCustomerDeposit: 'MapReduceScript',
  HC_MR_ExportedCustomerDepositCSV: 'MapReduceScript',
  HC_MR_ExportedSalesOrderFulfillmentCSV: 'MapReduceScript',
  HC_SC_CreateItemFulfillment: 'ScheduledScript',
  HC_SC_CreateSalesOrderInvoice: 'ScheduledScript',
  HC_SC_ImportCustomers: 'ScheduledScript',
  HC_SC_ImportSalesOrders: 'ScheduledScript',
  HC_MR_ExportedCustomerCSV: 'MapReduceScript',
  HC_MR_ExportedSalesOrderCSV: 'MapReduceScript',
  HC_MR_ExportedSalesOrderItemCSV: 'MapReduceScript',
};

const ENTRY_POINTS: Record<string, string[]> = {
  ScheduledScript: ['execute'],
  MapReduceScript: ['getInputData', 'map', 'reduce', 'summarize'],
  UserEventScript: ['beforeSubmit'],
};

let out = '';
beforeAll(() => {
  out = buildNetsuite();
});

describe('emitted SuiteScripts', () => {
  it('has one script per entry file and nothing else at the top level', () => {
    const top = sourceFiles().filter((f) => !f.includes('/'));
    expect(top.sort()).toEqual(Object.keys(SCRIPTS).map((s) => `${s}.ts`).sort());
  });

  for (const [script, type] of Object.entries(SCRIPTS)) {
    it(`${script}.js is AMD and starts with the @NApiVersion 2.1 / @NScriptType ${type} JSDoc`, () => {
      const js = readFileSync(join(out, `${script}.js`), 'utf8');
      const header = /^\/\*\*\n([^]*?)\*\/\n/.exec(js);
      expect(header, 'first comment block').not.toBeNull();
      expect(header![1]).toMatch(/^ \* @NApiVersion 2\.1$/m);
      expect(header![1]).toMatch(new RegExp(`^ \\* @NScriptType ${type}$`, 'm'));
      expect(js.slice(header![0].length)).toMatch(/^define\(\["require", "exports"/);
      expect(js).not.toMatch(/^\s*(import|export)\s/m); // no ES module syntax left
    });

    it(`${script} exports exactly its entry points`, () => {
      const mod = createEnv().load<Record<string, unknown>>(script);
      const fns = Object.keys(mod).filter((k) => typeof mod[k] === 'function').sort();
      expect(fns).toEqual([...ENTRY_POINTS[type]].sort());
    });
  }

  it('compiles the shared lib/ to AMD modules too', () => {
    const libs = sourceFiles().filter((f) => f.startsWith('lib/'));
    expect(libs.length).toBeGreaterThan(5);
    for (const f of libs) expect(readFileSync(join(out, f.replace(/\.ts$/, '.js')), 'utf8')).toMatch(/^define\(\[/m);
  });

  it('targets SuiteScript 2.1 with module amd and N/* paths to @hitc/netsuite-types', () => {
    const raw = readFileSync(join(NETSUITE_DIR, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const cfg = JSON.parse(raw) as { compilerOptions: Record<string, unknown> };
    expect(cfg.compilerOptions.module).toBe('amd');
    expect(cfg.compilerOptions.outDir).toBe('src/FileCabinet/SuiteScripts/OMS');
    expect((cfg.compilerOptions.paths as Record<string, string[]>)['N/*'][0]).toContain('@hitc/netsuite-types/N/*');
  });
});

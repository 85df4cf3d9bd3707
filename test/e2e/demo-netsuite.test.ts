/**
 * `npm run demo:netsuite` (scripts/demo-netsuite.ts) as a user runs it: a child process under tsx,
 * nothing else running (embedded PGlite in memory, its own SFTP server on loopback). It exits 0,
 * prints every chapter of the story in an administrator's words, and shows no stack trace and
 * nothing of the customer (name, address, e-mail).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../netsuite/support/build';

const run = promisify(execFile);

describe('npm run demo:netsuite', () => {
  it('tells the order-to-invoice story and exits 0', async () => {
    const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const { stdout, stderr } = await run(process.execPath, [tsx, join(REPO_ROOT, 'scripts', 'demo-netsuite.ts')], {
      cwd: REPO_ROOT, timeout: 150_000, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' },
    }).catch((e: { code?: number | string; signal?: string; killed?: boolean; stdout?: string; stderr?: string }) => {
      // How it ended (exit code, or the signal that ended it, and whether our timeout sent it) and the end of what it said.
      throw new Error(`demo:netsuite failed: code ${String(e.code)}, signal ${String(e.signal)}, killed by the timeout: ${String(e.killed)}\n`
        + `--- stdout (end)\n${(e.stdout ?? '').slice(-3000)}\n--- stderr (end)\n${(e.stderr ?? '').slice(-3000)}`);
    });
    const lines = stdout.split('\n');
    const titles = lines.filter((l) => /^\d+b?\. /.test(l)).map((l) => l.split('.')[0]);
    expect(titles).toEqual(['1', '2', '3', '3b', '4', '5', '6']);
    for (const re of [
      /customer \d+ created/,
      /sales order \d+ created for customer \d+:\n\s+line 1 SKU1 × 3 \(OMS item 00001\), line 2 SKU2 × 1 \(OMS item 00002\)\./,
      /Sales order \d+ line 1 location set to NJ Warehouse \(location \d+\)/,
      /HC_MR_ExportedRejectedSalesOrderItemCSV wrote salesorder\/rejectedorderitem\/\S+-RejectedSalesOrderItemExport\.csv/,
      /line 3 added, SKU1 × 2 at CA Warehouse \(location \d+\) \(OMS item 00003\)/,
      /GEN_INV_VAR_FEED_NS wrote inventoryadjustment\/csv\/InventoryAdjustmentFeed_\S+\.csv/,
      /inventory adjustment \d+, External ID VAR-\S+, SKU2 -1 at NYC Store \(location \d+\),/,
      /still one adjustment, SKU2 -1\./,
      /Sales order \d+ line 2 location set to CA Warehouse/,
      /IMP_ODR_ITM_FLFLMNT marked items 00002 and 00003 shipped in the OMS/,
      /HC_SC_CreateItemFulfillment \(run twice\) created item fulfilment \d+ for line 1 only, once\./,
      /customer deposit \d+ of 35\.00 on sales order \d+,\n\s+External ID PAY-\S+; file archived\./,
      /still one deposit\./,
      /IMP_CUST_DEP_IDENT stored deposit id \d+ on payment PAY-\S+\./,
      /invoiced sales order \d+ once: invoice \d+, 35\.00, Paid In Full;/,
      /deposit \d+ applied to it \(35\.00\), fully applied\./,
      /^Done: /m,
    ]) expect(stdout).toMatch(re);
    // No stack trace, nothing of the customer (orderBody: Ada Lovelace, ada@example.com, 1 Main St).
    expect(`${stdout}\n${stderr}`).not.toMatch(/\n\s+at \S+.*:\d+:\d+|Lovelace|Ada |ada@example|1 Main St/);
  }, 180_000);
});

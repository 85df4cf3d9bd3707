/** Commands over orders, imports, demo data and routing scenarios. */
import type { Command } from 'commander';
import { printJson, printProblem, UsageError, withDatabase } from './support';

export function registerOpsCommands(program: Command) {
  const orders = program.command('orders').description('Orders');
  orders.command('show <id>').description('Print an order with its items, each with where it stands with NetSuite')
    .action((id: string) => withDatabase(async (d) => {
      const { getOrderDetail } = await import('../app/netsuite-state');
      const o = await getOrderDetail(d.db, id);
      if (!o) throw new UsageError(`order ${id} not found`);
      printJson(o);
    }));

  program.command('import').description('Import data').command('orders <file>')
    .description('Import orders from a JSON or CSV file (idempotent on externalId)')
    .option('--approve', 'approve the imported orders')
    .option('--encoding <name>', 'read a file that has no byte-order mark and is not UTF-8 as latin1 or windows-1252')
    .action((file: string, o: { approve?: boolean; encoding?: string }) => withDatabase(async (d) => {
      const { isImportEncoding } = await import('../app/import-encoding');
      const encoding = o.encoding?.toLowerCase();
      if (encoding !== undefined && !isImportEncoding(encoding)) throw new UsageError(`--encoding: must be latin1 or windows-1252, not ${o.encoding}`);
      const { importOrders } = await import('../app/import-orders');
      const { SingleBar, Presets } = await import('cli-progress');
      const bar = new SingleBar({ stream: process.stderr, noTTYOutput: false, clearOnComplete: true }, Presets.shades_classic);
      let started = false;
      const r = await importOrders(d.db, { path: file }, {
        actor: 'cli', approve: o.approve, encoding,
        onProgress: (done, total) => {
          if (total < 500) return;
          if (!started) { bar.start(total, 0); started = true; }
          bar.update(done);
        },
      });
      if (started) bar.stop();
      process.stdout.write(`created ${r.created}, existing ${r.existing}, rejected rows ${r.rejected.length}\n`);
      for (const e of r.rejected) await printProblem(`row ${e.row}: ${e.field}: ${e.message}`);
      // Stopped (the database went away): 1, like any failed command, but with the one message above and no stack.
      if (r.stopped) process.exitCode = 1;
      else if (r.rejected.length) process.exitCode = 2;
    }));

  program.command('demo').description('Demo data').command('seed').description('Seed demo stores, warehouses, products, inventory and orders')
    .option('--orders <n>', 'number of orders', '1000')
    .action((o: { orders: string }) => withDatabase(async (d) => {
      const n = Number(o.orders);
      if (!Number.isInteger(n) || n < 0) throw new UsageError('--orders: must be a whole number');
      const { seedDemo } = await import('../app/demo');
      printJson(await seedDemo(d.db, { orders: n }));
    }));

  program.command('route [scenario]')
    .description('Route a scenario file (what-if) and print the result; --from-db replays the queue against other settings')
    .option('--from-db', 'replay the current brokering queue (or past orders) from the database')
    .option('--settings <file>', 'settings JSON to compare against the current profile (with --from-db)')
    .option('--from <date>', 'with --from-db: replay orders placed since this date instead of the queue')
    .option('--to <date>', 'with --from-db: until this date')
    .action(async (scenario: string | undefined, o: { fromDb?: boolean; settings?: string; from?: string; to?: string }) => {
      if (o.fromDb) {
        const { runWhatIf } = await import('./what-if');
        await runWhatIf(o);
        return;
      }
      if (!scenario) throw new UsageError('route: a scenario file is required (or --from-db)');
      const { runRouteScenario } = await import('./route-scenario');
      process.exitCode = await runRouteScenario(scenario, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
    });
}

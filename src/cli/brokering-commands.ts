/** Commands over brokering, exceptions and jobs. */
import type { Command } from 'commander';
import { getConfig, printJson, UsageError, withDatabase } from './support';
import { registerJobCommands } from './jobs-commands';

/** The brokering use cases, loaded by the action that runs (not at the CLI's start). */
const brokering = () => import('../app/brokering');

/** The `--limit` / `--offset` of `exceptions list`, checked (a `UsageError` naming the option). */
export function exceptionsPage(o: { limit: string; offset: string }): { limit: number; offset: number } {
  const limit = Number(o.limit), offset = Number(o.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit: must be a whole number from 1 to 1000, not ${o.limit}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > 2_147_483_647) throw new UsageError(`--offset: must be a whole number from 0, not ${o.offset}`);
  return { limit, offset };
}

export function registerBrokeringCommands(program: Command) {
  const broker = program.command('broker').description('Brokering');
  broker.command('run').description('Route the whole brokering queue now').action(() => withDatabase(async (d) => {
    const { runBrokering } = await brokering();
    const r = await runBrokering(d, { trigger: 'cli', actor: 'cli', staleAfterMs: (await getConfig()).OMS_JOB_STALE_AFTER_SECONDS * 1000 });
    printJson(r);
    if (r.status !== 'COMPLETED') process.exitCode = 1;
  }));
  broker.command('show <runId>').description("A run's counts and results").action((id: string) => withDatabase(async (d) => {
    const r = await (await brokering()).getRun(d.db, id);
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson(r);
  }));
  program.command('explain <orderId>').description("An order's routing explanations").action((id: string) => withDatabase(async (d) => {
    const r = await (await brokering()).orderExplanation(d.db, id);
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson(r.decisions);
  }));
  const ex = program.command('exceptions').description('Orders in Exception');
  ex.command('list').description('A page of the orders in Exception, most recently changed first')
    .option('--limit <n>', 'orders per page (1 to 1000)', '100').option('--offset <n>', 'orders to skip', '0')
    .action((o: { limit: string; offset: string }) => withDatabase(async (d) => {
      const p = await (await brokering()).listExceptions(d.db, exceptionsPage(o));
      printJson(p.rows);
      if (p.nextOffset !== null) process.stderr.write(`oms: more orders in Exception: --offset ${p.nextOffset}\n`);
    }));
  ex.command('retry <orderId>').description('Move an Exception order back to the brokering queue').action((id: string) => withDatabase(async (d) => {
    const { retryException } = await brokering();
    const r = await d.db.transaction((tx) => retryException(tx, id, 'cli'));
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson({ id, status: r.order.status });
  }));

  registerJobCommands(program.command('jobs').description('Scheduled jobs'));
}

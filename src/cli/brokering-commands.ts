/** Commands over brokering, exceptions and jobs. */
import type { Command } from 'commander';
import { getRun, listExceptions, orderExplanation, retryException, runBrokering } from '../app/brokering';
import { getConfig, printJson, UsageError, withDatabase } from './support';
import { registerJobCommands } from './jobs-commands';

export function registerBrokeringCommands(program: Command) {
  const broker = program.command('broker').description('Brokering');
  broker.command('run').description('Route the whole brokering queue now').action(() => withDatabase(async (d) => {
    const r = await runBrokering(d, { trigger: 'cli', actor: 'cli', staleAfterMs: getConfig().OMS_JOB_STALE_AFTER_SECONDS * 1000 });
    printJson(r);
    if (r.status !== 'COMPLETED') process.exitCode = 1;
  }));
  broker.command('show <runId>').description("A run's counts and results").action((id: string) => withDatabase(async (d) => {
    const r = await getRun(d.db, id);
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson(r);
  }));
  program.command('explain <orderId>').description("An order's routing explanations").action((id: string) => withDatabase(async (d) => {
    const r = await orderExplanation(d.db, id);
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson(r.decisions);
  }));
  const ex = program.command('exceptions').description('Orders in Exception');
  ex.command('list').action(() => withDatabase(async (d) => printJson(await listExceptions(d.db))));
  ex.command('retry <orderId>').description('Move an Exception order back to the brokering queue').action((id: string) => withDatabase(async (d) => {
    const r = await d.db.transaction((tx) => retryException(tx, id, 'cli'));
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson({ id, status: r.order.status });
  }));

  registerJobCommands(program.command('jobs').description('Scheduled jobs'));
}

/** Commands over brokering, exceptions and jobs. */
import type { Command } from 'commander';
import { getRun, listExceptions, orderExplanation, retryException, runBrokering } from '../app/brokering';
import { listJobs, listRuns, runJobNow, setJobEnabled } from '../jobs';
import { buildJobRegistry } from '../wiring';
import { createLogger } from '../log';
import { getConfig, printJson, UsageError, withDatabase } from './support';

export function registerBrokeringCommands(program: Command) {
  const broker = program.command('broker').description('Brokering');
  broker.command('run').description('Route the whole brokering queue now').action(() => withDatabase(async (d) => {
    const r = await runBrokering(d, { trigger: 'cli', actor: 'cli' });
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
    const r = await retryException(d.db, id, 'cli');
    if (r.kind !== 'ok') throw new UsageError(r.message);
    printJson({ id, status: r.order.status });
  }));

  const jobs = program.command('jobs').description('Scheduled jobs');
  jobs.command('list').action(() => withDatabase(async (d) => {
    const { registry, close } = await buildJobRegistry(d, getConfig(), createLogger('silent'));
    try {
      const { seedJobDefinitions } = await import('../jobs');
      await seedJobDefinitions(d.db, registry);
      printJson(await listJobs(d.db));
    } finally { await close(); }
  }));
  jobs.command('runs [name]').description('Run history').action((name: string | undefined) => withDatabase(async (d) => printJson(await listRuns(d.db, { name, limit: 50 }))));
  jobs.command('run <name>').description('Run a job now in this process').action((name: string) => withDatabase(async (d) => {
    const { registry, close } = await buildJobRegistry(d, getConfig(), createLogger(getConfig().LOG_LEVEL));
    try {
      const { seedJobDefinitions } = await import('../jobs');
      await seedJobDefinitions(d.db, registry);
      const r = await runJobNow(d, registry, name, 'cli');
      printJson(r);
      if (r.kind === 'not_found') throw new UsageError(r.message);
      if (r.kind === 'failed') process.exitCode = 1;
    } finally { await close(); }
  }));
  for (const [cmd, enabled] of [['pause', false], ['resume', true]] as const) {
    jobs.command(`${cmd} <name>`).action((name: string) => withDatabase(async (d) => {
      const r = await setJobEnabled(d.db, undefined, name, enabled);
      if (r.kind !== 'ok') throw new UsageError(r.message);
      printJson(r.job);
    }));
  }
}

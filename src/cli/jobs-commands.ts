/**
 * `oms jobs …`. `oms jobs run NAME [--param k=v]…` runs a job in this process and exits 0 when it
 * completed, 1 when it failed, 3 when it was skipped (disabled or already running; the reason on
 * stderr and in the run history) and 2 on bad input (unknown job, unknown param or bad value).
 */
import type { Command } from 'commander';
import type { Database } from '../db/client';
import type { JobRegistry } from '../jobs';
import { getConfig, printJson, printProblem, UsageError, withDatabase } from './support';

/** The job admin, loaded by the action that runs (not at the CLI's start). */
const jobsModule = () => import('../jobs');

/** Exit status of a skipped run. */
export const EXIT_SKIPPED = 3;

const collect = (v: string, all: string[]) => [...all, v];

export function registerJobCommands(jobs: Command) {
  jobs.command('list').action(() => withDatabase(async (d) => withRegistry(d, 'silent', async () => printJson(await (await jobsModule()).listJobs(d.db)))));
  jobs.command('runs [name]').description('Run history')
    .action((name: string | undefined) => withDatabase(async (d) => printJson(await (await jobsModule()).listRuns(d.db, { name, limit: 50 }))));
  jobs.command('run <name>').description('Run a job now in this process (exit 0 completed, 1 failed, 3 skipped, 2 bad input)')
    .option('--param <key=value>', 'a param of this run (repeatable); the value is JSON when it parses, else text', collect, [])
    .action((name: string, o: { param: string[] }) => withDatabase(async (d) => {
      const { parseParamArgs, runJobNow } = await jobsModule();
      const parsed = parseParamArgs(o.param);
      if (!parsed.ok) throw new UsageError(parsed.message);
      const config = await getConfig();
      await withRegistry(d, config.LOG_LEVEL, async (registry) => {
        const r = await runJobNow(d, registry, name, 'cli', { params: parsed.params, actor: 'cli', staleAfterMs: config.OMS_JOB_STALE_AFTER_SECONDS * 1000 });
        if (r.kind === 'not_found' || r.kind === 'invalid') throw new UsageError(r.message);
        printJson(r);
        if (r.kind === 'skipped') {
          process.stderr.write(`oms: skipped (${r.reason}): ${r.message}\n`);
          process.exitCode = EXIT_SKIPPED;
        }
        if (r.kind === 'failed') {
          await printProblem(`oms: failed: ${r.error}`);
          process.exitCode = 1;
        }
      });
    }));
  for (const [cmd, enabled] of [['pause', false], ['resume', true]] as const) {
    jobs.command(`${cmd} <name>`).action((name: string) => withDatabase(async (d) => {
      const r = await (await jobsModule()).setJobEnabled(d.db, undefined, name, enabled);
      if (r.kind !== 'ok') throw new UsageError(r.message);
      printJson(r.job);
    }));
  }
}

async function withRegistry(d: Database, level: string, fn: (registry: JobRegistry) => Promise<void>) {
  const [{ seedJobDefinitions }, { buildJobRegistry }, { createLogger }] = await Promise.all([jobsModule(), import('../wiring'), import('../log')]);
  const { registry, close } = await buildJobRegistry(d, await getConfig(), createLogger(level));
  try {
    await seedJobDefinitions(d.db, registry);
    await fn(registry);
  } finally { await close(); }
}

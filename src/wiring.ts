/**
 * Hand wiring shared by the server and the CLI: the job registry (brokering run and every NetSuite
 * feed job) and the feed transport from configuration.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/client';
import { runBrokering } from './app/brokering';
import { createJobRegistry, type JobDefinition, type JobRegistry } from './jobs';
import { buildFeedJobs } from './feeds/wiring';

export const BROKERING_JOB = 'BROKERING_RUN';

/** The brokering run as a scheduled job. */
export function brokeringJob(database: Database, config: Config): JobDefinition {
  return {
    name: BROKERING_JOB,
    description: 'Brokering run: routes the whole brokering queue with the routing profiles',
    defaultCron: config.BROKERING_CRON,
    handler: async (ctx) => {
      const r = await runBrokering(database, { trigger: 'cron', actor: `job:${BROKERING_JOB}:${ctx.runId}` });
      if (r.status === 'FAILED') throw new Error(`brokering run ${r.id} failed: ${r.error}`);
      return { counts: { orders: r.orders, items: r.items, allocated: r.allocated, exception: r.exception, queued: r.queued } };
    },
  };
}

/** Where feed files go: FEED_TRANSPORT_URL, or a folder under the data directory. */
export function feedTransportUrl(config: Config): string {
  return config.FEED_TRANSPORT_URL ?? `file://${resolve(config.OMS_DATA_DIR, 'sftp')}`;
}

export async function buildJobRegistry(database: Database, config: Config, log: Logger): Promise<{ registry: JobRegistry; close(): Promise<void> }> {
  const feeds = await buildFeedJobs(database, config, log, feedTransportUrl(config));
  const jobs: JobDefinition[] = [brokeringJob(database, config), ...feeds.jobs];
  return { registry: createJobRegistry(jobs), close: feeds.close };
}

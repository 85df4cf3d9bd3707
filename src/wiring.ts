/**
 * Hand wiring shared by the server and the CLI: the job registry (brokering run and every NetSuite
 * feed job) and the feed transport from configuration.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from './config';
import type { Database } from './db/client';
import { runBrokering } from './app/brokering';
import { createJobRegistry, type JobDefinition, type JobRegistry } from './jobs';
import { feedJobs, type FeedJob } from './feeds';
import { createTransport, parseTransportUrl, type FileTransport } from './sftp';

export const BROKERING_JOB = 'BROKERING_RUN';

/** Params of `BROKERING_RUN`: `batchSize`, orders per transaction (default 1,000). */
export const brokeringParams = z.object({ batchSize: z.number().int().min(1).max(10_000).optional() });

/** The brokering run as a scheduled job; it stops after the batch in progress when the job's signal aborts. */
export function brokeringJob(database: Database, config: Config): JobDefinition {
  return {
    name: BROKERING_JOB,
    description: 'Brokering run: routes the whole brokering queue with the routing profiles',
    defaultCron: config.BROKERING_CRON,
    params: brokeringParams,
    handler: async (ctx) => {
      const r = await runBrokering(database, {
        trigger: 'cron', actor: `job:${BROKERING_JOB}:${ctx.runId}`, signal: ctx.signal,
        batchSize: brokeringParams.parse(ctx.params).batchSize, staleAfterMs: config.OMS_JOB_STALE_AFTER_SECONDS * 1000,
      });
      if (r.status === 'FAILED') throw new Error(`brokering run ${r.id} failed: ${r.error}`);
      return { counts: { orders: r.orders, items: r.items, allocated: r.allocated, exception: r.exception, queued: r.queued } };
    },
  };
}

/** Where feed files go: FEED_TRANSPORT_URL, or a folder under the data directory. */
export function feedTransportUrl(config: Config): string {
  return config.FEED_TRANSPORT_URL ?? `file://${resolve(config.OMS_DATA_DIR, 'sftp')}`;
}

/** The feed transport that `FEED_TRANSPORT_URL` names; it connects lazily (on the first job run). */
export function feedTransport(config: Config, log: Logger | undefined, transportUrl: string): FileTransport {
  const parsed = parseTransportUrl(transportUrl);
  const logger = log?.child({ component: 'feed-transport' });
  if (parsed.kind === 'file') return createTransport({ kind: 'file', dir: parsed.dir, logger });
  return createTransport({
    kind: 'sftp', host: parsed.host, port: parsed.port, username: parsed.username ?? '', root: parsed.root,
    password: config.SFTP_PASSWORD, privateKeyPath: config.SFTP_PRIVATE_KEY_FILE,
    hostKeySha256: config.SFTP_HOST_KEY_SHA256, allowAnyHostKey: config.SFTP_ALLOW_ANY_HOST_KEY, logger,
  });
}

/** The feed jobs over that transport; building them does no I/O. */
export function buildFeedJobs(database: Database, config: Config, log: Logger | undefined, transportUrl: string): { jobs: FeedJob[]; close(): Promise<void> } {
  const transport = feedTransport(config, log, transportUrl);
  return { jobs: feedJobs({ database, transport, config }), close: () => transport.close() };
}

export async function buildJobRegistry(database: Database, config: Config, log: Logger): Promise<{ registry: JobRegistry; close(): Promise<void> }> {
  const feeds = buildFeedJobs(database, config, log, feedTransportUrl(config));
  const jobs: JobDefinition[] = [brokeringJob(database, config), ...feeds.jobs];
  return { registry: createJobRegistry(jobs), close: feeds.close };
}

/**
 * What `src/wiring.ts` loads (`import('./feeds/wiring')`): the feed jobs over the transport that
 * `FEED_TRANSPORT_URL` names (file:///dir, or sftp://user@host:port/root with the SFTP_* settings).
 * The transport connects lazily (on the first job run), so building the jobs does no I/O.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { createTransport, parseTransportUrl, type FileTransport } from '../sftp';
import { feedJobs, type FeedJob } from './jobs';

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

export async function buildFeedJobs(database: Database, config: Config, log: Logger | undefined, transportUrl: string): Promise<{ jobs: FeedJob[]; close(): Promise<void> }> {
  const transport = feedTransport(config, log, transportUrl);
  return { jobs: feedJobs({ database, transport, config }), close: () => transport.close() };
}

/**
 * NetSuite feeds, OMS side: exactly-once exports, once-only imports, and one module per feed
 * (eligibility + apply). The pure file formats live in `./codec`.
 *
 * The face the composition root (`src/wiring.ts`) imports the feeds through:
 * `feedJobs({ database, transport, config })` gives the job definition of every feed (see
 * `./jobs`), over the transport the composition root builds.
 */
export { feedJobs, type FeedJob } from './jobs';

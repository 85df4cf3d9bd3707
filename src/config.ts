/**
 * Configuration comes only from the environment, parsed once, frozen; a bad variable fails fast
 * with a message naming it. See the README's "Configuration" table.
 */
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  OMS_DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Orders the demo seed creates on first start (`npm start`). */
  OMS_DEMO_ORDERS: int(0, 1_000_000).default(1000),
  /**
   * Run jobs in this process (pg-boss workers and crons). `false`: an API process; on PostgreSQL the
   * runs it is asked for are queued for the workers of other processes (`oms worker`).
   */
  OMS_JOBS: bool.default(true),
  /** Connections of this process's pool to PostgreSQL (the API and the job handlers). */
  OMS_DB_POOL_SIZE: int(1, 1000).default(10),
  /** Connections of pg-boss's own pool to PostgreSQL (polling, queueing, crons), in each process with jobs. */
  OMS_JOBS_POOL_SIZE: int(1, 100).default(4),
  /** A RUNNING job or brokering run whose heartbeat is older than this is taken as dead (FAILED) by any process. */
  OMS_JOB_STALE_AFTER_SECONDS: int(2, 86_400).default(45),
  /** Where feed files go: file:///dir (default: <data dir>/sftp) or sftp://user@host:port/root. */
  FEED_TRANSPORT_URL: z.string().regex(/^(file|sftp):\/\//, 'must start with file:// or sftp://').optional(),
  SFTP_PASSWORD: z.string().optional(),
  SFTP_PRIVATE_KEY_FILE: z.string().optional(),
  SFTP_HOST_KEY_SHA256: z.string().optional(),
  SFTP_ALLOW_ANY_HOST_KEY: bool.default(false),
  NETSUITE_ADJUSTMENT_ACCOUNT: z.string().default('927'),
  NETSUITE_SUBSIDIARY: z.string().default('1'),
  NETSUITE_FULFILLMENT_TAG: z.string().default('oms-fulfilled'),
  /** Cron of the scheduled brokering run (pg-boss, 5 fields). */
  BROKERING_CRON: z.string().default('*/15 * * * *'),
  /** Days a facility that rejected an item stays excluded for it; empty = forever. */
  REJECTION_EXCLUSION_DAYS: int(1, 3650).optional(),
  /** Requests per client (IP) and window to the API; 0 turns rate limiting off. */
  OMS_RATE_LIMIT_MAX: int(0, 10_000_000).default(1200),
  /** The stricter limit of the write routes (POST, PUT, PATCH, DELETE), per client and window. */
  OMS_RATE_LIMIT_WRITE_MAX: int(0, 10_000_000).default(600),
  /** The rate limits' window. */
  OMS_RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
  /** Largest request body of a route that does not say otherwise. */
  OMS_BODY_LIMIT_BYTES: int(1024, 1024 ** 3).default(256 * 1024),
  /** Largest body of `POST /orders` (an order of up to 1,000 lines). */
  OMS_ORDER_BODY_LIMIT_BYTES: int(1024, 1024 ** 3).default(2 * 1024 * 1024),
  /** Largest body of an order import over HTTP (a POST route with `import` in its path). */
  OMS_IMPORT_BODY_LIMIT_BYTES: int(1024, 1024 ** 3).default(64 * 1024 * 1024),
  /** The first admin, created at start when no enabled admin exists (both or neither). */
  OMS_ADMIN_USERNAME: z.string().min(1).max(64).optional(),
  OMS_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(1024).optional(),
  /** A log-in session ends this many hours after the log-in. */
  OMS_SESSION_HOURS: z.coerce.number().positive().max(24 * 366).default(12),
  /** Mark the session cookie `Secure` (send it over HTTPS only): set it when the OMS is served over TLS. */
  OMS_COOKIE_SECURE: bool.default(false),
  /** Host names the server answers to (DNS rebinding); default localhost, 127.0.0.1, [::1] and HOST. */
  OMS_ALLOWED_HOSTS: z.string().transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)).optional(),
  /** Log-in attempts per username and client address within the window below. */
  OMS_LOGIN_RATE_LIMIT_MAX: int(1, 1_000_000).default(10),
  OMS_LOGIN_RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(900),
});

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const r = schema.safeParse(picked);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  if (r.data.FEED_TRANSPORT_URL?.startsWith('sftp://') && !r.data.SFTP_HOST_KEY_SHA256 && !r.data.SFTP_ALLOW_ANY_HOST_KEY) {
    throw new ConfigError('invalid configuration: SFTP_HOST_KEY_SHA256: required for an sftp:// FEED_TRANSPORT_URL (pin the server host key)');
  }
  if (Boolean(r.data.OMS_ADMIN_USERNAME) !== Boolean(r.data.OMS_ADMIN_PASSWORD)) {
    throw new ConfigError('invalid configuration: OMS_ADMIN_USERNAME and OMS_ADMIN_PASSWORD: set both or neither');
  }
  return Object.freeze(r.data);
}

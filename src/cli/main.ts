/**
 * The `oms` command. Bad input exits with status 2 and one message on stderr; an unexpected
 * failure exits with 1. Its start loads commander and the command files only: every action
 * imports what it needs (`import()`), so `oms --help` does not load the server, the database or zod.
 */
import { Command, CommanderError } from 'commander';
import { embeddedOwner, printProblem, problemText, UsageError, withDatabase } from './support';
import { commandPath, goesThroughServer, runThroughServer } from './via-server';
import { registerOpsCommands } from './ops-commands';
import { registerBrokeringCommands } from './brokering-commands';
import { registerNetsuiteCommands } from './netsuite-commands';
import { registerUserCommands } from './users-commands';
import { terminalProgress } from './progress';

const program = new Command('oms').description('Order Management System: brokering, store fulfilment, NetSuite feeds')
  .exitOverride().showHelpAfterError();

program.command('serve').description('Start the HTTP server, jobs and the Store Fulfillment App')
  .option('--demo', 'seed the demo data on first run')
  .option('--port <port>', 'port (overrides PORT)')
  .action(async (o: { demo?: boolean; port?: string }) => {
    const env = { ...process.env, ...(o.port ? { PORT: o.port } : {}) };
    const [{ loadConfig }, { startOms }] = await Promise.all([import('../config'), import('../main')]);
    const config = loadConfig(env);
    const bar = o.demo ? await terminalProgress() : undefined;
    const oms = await startOms(config, { demo: o.demo, onDemoProgress: bar?.update }).finally(() => bar?.stop());
    // Other `oms` processes find the server through the lock of the embedded folder.
    oms.database.owner?.announce(oms.url, oms.localCredential);
    await runUntilSignal(oms);
  });

program.command('worker').description('Run the jobs only (crons and queued runs, no HTTP), e.g. next to API processes with OMS_JOBS=false')
  .action(async () => {
    const [{ loadConfig }, { startWorker }] = await Promise.all([import('../config'), import('../main')]);
    const config = loadConfig();
    if (!config.OMS_JOBS) throw new UsageError('oms worker runs jobs: OMS_JOBS=false contradicts it (unset it for the worker)');
    await runUntilSignal(await startWorker(config));
  });

/** Runs until SIGTERM or SIGINT, then drains and closes the process (exit 0). */
async function runUntilSignal(handle: { log: { info(o: object, msg: string): void }; close(): Promise<void> }): Promise<never> {
  const stop = async (signal: string) => {
    handle.log.info({ signal }, 'shutting down');
    await handle.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return new Promise<never>(() => { /* run until a signal */ });
}

program.command('db').description('Database').command('migrate').description('Apply migrations and reference data')
  .action(() => withDatabase(async (d) => { console.log(`migrated (${d.engine})`); }));

/** The command ran in the server that holds the embedded database: its own action is skipped. */
class RanThroughServer extends Error {}

// With the embedded database held by a running server, the commands it offers over HTTP go
// through it; any other command that opens the folder is refused by its lock (FolderOwnedError).
program.hook('preAction', async (_root, cmd) => {
  const path = commandPath(cmd);
  if (!goesThroughServer(path)) return;
  const owner = await embeddedOwner();
  if (!owner?.url) return;
  await runThroughServer(owner.url, path, cmd, owner.credential);
  throw new RanThroughServer();
});

registerOpsCommands(program);
registerBrokeringCommands(program);
registerNetsuiteCommands(program);
registerUserCommands(program);

/** A bad configuration, or the embedded folder held by another process: both are bad input (exit 2). */
async function isConfigOrOwnerError(e: unknown): Promise<boolean> {
  const [{ ConfigError }, { FolderOwnedError }] = await Promise.all([import('../config'), import('../db/owner')]);
  return e instanceof ConfigError || e instanceof FolderOwnedError;
}

async function main() {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof RanThroughServer) return;
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof UsageError || await isConfigOrOwnerError(e)) {
      await printProblem(`oms: ${(e as Error).message}`);
      process.exitCode = 2;
      return;
    }
    await printProblem(`oms: unexpected error: ${await problemText(e)}`);
    process.exitCode = 1;
  }
}

await main();

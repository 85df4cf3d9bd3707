/** `oms netsuite …`: NetSuite's refusals (rows of our files NetSuite could not apply). */
import type { Command } from 'commander';
import type { REFUSAL_STATUSES as Statuses, RefusalResult } from '../app/netsuite-refusals';
import { printJson, UsageError, withDatabase } from './support';

/** The use cases' statuses (the type keeps the two lists equal), here so that the help needs no database code. */
const REFUSAL_STATUSES: typeof Statuses = ['OPEN', 'RESENT', 'DISMISSED'];
const refusals = () => import('../app/netsuite-refusals');

function refusalId(raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`refusal id: must be a positive whole number, got ${JSON.stringify(raw)}`);
  return n;
}

/** Prints the refusal; a refusal that is not OPEN any more exits 1, an unknown one 2. */
function finish(r: RefusalResult) {
  if (r.kind === 'ok') return printJson(r.refusal);
  if (r.kind === 'conflict' || r.kind === 'illegal_transition') {
    process.stderr.write(`oms: ${r.message}\n`);
    process.exitCode = 1;
    return;
  }
  throw new UsageError(r.message);
}

export function registerNetsuiteCommands(program: Command) {
  const ns = program.command('netsuite').description("NetSuite's refusals of our feed rows");
  ns.command('refusals').description('List refusals (default: OPEN)')
    .option('--status <status>', `one of ${REFUSAL_STATUSES.join(', ')}`, 'OPEN')
    .option('--order <orderId>', 'only the refusals of this order')
    .action((o: { status: string; order?: string }) => {
      const status = REFUSAL_STATUSES.find((s) => s === o.status.toUpperCase());
      if (!status) throw new UsageError(`--status: must be one of ${REFUSAL_STATUSES.join(', ')}`);
      return withDatabase(async (d) => printJson(await (await refusals()).listNetsuiteRefusals(d.db, { status, orderId: o.order })));
    });
  ns.command('resend <id>').description('Re-send the refused row with the next export of its feed')
    .action((id: string) => {
      const n = refusalId(id);
      return withDatabase(async (d) => {
        const { resendRefusal } = await refusals();
        return finish(await d.db.transaction((tx) => resendRefusal(tx, n, 'cli')));
      });
    });
  ns.command('dismiss <id>').description('Close a refusal without re-sending')
    .action((id: string) => {
      const n = refusalId(id);
      return withDatabase(async (d) => {
        const { dismissRefusal } = await refusals();
        return finish(await d.db.transaction((tx) => dismissRefusal(tx, n, 'cli')));
      });
    });
}

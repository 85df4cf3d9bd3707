import { z } from 'zod';
import { actorOf, inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access } from '../auth';
import { zKey } from '../../domain/limits';
import { dismissRefusal, listNetsuiteRefusals, REFUSAL_STATUSES, resendRefusal } from '../../app/netsuite-refusals';

/** Operators and NetSuite's refusals (rows of our files NetSuite could not apply). */
export function netsuiteRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  const rule = access('netsuite');
  app.get('/netsuite/refusals', {
    schema: {
      tags: ['netsuite'], summary: 'Rows NetSuite refused to apply (default: OPEN ones)',
      querystring: z.object({
        status: z.enum(REFUSAL_STATUSES).default('OPEN'), orderId: zKey().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    },
    config: rule,
  }, async (req) => ({ refusals: await listNetsuiteRefusals(db, req.query) }));
  const id = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
  app.post('/netsuite/refusals/:id/resend', {
    schema: { tags: ['netsuite'], summary: 'Re-send a refused row with the next export of its feed (409 unless OPEN)', params: id },
    config: rule,
  }, async (req, res) => reply(res, await inTransaction(ctx, (tx) => resendRefusal(tx, req.params.id, actorOf(req))), (x) => x.refusal));
  app.post('/netsuite/refusals/:id/dismiss', {
    schema: { tags: ['netsuite'], summary: 'Close a refusal without re-sending (409 unless OPEN)', params: id },
    config: rule,
  }, async (req, res) => reply(res, await inTransaction(ctx, (tx) => dismissRefusal(tx, req.params.id, actorOf(req))), (x) => x.refusal));
}

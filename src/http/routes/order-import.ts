/**
 * `POST /orders/import`: the order import of `oms import orders` over HTTP. The body is the file:
 * `text/csv` or `application/json` (as `import-orders.ts` describes them), read as its bytes, so its
 * encoding is detected as the CLI does (UTF-8 with or without a BOM, UTF-16 with a BOM) or chosen
 * with `?encoding=latin1|windows-1252`; `?approve=true` approves the created orders. Its body
 * limit is `OMS_IMPORT_BODY_LIMIT_BYTES` (the route rules of hardening.ts).
 *
 * The answer is the report the CLI prints, `{ created, existing, rejected: [{ row, field, message }] }`
 * (rows are CSV lines or JSON positions; the header is line 1):
 * - 200 when anything of the file was stored or found stored, even with row errors;
 * - 400 `invalid` when nothing was: an unreadable file (one `(file)` row: unparseable, not UTF-8,
 *   a bad header) or every order refused; `errors` lists the same rows, a file error as field `body`;
 * - 503 `unavailable` with the report when the database went away mid-file (`stopped`: the rest of
 *   the file was not imported; sending it again takes up the rest), 503 `draining` while the server
 *   shuts down;
 * - 415 naming `content-type` for any other body.
 */
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { actorOf, type App, type HttpContext } from '../context';
import { access } from '../auth';
import { draining, reply } from '../errors';
import { importOrders, type ImportFormat, type ImportResult } from '../../app/import-orders';
import { IMPORT_ENCODINGS } from '../../app/import-encoding';

const FORMATS: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/json': 'json' };

const query = z.object({
  encoding: z.enum(IMPORT_ENCODINGS).optional(),
  approve: z.enum(['true', 'false']).default('false'),
});

/** The media type of a content-type header, without its parameters. */
const mediaType = (header: unknown) => String(header ?? '').split(';')[0].trim().toLowerCase();

function send(res: FastifyReply, r: ImportResult) {
  const report = { created: r.created, existing: r.existing, rejected: r.rejected, ...(r.stopped ? { stopped: true } : {}) };
  if (r.stopped) {
    const message = r.rejected.find((e) => e.field === '(file)')?.message ?? 'the database went away: import stopped';
    return res.code(503).send({ error: 'unavailable', message, ...report });
  }
  if (r.created + r.existing > 0 || !r.rejected.length) return res.code(200).send(report);
  const errors = r.rejected.map((e) => (e.field === '(file)' ? { ...e, field: 'body' } : e));
  const first = errors[0];
  const message = `nothing imported: ${r.rejected.length} row error(s); row ${first.row}, ${first.field}: ${first.message}`;
  return res.code(400).send({ error: 'invalid', message, errors, ...report });
}

/** Registers `POST /orders/import` in a scope of its own: there, a CSV or JSON body is kept as its bytes. */
export function orderImportRoute(app: App, ctx: HttpContext) {
  app.register(async (scope: App) => {
    scope.removeContentTypeParser('application/json');
    const keep = (_req: unknown, body: Buffer | string, done: (err: null, body: Buffer | string) => void) => done(null, body);
    scope.addContentTypeParser(['application/json', 'text/csv'], { parseAs: 'buffer' }, keep);
    // Any other type reaches the handler too, which refuses it naming content-type.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, keep);
    scope.post('/orders/import', {
      schema: {
        tags: ['orders'], querystring: query,
        summary: 'Import orders from a CSV (text/csv) or JSON (application/json) file body, as `oms import orders` does; answers its per-row report',
      },
      config: access('orders:intake'),
    }, async (req, res) => {
      const format = FORMATS[mediaType(req.headers['content-type'])];
      if (!format) {
        const message = 'content-type: must be text/csv or application/json (the body is the file to import)';
        return res.code(415).send({ error: 'invalid', message, errors: [{ field: 'content-type', message: 'must be text/csv or application/json' }] });
      }
      if (ctx.lifecycle?.draining) return reply(res, draining('the server is shutting down: no new import'), () => null);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const run = importOrders(ctx.database.db, { bytes, format, name: 'the request body' }, {
        actor: actorOf(req), approve: req.query.approve === 'true', encoding: req.query.encoding, encodingOption: '?encoding=',
      });
      return send(res, await (ctx.lifecycle ? ctx.lifecycle.track(run) : run));
    });
  });
}

/** Users (admin): list, create (a store user with its facilities), disable (its sessions end, its tokens are revoked). */
import { z } from 'zod';
import { inTransaction, type App, type HttpContext } from '../context';
import { reply } from '../errors';
import { access } from '../auth';
import { createUser, disableUser, listUsers } from '../../app/auth';
import { ROLES } from '../../domain/access';
import { zKey, zSafeString } from '../../domain/limits';

export function userRoutes(app: App, ctx: HttpContext) {
  const db = ctx.database.db;
  app.get('/users', { schema: { tags: ['users'], summary: 'Users with their role and facilities' }, config: access('users') },
    async () => ({ users: await listUsers(db) }));
  app.post('/users', {
    schema: {
      tags: ['users'], summary: 'Create a user; without a password it logs in with API tokens only',
      body: z.object({
        username: zSafeString(64, 1), password: zSafeString(1024, 1).nullish(), role: z.enum(ROLES),
        facilities: z.array(zKey()).max(1000).optional(),
      }),
    },
    config: access('users'),
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => createUser(tx, { ...req.body, password: req.body.password ?? null }));
    return reply(res, r, (x) => x.user);
  });
  app.post('/users/:username/disable', {
    schema: { tags: ['users'], summary: 'Disable a user: its sessions end and its API tokens are revoked', params: z.object({ username: zKey() }) },
    config: access('users'),
  }, async (req, res) => {
    const r = await inTransaction(ctx, (tx) => disableUser(tx, req.params.username, ctx.clock?.() ?? new Date()));
    return reply(res, r, (x) => ({ message: x.message }));
  });
}

/**
 * Users and API tokens: `oms users create <username> --role <role> [--facility <id>]…` (the
 * password from standard input: typed without echo on a terminal, else the first line of what is
 * piped in), `oms users list|disable`, `oms tokens create <username> <name>` (prints the token once)
 * and `oms tokens revoke <id>`. The first admin can also come from OMS_ADMIN_USERNAME/PASSWORD.
 */
import type { Command } from 'commander';
import { printJson, UsageError, withDatabase } from './support';

/** Reads a line from a terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err); else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('no password given'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The first line of what is piped into standard input. */
async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function readPassword(username: string): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await readHidden(`Password for ${username}: `);
  const again = await readHidden('Password again: ');
  if (first !== again) throw new UsageError('the two passwords differ');
  return first;
}

const collect = (v: string, all: string[]) => [...all, v];

export function registerUserCommands(program: Command) {
  const users = program.command('users').description('Users: admin, operations, store (bound to facilities), integration');
  users.command('create <username>').description('Create a user; the password is read from standard input')
    .requiredOption('--role <role>', 'admin | operations | store | integration')
    .option('--facility <id>', 'a facility of a store user (repeat for several)', collect, [] as string[])
    .option('--no-password', 'no password log-in: the user works with API tokens only (machine clients)')
    .action(async (username: string, o: { role: string; facility: string[]; password: boolean }) => {
      const password = o.password ? await readPassword(username) : null;
      await withDatabase(async (d) => {
        const { createUser } = await import('../app/auth');
        const r = await d.db.transaction((tx) => createUser(tx, { username, password, role: o.role, facilities: o.facility }));
        if (r.kind !== 'created') throw new UsageError(r.message);
        printJson(r.user);
      });
    });
  users.command('list').description('Users with their role, facilities and whether they are disabled')
    .action(() => withDatabase(async (d) => {
      const { listUsers } = await import('../app/auth');
      printJson(await listUsers(d.db));
    }));
  users.command('disable <username>').description('Disable a user: its sessions end and its API tokens are revoked')
    .action((username: string) => withDatabase(async (d) => {
      const { disableUser } = await import('../app/auth');
      const r = await d.db.transaction((tx) => disableUser(tx, username));
      if (r.kind !== 'ok' && r.kind !== 'noop') throw new UsageError(r.message);
      process.stdout.write(`${r.message}\n`);
    }));

  const tokens = program.command('tokens').description('API tokens (Authorization: Bearer)');
  tokens.command('create <username> <name>').description('Create an API token of a user and print it (it is shown this once)')
    .action((username: string, name: string) => withDatabase(async (d) => {
      const { createToken } = await import('../app/auth');
      const r = await d.db.transaction((tx) => createToken(tx, username, name));
      if (r.kind !== 'created') throw new UsageError(r.message);
      process.stderr.write(`token ${r.token.id} "${r.token.name}" of ${r.token.username}: keep it now, it is not shown again\n`);
      process.stdout.write(`${r.secret}\n`);
    }));
  tokens.command('list').description('API tokens (never their secrets)')
    .action(() => withDatabase(async (d) => {
      const { listTokens } = await import('../app/auth');
      printJson(await listTokens(d.db));
    }));
  tokens.command('revoke <id>').description('Revoke an API token by its id')
    .action((id: string) => withDatabase(async (d) => {
      const n = Number(id);
      if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`token id: must be a positive whole number, not ${id}`);
      const { revokeToken } = await import('../app/auth');
      const r = await revokeToken(d.db, n);
      if (r.kind === 'ok') process.stdout.write(`token ${n} revoked\n`);
      else if (r.kind === 'noop') process.stdout.write(`${r.message}\n`);
      else throw new UsageError(r.message);
    }));
}

/**
 * No customer data in logs, as a user runs the OMS: `oms serve` in its own process on a fresh
 * PGlite folder, every line of its stdout and stderr captured; then `oms import orders` in its own
 * process. The database refuses the test customers' orders (a CHECK constraint the test adds on
 * the ship-to e-mail), so the insert fails with the whole query and its parameters in drizzle's
 * error, as any database error would. The test then greps every captured line for the customers'
 * names, streets, phones and e-mails and finds none, while the failures themselves are logged.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { fetchAs, testAdmin } from '../support/auth';

const dir = mkdtempSync(join(tmpdir(), 'oms-log-redaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, OMS_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', OMS_JOBS: 'false', DATABASE_URL: '' };

const customers = [
  { first: 'Ysolde', last: 'Brannigan-Okafor', street: '4417 Marigold Terrace', phone: '+1 212 555 0142', email: 'ysolde.brannigan@refused.example' },
  { first: 'Thaddeus', last: 'Quillfeather', street: '88 Juniper Hollow Lane', phone: '646-555-0199', email: 'tquillfeather@refused.example' },
  { first: 'Marisol', last: 'Vandersloot', street: '9 Cobblestone Wynd', phone: '(718) 555-0123', email: 'marisol.v@refused.example' },
];
/** Every piece of customer data the captured output must not hold. */
const secrets = customers.flatMap((c) => [c.first, c.last, `${c.first} ${c.last}`, c.street, c.phone, c.email]);

const order = (c: (typeof customers)[number], i: number) => ({
  externalId: `REDACT-${i}`,
  customer: { externalId: `CUST-REDACT-${i}`, firstName: c.first, lastName: c.last, email: c.email, phone: c.phone },
  shipTo: { name: `${c.first} ${c.last}`, address1: c.street, city: 'New York', state: 'NY', postalCode: '10001', country: 'US', phone: c.phone, email: c.email },
  items: [{ productId: 'SKU-REDACT', quantity: 1, unitPrice: 5 }],
});

/** Runs `oms …` to its end; its output lines. */
function oms(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, ['bin/oms.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (c) => { stdout += c; });
  p.stderr.on('data', (c) => { stderr += c; });
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Starts `oms serve`; resolves with its URL once it listens, and a stop that ends it and returns all it printed. */
function serve(): Promise<{ url: string; stop: () => Promise<string> }> {
  const p = spawn(process.execPath, ['bin/oms.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const closed = new Promise<void>((resolve) => p.on('close', () => resolve()));
  const stop = async () => { p.kill('SIGTERM'); await closed; return out; };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "OMS listening" within 120 s: ${out}`)), 120_000);
    p.stderr.on('data', (c) => { out += c; });
    p.stdout.on('data', (c) => {
      out += c;
      const m = /"address":"(http:\/\/[^"]+)"[^\n]*OMS listening/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1], stop }); }
    });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out}`)); });
  });
}

const leaks = (text: string) => secrets.filter((s) => text.toLowerCase().includes(s.toLowerCase()));

beforeAll(ensureBuilt, 120_000); // bin/oms.js runs the build in dist/

describe('customer data never reaches the logs, the CLI output or the row errors', () => {
  it('a failed insert over HTTP, bad import rows and a CLI error hold no name, street, phone or e-mail', async () => {
    const d = await openDatabase({ dataDir: join(dir, 'pglite') });
    await migrateDatabase(d);
    await d.query("alter table orders add constraint test_refused_ship_to check (coalesce(ship_to->>'email', '') not like '%@refused.example')");
    const call = fetchAs(await testAdmin(d.db));
    await d.close();

    const server = await serve();
    const failed = await call(`${server.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order(customers[0], 0)) });
    expect(failed.status).toBe(500);
    const body = await failed.text();
    const invalid = await call(`${server.url}/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...order(customers[1], 1), items: [{ productId: 'SKU-REDACT', quantity: -1 }] }),
    });
    expect(invalid.status).toBe(400);
    const serverOut = await server.stop();
    // The failure is logged, with what an operator needs (the database's reason), without the data.
    const errorLine = serverOut.split('\n').find((l) => l.includes('unhandled error'));
    expect(errorLine, serverOut).toBeDefined();
    expect(errorLine).toContain('test_refused_ship_to');
    expect(errorLine).not.toContain('insert into');

    // Orders the database refuses (five in a row make the import stop), then one with a bad line.
    const file = join(dir, 'orders.json');
    const rows = [0, 1, 2, 0, 1, 2].map((k, i) => order(customers[k], 10 + i));
    rows.push({ ...order(customers[2], 20), items: [{ productId: 'SKU-REDACT', quantity: 0, unitPrice: 1 }] });
    writeFileSync(file, JSON.stringify(rows));
    const imported = await oms(['import', 'orders', file]);
    expect(imported.code).not.toBe(0);
    expect(imported.stderr).toMatch(/row \d+: \(order\)|unexpected error/);

    expect({ server: leaks(serverOut), response: leaks(body), stdout: leaks(imported.stdout), stderr: leaks(imported.stderr) })
      .toEqual({ server: [], response: [], stdout: [], stderr: [] });
  }, 300_000);
});

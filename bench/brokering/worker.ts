/**
 * One brokering worker process of the bench: opens the database at argv[2], says `ready`, waits
 * for the bench to release its start barrier (an advisory lock), runs one brokering run with
 * `batchSize` argv[3] over the whole queue, and prints its summary, per-phase milliseconds and CPU
 * time as one JSON line. Several of these on one queue is the multi-process variant.
 *
 *   npx tsx bench/brokering/worker.ts <database url> <batch size> <advisory lock of the start barrier>
 */
import { openDatabase } from '../../src/db/client';
import { runBrokering } from '../../src/app/brokering';

const [url, batch, barrier] = process.argv.slice(2);
const d = await openDatabase({ databaseUrl: url, poolSize: 3 });
process.stdout.write('ready\n');
await d.query('select pg_advisory_lock_shared($1)', [Number(barrier)]);
await d.query('select pg_advisory_unlock_shared($1)', [Number(barrier)]);
const phases: Record<string, number> = {};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const run = await runBrokering(d, { trigger: 'bench', batchSize: Number(batch), onPhase: (p, ms) => { phases[p] = (phases[p] ?? 0) + ms; } });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await d.close();
process.stdout.write(`${JSON.stringify({ run, ms, phases, cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`);

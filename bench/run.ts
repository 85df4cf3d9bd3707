export {};
/**
 * `npm run bench`: every benchmark in one run, on this machine, each reporting ratios against a
 * baseline measured in the same run (the machines are shared and noisy; absolute figures vary).
 *   --quick   small sizes (a smoke run)
 *   --only=routing,quality,brokering,feeds,imports,cli,seed
 */
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (n: string) => !only || only.includes(n);

const results: Record<string, unknown> = {};
const started = Date.now();

async function section(name: string, fn: () => Promise<unknown>) {
  if (!want(name)) return;
  console.log(`\n=== ${name} ===`);
  const t = Date.now();
  try {
    results[name] = await fn();
  } catch (e) {
    results[name] = { error: (e as Error).message };
    process.exitCode = 1;
    console.error(`${name} failed:`, e);
  }
  console.log(`(${name}: ${Math.round((Date.now() - t) / 1000)} s)`);
}

await section('routing', async () => (await import('./routing/engine-bench')).runEngineBench({ quick }));
await section('quality', async () => (await import('./routing/quality-bench')).runQualityBench({ quick }));
await section('brokering', async () => (await import('./brokering/e2e-bench')).runBrokeringBench({ quick }));
await section('feeds', async () => (await import('./feeds/feeds-bench')).runFeedsBench({ quick }));
await section('imports', async () => (await import('./feeds/import-bench')).runImportBench({ quick }));
await section('cli', async () => (await import('./cli/start-bench')).runCliStartBench({ quick }));
await section('seed', async () => (await import('./cli/seed-bench')).runSeedBench({ quick }));

console.log('\n=== summary ===');
console.log(JSON.stringify(results, null, 2));
console.log(`total ${Math.round((Date.now() - started) / 1000)} s`);

// Issue 16's benchmark: import N cars (2N workflows) from a DMS export on the embedded stack, through the
// API as a manager (upload, dry run, run), against starting the same workflows with the raw client in the
// same run; worker RSS during the import; and a human step's latency idle and during the import.
//
//   npm run bench:import -- --cars 1000 [--rate 20] [--probes 40]
//
// --rate sets IMPORT_STARTS_PER_SECOND for this process (the product default, 20 starts/s = 10 cars/s,
// when omitted). The worker runs in this process (as with `npm start`), so "worker RSS" is this
// process's RSS: worker, API, PGlite and the bench itself together.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { addDays, localDate } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { DEMO_STORE_ID } from '../runtime/demoStore';
import { DEFAULT_STARTS_PER_SECOND } from '../import/startRate';
import { EmbeddedStack, startEmbeddedStack } from './embeddedStack';
import { newVehicle, startRaw } from './fleet';
import { call, callOutcome, prepareCallableCars, stats, waitForIdleWorker } from './humanStep';
import { round1, runPool } from './pool';
import { benchAuthorization } from './signIn';

const MANAGER = 'sm-wang';
const RAW_CONCURRENCY = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Garbage-collection pauses of this process (worker, API, PGlite), to tell which slow human steps waited for
 * one: a step's window is [start, start + latency] on performance.now()'s clock, as the pauses are.
 */
const gcPauses: { start: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, ms: entry.duration });
}).observe({ entryTypes: ['gc'] });

interface Probe {
  start: number;
  ms: number;
}

async function probe(apiUrl: string, vin: string): Promise<Probe> {
  const start = performance.now();
  return { start, ms: await callOutcome(apiUrl, vin) };
}

const gcMsWithin = (from: number, to: number) => round1(gcPauses.filter((p) => p.start < to && p.start + p.ms > from).reduce((sum, p) => sum + p.ms, 0));

/** The slowest steps with the GC pause time inside each, and the pauses over the whole window. */
function gcReport(probes: Probe[], from: number, to: number) {
  const pauses = gcPauses.filter((p) => p.start >= from && p.start < to);
  return {
    slowest: [...probes].sort((a, b) => b.ms - a.ms).slice(0, 5).map((p) => ({ ms: round1(p.ms), gcMs: gcMsWithin(p.start, p.start + p.ms) })),
    pauses: pauses.length,
    pausedMs: round1(pauses.reduce((sum, p) => sum + p.ms, 0)),
    pausesOver50Ms: pauses.filter((p) => p.ms > 50).length,
    longestMs: round1(Math.max(0, ...pauses.map((p) => p.ms))),
    windowS: round1((to - from) / 1000),
  };
}
const mb = (bytes: number) => Math.round(bytes / 1048576);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function positiveInt(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

/** A DMS vehicle export of `cars` cars, delivered 20 days ago (so each lifecycle parks at WAITING_FOR_REMINDER). */
function dmsCsv(cars: number): string {
  const today = localDate(Date.now(), DEFAULT_STORE_SETTINGS.utcOffsetMinutes);
  const delivered = addDays(today, -20);
  const lines = ['车架号,车牌号,车型,交车日期,里程,客户姓名,手机'];
  for (let i = 0; i < cars; i++) {
    lines.push([`LSVDMS${String(i).padStart(11, '0')}`, `苏E${String(i).padStart(5, '0')}`, 'Lavida', delivered, 800, `导入客户${i}`, `137${String(i).padStart(8, '0')}`].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

async function importPhase(stack: EmbeddedStack, cars: number, probeVins: string[]) {
  const base = `/api/stores/${DEMO_STORE_ID}/imports`;
  const content = dmsCsv(cars);
  const t0 = performance.now();
  const up = await fetch(`${stack.apiUrl}${base}?kind=VEHICLES&fileName=bench.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: await benchAuthorization(stack.apiUrl, MANAGER) },
    body: new Uint8Array(Buffer.from(content)),
  });
  const job = (await up.json()) as any;
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(job).slice(0, 300)}`);
  const uploadS = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const dry = await call(stack.apiUrl, MANAGER, 'POST', `${base}/${job.id}/dry-run`, {});
  if (dry.status !== 200) throw new Error(`dry run: ${dry.status} ${JSON.stringify(dry.json).slice(0, 300)}`);
  const dryRunS = (performance.now() - t1) / 1000;
  if (dry.json.counts.CREATE !== cars) throw new Error(`dry run: expected ${cars} to create, got ${JSON.stringify(dry.json.counts)}`);
  console.error(`[bench] uploaded ${cars} cars in ${round1(uploadS)} s, dry run in ${round1(dryRunS)} s`);

  // RSS of this process (worker, API, PGlite) every 500 ms while the import runs.
  const rss: number[] = [process.memoryUsage().rss];
  let running = true;
  const sampler = (async () => {
    while (running) {
      rss.push(process.memoryUsage().rss);
      await sleep(500);
    }
  })();
  // The human step during the import: one call outcome at a time, 500 ms apart.
  const loaded: Probe[] = [];
  const prober = (async () => {
    for (const vin of probeVins) {
      if (!running) break;
      loaded.push(await probe(stack.apiUrl, vin));
      await sleep(500);
    }
  })();

  const t2 = performance.now();
  let final: any;
  try {
    const started = await call(stack.apiUrl, MANAGER, 'POST', `${base}/${job.id}/run`, {});
    if (started.status !== 202) throw new Error(`run: ${started.status} ${JSON.stringify(started.json).slice(0, 300)}`);
    for (const deadline = Date.now() + 3_600_000; ; await sleep(250)) {
      if (Date.now() > deadline) throw new Error('import did not finish within an hour');
      const { json } = await call(stack.apiUrl, MANAGER, 'GET', `${base}/${job.id}`);
      // The clock stops when every row is applied (all starts made), whether or not the job then
      // reached DONE: on a pool of one, runRows' closing transaction calls progressOf on `db`, not `tx`,
      // and waits for the connection its own transaction holds until Prisma's 5 s timeout.
      if (json.status === 'DONE' || json.done >= cars) {
        final = json;
        break;
      }
      if (json.lastError) throw new Error(`import stopped: ${json.lastError}`);
    }
  } finally {
    running = false;
    await sampler;
    await prober.catch((err) => console.error('[bench] probe failed:', err));
  }
  const runEnd = performance.now();
  const runS = (runEnd - t2) / 1000;
  // Whether the job itself came to DONE (see above), a few seconds later.
  await sleep(7000);
  const after = (await call(stack.apiUrl, MANAGER, 'GET', `${base}/${job.id}`)).json;
  const totalS = (performance.now() - t0) / 1000;
  return {
    uploadS: round1(uploadS),
    dryRunS: round1(dryRunS),
    runS: round1(runS),
    totalMinutes: Math.round((totalS / 60) * 100) / 100,
    carsPerSecond: round1(cars / runS),
    workflowsPerSecond: round1((2 * cars) / runS),
    counts: final.counts,
    jobAfter: { status: after.status, done: after.done, lastError: typeof after.lastError === 'string' ? after.lastError.split('\n').slice(-2).join(' ').slice(0, 300) : (after.lastError ?? null) },
    workerRssMb: { before: mb(rss[0]), max: mb(Math.max(...rss)), end: mb(rss[rss.length - 1]) },
    humanStepDuringImportMs: loaded.length ? stats(loaded.map((p) => p.ms)) : null,
    gcDuringImport: gcReport(loaded, t2, runEnd),
  };
}

async function rawPhase(stack: EmbeddedStack, cars: number) {
  const bodies = Array.from({ length: cars }, () => newVehicle('R', 'due-later'));
  const run = await runPool(bodies, RAW_CONCURRENCY, (body) => startRaw(stack.client, body));
  return { seconds: round1(run.seconds), carsPerSecond: round1(cars / run.seconds), concurrency: RAW_CONCURRENCY };
}

async function main(): Promise<void> {
  const temporalCli = process.env.TEMPORAL_CLI;
  if (!temporalCli) throw new Error('TEMPORAL_CLI is not set: run `npm run bench:import`, which provides the Temporal CLI');
  const cars = positiveInt('cars', 1000);
  const rate = positiveInt('rate', DEFAULT_STARTS_PER_SECOND);
  const probes = positiveInt('probes', 40);
  // Read by the import's token bucket when the first import runs in this process.
  process.env.IMPORT_STARTS_PER_SECOND = String(rate);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const stack = await startEmbeddedStack(temporalCli);
  process.once('SIGINT', () => void stack.stop().then(() => process.exit(130)));
  try {
    console.error(`[bench] stack up in ${round1((performance.now() - t0) / 1000)} s; ${cars} cars, ${rate} starts/s`);
    // As many idle samples as samples during the import, so the two p99s are read from samples of one size.
    const probeVins = await prepareCallableCars(stack, 2 * probes);
    await waitForIdleWorker(stack);
    const idle: Probe[] = [];
    const idleFrom = performance.now();
    for (const vin of probeVins.slice(0, probes)) {
      idle.push(await probe(stack.apiUrl, vin));
      await sleep(500);
    }
    const gcIdle = gcReport(idle, idleFrom, performance.now());
    await waitForIdleWorker(stack);
    const rssIdleMb = mb(process.memoryUsage().rss);
    const imported = await importPhase(stack, cars, probeVins.slice(probes));
    console.error(`[bench] import: ${JSON.stringify(imported)}`);
    const drainS = await waitForIdleWorker(stack);
    const raw = await rawPhase(stack, cars);
    const idleStats = stats(idle.map((p) => p.ms));
    const summary = {
      startedAt,
      database: process.env.BENCH_POSTGRES === '1' ? 'PostgreSQL (throw-away cluster), pool of 10' : 'embedded PGlite, one connection',
      cars,
      workflows: 2 * cars,
      importStartsPerSecond: rate,
      rssIdleMb,
      import: imported,
      drainAfterImportS: drainS,
      raw,
      ratio: Math.round((imported.carsPerSecond / raw.carsPerSecond) * 100) / 100,
      humanStep: {
        step: 'POST /api/vehicles/:vin/call-outcome (recordCallOutcome Update), one at a time',
        idleMs: idleStats,
        duringImportMs: imported.humanStepDuringImportMs,
        p99Ratio: imported.humanStepDuringImportMs ? round1(imported.humanStepDuringImportMs.p99 / idleStats.p99) : null,
      },
      gc: { idle: gcIdle, duringImport: imported.gcDuringImport },
      targets: { carsPerSecond: 50, ratio: 0.8, p99Ratio: 2 },
    };
    const dir = path.join(__dirname, 'results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `import-${startedAt.replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify(summary, null, 2) + '\n');
    console.log(JSON.stringify(summary, null, 2));
    console.error(`[bench] written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});

// Benchmark (not a test) of the embedded stack `npm start` runs: how fast the API registers vehicles
// compared with starting the same workflows straight on the Temporal client, and how long one human
// step (the reminder-call outcome, a Workflow Update) takes through the API under a steady load.
// `npm run bench`; knobs are the BENCH_* variables read in benchConfig(). Prints a JSON summary and
// writes it to bench/results/<timestamp>.json.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStack, startEmbeddedStack } from './embeddedStack';
import { newVehicle, registerViaApi, RegisterBody, startRaw } from './fleet';

const TARGET_RATIO = 0.87;
const TARGET_P99_MS = 250;
const CALL_ACTOR = 'cr-zhao';
/** Stages at which a lifecycle waits for a timer or a person, i.e. the worker owes it nothing. */
const PARKED_STAGES = ['WAITING_FOR_REMINDER', 'AWAITING_CALL_OUTCOME', 'AWAITING_PREPARATION'];

interface BenchConfig {
  n: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  rate: number;
  durationS: number;
  connections: number;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

function benchConfig(): BenchConfig {
  return {
    n: envInt('BENCH_N', 200),
    concurrency: envInt('BENCH_CONCURRENCY', 10),
    rounds: envInt('BENCH_ROUNDS', 2),
    warmup: envInt('BENCH_WARMUP', 20),
    rate: envInt('BENCH_RATE', 20),
    durationS: envInt('BENCH_DURATION', 20),
    connections: envInt('BENCH_CONNECTIONS', 4),
  };
}

// ---------------------------------------------------------------------------------------------
// Small measuring tools

interface PoolRun {
  seconds: number;
  latenciesMs: number[];
}

/** Runs fn over items with at most `concurrency` in flight; times the whole batch and each call. */
async function runPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<PoolRun> {
  const latenciesMs: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      const t0 = performance.now();
      await fn(item);
      latenciesMs.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return { seconds: (performance.now() - t0) / 1000, latenciesMs };
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every lifecycle is parked at a wait and the worker has nothing in flight, so the next
 * phase starts on an idle system rather than inheriting the previous phase's backlog. Visibility
 * catches tasks queued on the server that the worker has not picked up yet; the worker status
 * catches activations the server already handed out. Both must hold for several polls in a row.
 */
async function waitForDrain(stack: EmbeddedStack, timeoutMs = 600_000): Promise<number> {
  const query = `ExecutionStatus = "Running" AND SlStage NOT IN (${PARKED_STAGES.map((s) => `"${s}"`).join(', ')})`;
  const t0 = performance.now();
  let quietPolls = 0;
  while (quietPolls < 3) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`worker did not drain within ${timeoutMs / 1000} s`);
    await sleep(200);
    const status = stack.worker.getStatus();
    const busy = status.numInFlightActivities + status.numInFlightWorkflowActivations;
    const unparked = busy === 0 ? (await stack.client.workflow.count(query)).count : -1;
    quietPolls = busy === 0 && unparked === 0 ? quietPolls + 1 : 0;
  }
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Part 1: registration rate, API vs raw client

type StartPath = 'raw' | 'api';

interface PhaseResult {
  path: StartPath;
  round: number;
  n: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  drainSeconds: number;
}

function starter(stack: EmbeddedStack, startPath: StartPath): (body: RegisterBody) => Promise<void> {
  return startPath === 'api' ? (body) => registerViaApi(stack.apiUrl, body) : (body) => startRaw(stack.client, body);
}

async function registrationPhase(stack: EmbeddedStack, cfg: BenchConfig, startPath: StartPath, round: number, n: number): Promise<PhaseResult> {
  const bodies = Array.from({ length: n }, () => newVehicle(startPath === 'api' ? 'A' : 'R', 'due-later'));
  const run = await runPool(bodies, cfg.concurrency, starter(stack, startPath));
  // Measured before draining: the rate is how fast starts were accepted, with the worker busy
  // running the lifecycles they created, as it would be in production.
  const drainSeconds = await waitForDrain(stack);
  return {
    path: startPath,
    round,
    n,
    seconds: round3(run.seconds),
    perSecond: round1(n / run.seconds),
    latencyMs: { p50: round1(percentile(run.latenciesMs, 50)), p99: round1(percentile(run.latenciesMs, 99)), max: round1(Math.max(...run.latenciesMs)) },
    drainSeconds: round1(drainSeconds),
  };
}

/**
 * Alternates the order per round (raw, api, api, raw, …) so a drift over the run (JIT warming,
 * growing SQLite and PGlite files) weighs on both paths alike. A short unrecorded warm-up of each
 * path first keeps the very first phase from paying for module loading and JIT alone.
 */
async function registrationBenchmark(stack: EmbeddedStack, cfg: BenchConfig) {
  for (const p of ['raw', 'api'] as const) await registrationPhase(stack, cfg, p, 0, cfg.warmup);
  const phases: PhaseResult[] = [];
  for (let round = 1; round <= cfg.rounds; round++) {
    const order: StartPath[] = round % 2 === 1 ? ['raw', 'api'] : ['api', 'raw'];
    for (const p of order) {
      const result = await registrationPhase(stack, cfg, p, round, cfg.n);
      console.error(`[bench] round ${round} ${p}: ${result.perSecond} starts/s (p50 ${result.latencyMs.p50} ms, drained in ${result.drainSeconds} s)`);
      phases.push(result);
    }
  }
  const rates = (p: StartPath) => phases.filter((r) => r.path === p).map((r) => r.perSecond);
  const raw = { meanPerSecond: round1(mean(rates('raw'))), bestPerSecond: Math.max(...rates('raw')) };
  const api = { meanPerSecond: round1(mean(rates('api'))), bestPerSecond: Math.max(...rates('api')) };
  const ratioOfMeans = round3(api.meanPerSecond / raw.meanPerSecond);
  return {
    n: cfg.n,
    concurrency: cfg.concurrency,
    phases,
    raw,
    api,
    ratioOfMeans,
    ratioOfBests: round3(api.bestPerSecond / raw.bestPerSecond),
    target: TARGET_RATIO,
    met: ratioOfMeans >= TARGET_RATIO,
  };
}

// ---------------------------------------------------------------------------------------------
// Part 2: latency of one human step under a steady request rate

interface VehicleView {
  state: { stage: string } | null;
}

async function stageOf(apiUrl: string, vin: string): Promise<string | undefined> {
  const res = await fetch(`${apiUrl}/api/vehicles/${vin}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET /api/vehicles/${vin}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as VehicleView).state?.stage;
}

/** Polls GET /api/vehicles/:vin for every VIN until all are at `stage`; re-asks only the ones not there yet. */
async function pollUntilAllAt(apiUrl: string, vins: string[], stage: string, concurrency: number, timeoutMs = 600_000): Promise<void> {
  const t0 = performance.now();
  let pending = vins;
  while (pending.length > 0) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`${pending.length} vehicles never reached ${stage}, e.g. ${pending[0]}`);
    const stillPending: string[] = [];
    await runPool(pending, concurrency, async (vin) => {
      if ((await stageOf(apiUrl, vin)) !== stage) stillPending.push(vin);
    });
    pending = stillPending;
    if (pending.length > 0) await sleep(500);
  }
}

/**
 * Every vehicle accepts the call outcome once, so each request of the load needs its own vehicle
 * waiting for it: registered due now, these reach AWAITING_CALL_OUTCOME without any timer.
 */
async function prepareCallOutcomeFleet(stack: EmbeddedStack, cfg: BenchConfig, count: number): Promise<string[]> {
  const bodies = Array.from({ length: count }, () => newVehicle('C', 'due-now'));
  const t0 = performance.now();
  await runPool(bodies, cfg.concurrency, (body) => registerViaApi(stack.apiUrl, body));
  const vins = bodies.map((b) => b.vin);
  await pollUntilAllAt(stack.apiUrl, vins, 'AWAITING_CALL_OUTCOME', cfg.concurrency);
  await waitForDrain(stack);
  console.error(`[bench] ${count} vehicles waiting for the call outcome after ${round1((performance.now() - t0) / 1000)} s`);
  return vins;
}

/** Hands out each prepared VIN exactly once, in the order autocannon builds its requests. */
function vinDispenser(vins: string[]) {
  let used = 0;
  return {
    next(): string {
      if (used >= vins.length) throw new Error('autocannon asked for more requests than vehicles were prepared');
      return vins[used++];
    },
    get used() {
      return used;
    },
  };
}

async function updateLatencyBenchmark(stack: EmbeddedStack, cfg: BenchConfig) {
  const amount = cfg.rate * cfg.durationS;
  const vins = await prepareCallOutcomeFleet(stack, cfg, amount);
  const dispenser = vinDispenser(vins);
  const bookedFor = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const unexpected = { count: 0, samples: [] as string[] };

  const result = await autocannon({
    url: stack.apiUrl,
    connections: cfg.connections,
    overallRate: cfg.rate,
    // `amount` rather than `duration`: exactly one request per prepared vehicle; at the set rate
    // that takes the intended duration.
    amount,
    // autocannon's coordinated-omission correction assumes the rate is per millisecond and, at a
    // per-second rate, back-fills a synthetic sample for every millisecond of each response,
    // which drags the percentiles toward zero. Requests are paced by the rate anyway.
    ignoreCoordinatedOmission: true,
    timeout: 30,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-actor': CALL_ACTOR },
    body: JSON.stringify({ outcome: 'BOOKED', bookedFor }),
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: `/api/vehicles/${dispenser.next()}/call-outcome` }),
        // A 200 must also mean the step took: the lifecycle moved on to preparation.
        onResponse: (status, body) => {
          if (status === 200 && (JSON.parse(body) as { stage?: string }).stage === 'AWAITING_PREPARATION') return;
          unexpected.count++;
          if (unexpected.samples.length < 5) unexpected.samples.push(`${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  });

  const l = result.latency;
  return {
    endpoint: 'POST /api/vehicles/:vin/call-outcome (Update recordCallOutcome)',
    targetRate: cfg.rate,
    connections: cfg.connections,
    requests: result.requests.total,
    vehiclesUsed: dispenser.used,
    seconds: round1(result.duration),
    achievedPerSecond: round1(result.requests.total / result.duration),
    statusCodes: result.statusCodeStats,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    notAdvanced: unexpected.count,
    unexpectedSamples: unexpected.samples,
    latencyMs: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: round1(l.mean) },
    targetP99Ms: TARGET_P99_MS,
    met: l.p99 <= TARGET_P99_MS && result.non2xx === 0 && result.errors === 0 && unexpected.count === 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function commandOutput(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

function machine(temporalCli: string) {
  return {
    nproc: commandOutput('nproc', []),
    cpuModel: os.cpus()[0]?.model,
    memTotalGiB: round1(os.totalmem() / 2 ** 30),
    memFreeGiB: round1(os.freemem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    temporalCli: commandOutput(temporalCli, ['--version']),
  };
}

async function writeResults(summary: object): Promise<string> {
  const dir = path.join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(summary, null, 2) + '\n');
  return file;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const temporalCli = process.env.TEMPORAL_CLI;
  if (!temporalCli) throw new Error('TEMPORAL_CLI is not set: run `npm run bench`, which provides the Temporal CLI');
  const cfg = benchConfig();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const stack = await startEmbeddedStack(temporalCli);
  // Ctrl-C still stops the dev server and PGlite rather than orphaning them.
  process.once('SIGINT', () => void stack.stop().then(() => process.exit(130)));
  try {
    console.error(`[bench] stack up in ${round1((performance.now() - t0) / 1000)} s; API ${stack.apiUrl}`);
    const registration = await registrationBenchmark(stack, cfg);
    const update = await updateLatencyBenchmark(stack, cfg);
    const summary = { startedAt, machine: machine(temporalCli), config: cfg, registration, update };
    const file = await writeResults(summary);
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

// Issue 17's ratio: a human step against a minimal Update, in the same run and on the same server. The
// step is recordCallOutcome through the API (HTTP, sign-in, the command's checks, the Update, its local
// activity's transaction); the minimal Update is a one-handler workflow's (bench/minimalWorkflow.ts) from
// the same Temporal client the API uses. Both are sent open-loop at the same rate, in ABBA order, first
// with every target workflow in its worker's cache and then with the workers restarted (every target
// replayed from its history). CPU per step is read for this process (API, worker, PGlite) and for the
// Temporal server.
//
//   npm run bench:step -- [--rate 5] [--requests 40]
import { NativeConnection, Worker } from '@temporalio/worker';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { addDays, localDate, localTime } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { dataConverter, EmbeddedStack, startEmbeddedStack } from './embeddedStack';
import { call, CALL_ACTOR, prepareCallableCars, waitForIdleWorker } from './humanStep';
import { inLoadClient } from './loadClient';
import { bump, count } from './minimalWorkflow';
import { percentile, round1, runPool } from './pool';

const TASK_QUEUE = 'bench-minimal-update';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function positiveNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${process.argv[i + 1]}`);
  return n;
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
}

interface Phase {
  latencyMs: Latency;
  failed: number;
  /** CPU milliseconds per step: this process (API, worker, database) and the Temporal server. */
  cpuMsPerStep: { process: number; server: number };
}

/** The server's CPU time so far (user + system), from /proc: clock ticks of 10 ms on Linux. */
async function serverCpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs `send` with its CPU accounted: this process's and the server's, per step. */
async function measured(stack: EmbeddedStack, steps: number, send: () => Promise<{ latencyMs: Latency; failed: number }>): Promise<Phase> {
  const server0 = await serverCpuMs(stack.temporalPid);
  const cpu0 = process.cpuUsage();
  const sent = await send();
  const cpu = process.cpuUsage(cpu0);
  const server = (await serverCpuMs(stack.temporalPid)) - server0;
  return { ...sent, cpuMsPerStep: { process: round1((cpu.user + cpu.system) / 1000 / steps), server: round1(server / steps) } };
}

/** The minimal Updates, one per target workflow, open-loop at `rate` per second from the API's client. */
function minimalPhase(stack: EmbeddedStack, ids: string[], rate: number): Promise<Phase> {
  return measured(stack, ids.length, async () => {
    const ms: number[] = [];
    let failed = 0;
    const t0 = performance.now();
    await Promise.all(
      ids.map(async (id, i) => {
        await sleep(t0 + (i * 1000) / rate - performance.now());
        const sent = performance.now();
        try {
          await stack.client.workflow.getHandle(id).executeUpdate(bump, { args: ['bench'] });
          ms.push(performance.now() - sent);
        } catch {
          failed++;
        }
      }),
    );
    const at = (p: number) => round1(percentile(ms, p));
    return { latencyMs: { p50: at(50), p99: at(99), max: round1(Math.max(...ms)) }, failed };
  });
}

/** The human step on one car each, open-loop at `rate` per second from a separate load process. */
function stepPhase(stack: EmbeddedStack, vins: string[], rate: number): Promise<Phase> {
  const offset = DEFAULT_STORE_SETTINGS.utcOffsetMinutes;
  const bookedFor = new Date(localTime(addDays(localDate(Date.now(), offset), 7), '10:00', offset)).toISOString();
  return measured(stack, vins.length, async () => {
    const r = await inLoadClient({ kind: 'paced', apiUrl: stack.apiUrl, calls: vins.map((vin) => ({ vin, bookedFor })), rate });
    return { latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99, max: r.latencyMs.max }, failed: r.non200 + r.errors };
  });
}

/** The minimal workflow's own worker, on its own task queue of the same server. */
async function minimalWorker(address: string): Promise<{ stop: () => Promise<void> }> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: TASK_QUEUE, workflowsPath: require.resolve('./minimalWorkflow'), dataConverter });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Queries load a workflow into its worker's cache without changing it. */
async function warm(stack: EmbeddedStack, minimalIds: string[], vins: string[]): Promise<void> {
  await runPool(minimalIds, 10, async (id) => void (await stack.client.workflow.getHandle(id).query(count)));
  await runPool(vins, 10, async (vin) => {
    const res = await call(stack.apiUrl, CALL_ACTOR, 'GET', `/api/vehicles/${vin}`);
    if (res.json?.state?.stage !== 'AWAITING_CALL_OUTCOME') throw new Error(`${vin} is not at AWAITING_CALL_OUTCOME`);
  });
}

const ratio = (step: Phase, minimal: Phase) => ({ p50: round1(step.latencyMs.p50 / minimal.latencyMs.p50), p99: round1(step.latencyMs.p99 / minimal.latencyMs.p99) });

async function main(): Promise<void> {
  const temporalCli = process.env.TEMPORAL_CLI;
  if (!temporalCli) throw new Error('TEMPORAL_CLI is not set: run `npm run bench:step`, which provides the Temporal CLI');
  const rate = positiveNumber('rate', 5);
  const n = Math.round(positiveNumber('requests', 40));
  const startedAt = new Date().toISOString();
  const stack = await startEmbeddedStack(temporalCli);
  let minimal = await minimalWorker(stack.temporalAddress);
  process.once('SIGINT', () => void minimal.stop().then(stack.stop).then(() => process.exit(130)));
  try {
    // Cached: A (minimal) B (step) B A; evicted: A B. Each step and each minimal Update on a target of its own.
    const vins = await prepareCallableCars(stack, 3 * n);
    const ids = Array.from({ length: 4 * n }, (_, i) => `bench-minimal-${i}`);
    await runPool(ids, 10, async (id) => void (await stack.client.workflow.start('minimalUpdateTarget', { taskQueue: TASK_QUEUE, workflowId: id })));
    await waitForIdleWorker(stack);
    const slice = <T>(xs: T[], k: number) => xs.slice(k * n, (k + 1) * n);

    await warm(stack, ids.slice(0, 2 * n), vins.slice(0, 2 * n));
    const a1 = await minimalPhase(stack, slice(ids, 0), rate);
    const b1 = await stepPhase(stack, slice(vins, 0), rate);
    const b2 = await stepPhase(stack, slice(vins, 1), rate);
    const a2 = await minimalPhase(stack, slice(ids, 1), rate);

    await minimal.stop();
    await stack.restartWorker();
    minimal = await minimalWorker(stack.temporalAddress);
    const a3 = await minimalPhase(stack, slice(ids, 2), rate);
    const b3 = await stepPhase(stack, slice(vins, 2), rate);

    const summary = {
      startedAt,
      rate,
      requestsPerPhase: n,
      cached: { minimal: [a1, a2], step: [b1, b2], ratio: [ratio(b1, a1), ratio(b2, a2)] },
      evicted: { minimal: a3, step: b3, ratio: ratio(b3, a3) },
    };
    console.log(JSON.stringify(summary, null, 2));
    const dir = path.join(__dirname, 'results');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `step-vs-minimal-${startedAt.replace(/[:.]/g, '-')}.json`), JSON.stringify(summary, null, 2));
  } finally {
    await minimal.stop();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Worker memory while a store's whole fleet sleeps between cycles (issue target: 10,000 vehicles,
// ≤ 512 MB RSS). Real dev server and real workflow code with the product's worker options; the
// database activities are simulated so the number is the worker's own. Run: npm run bench:fleet
// (BENCH_FLEET=10000 by default; BENCH_FLEET_CONCURRENCY=20).
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addMonths, localDate } from '../domain/calendar';
import { MAX_CACHED_LIFECYCLES } from '../runtime/lifecycleWorker';
import { LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, SA_STAGE, VehicleLifecycleInput } from '../workflows/lifecycle/contract';
import { startSimulatedWorkerStack } from './simulatedWorkerStack';

Runtime.install({
  logger: new DefaultLogger('ERROR', (entry) => process.stderr.write(`${entry.level} ${entry.message}\n`)),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});

const N = Number(process.env.BENCH_FLEET ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 20);
const TARGET_MB = 512;

/** VINs never use I, O or Q; a counter in base 30 over the allowed characters keeps them distinct. */
function vin(i: number): string {
  const alphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456';
  let s = '';
  for (let n = i; s.length < 8; n = Math.floor(n / alphabet.length)) s = alphabet[n % alphabet.length] + s;
  return `LSVFLEET0${s}`;
}

function input(i: number, today: string): VehicleLifecycleInput {
  return {
    vehicle: { vin: vin(i), plate: `苏F${String(i).padStart(5, '0')}`, model: 'Lavida', storeId: 'bench-store', deliveryDate: addMonths(today, -14), mileageKm: 9000, mileageRecordedOn: today },
    customer: { name: '车主', phone: '13800000000' },
    // Serviced last month: every vehicle sleeps until its reminder months from now.
    history: { cycle: 2, lastServiceDate: addMonths(today, -1), lastServiceKm: 8500 },
    registeredBy: 'bench',
  };
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

async function main(): Promise<void> {
  const stack = await startSimulatedWorkerStack('fleet');
  const { client } = stack;
  const today = localDate(Date.now(), 480);
  const rssAtStart = rssMb();
  let peak = rssAtStart;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 500);
  try {
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < N; i = next++) {
          await client.workflow.start('vehicleLifecycle', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: lifecycleWorkflowId(vin(i)), args: [input(i, today)] });
        }
      }),
    );
    const startSeconds = (Date.now() - started) / 1000;
    // Sleeping = waiting for its reminder timer, as visibility reports it.
    let sleeping = 0;
    while (sleeping < N) {
      await new Promise((r) => setTimeout(r, 2000));
      sleeping = (await client.workflow.count(`${SA_STAGE.name} = 'WAITING_FOR_REMINDER'`)).count;
      process.stderr.write(`sleeping ${sleeping}/${N}, rss ${rssMb()} MB\n`);
    }
    const settleSeconds = (Date.now() - started) / 1000;
    global.gc?.();
    await new Promise((r) => setTimeout(r, 5000));
    const result = {
      at: new Date().toISOString(),
      machine: { nproc: os.cpus().length, memTotalGiB: Math.round(os.totalmem() / 1073741824), node: process.version },
      vehicles: N,
      maxCachedWorkflows: MAX_CACHED_LIFECYCLES,
      startSeconds,
      startsPerSecond: Math.round(N / startSeconds),
      allSleepingAfterSeconds: settleSeconds,
      workerProcessRssMb: { atStart: rssAtStart, peak, whileAllSleep: rssMb() },
      targetMb: TARGET_MB,
      met: Math.max(peak, rssMb()) <= TARGET_MB,
    };
    console.log(JSON.stringify(result, null, 2));
    await mkdir(path.join(__dirname, 'results'), { recursive: true });
    await writeFile(path.join(__dirname, 'results', `fleet-${result.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2) + '\n');
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// What one step costs inside the Temporal SDK's workflow sandbox, per operation: calls into the sandbox
// (each `vm` call with a timeout starts and joins a watchdog thread), promises the workflow creates
// (the SDK records a stack trace for each), and CPU. Real dev server and workflow code, simulated
// database activities, workflows run on the main thread (debugMode) so this process can count.
// Variants, each in a child process: the Update with its lifecycle cached or replayed, and the same
// with the SDK's stack-trace hook left out (what the hook costs; the product always has it).
// Run: npm run bench:workflow-cost (BENCH_N=100 vehicles per variant).
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { addMonths, localDate } from '../domain/calendar';
import { LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, recordCallOutcome, SA_STAGE, VehicleLifecycleInput } from '../workflows/lifecycle/contract';
import { startSimulatedWorkerStack } from './simulatedWorkerStack';

interface Variant {
  name: string;
  cache: number;
  stackTraces: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'cached', cache: 5000, stackTraces: true },
  { name: 'replayed (cache of 1)', cache: 1, stackTraces: true },
  { name: 'cached, without the stack-trace hook', cache: 5000, stackTraces: false },
];

const N = Number(process.env.BENCH_N ?? 100);

// ---------------------------------------------------------------------------------------------
// Counting, installed before the SDK loads its sandbox

const counted = { sandboxCalls: 0, sandboxMs: 0, workflowPromises: 0 };
let inSandbox = 0;

function countSandbox(stackTraces: boolean): void {
  const run = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
    counted.sandboxCalls++;
    inSandbox++;
    const t0 = performance.now();
    try {
      return run.call(this, context, options);
    } finally {
      inSandbox--;
      counted.sandboxMs += performance.now() - t0;
    }
  };
  v8.promiseHooks.createHook({ init: () => void (inSandbox > 0 && counted.workflowPromises++) });
  if (!stackTraces) {
    // The SDK's hook is the one with a `settled` callback; it is created once per process.
    const createHook = v8.promiseHooks.createHook;
    v8.promiseHooks.createHook = (hooks) => ('settled' in hooks ? () => undefined : createHook(hooks));
  }
}

type Snapshot = typeof counted & { cpu: NodeJS.CpuUsage };
const snapshot = (): Snapshot => ({ ...counted, cpu: process.cpuUsage() });

function perOperation(a: Snapshot, n: number) {
  const b = snapshot();
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    sandboxCalls: round1((b.sandboxCalls - a.sandboxCalls) / n),
    msInSandbox: round1((b.sandboxMs - a.sandboxMs) / n),
    workflowPromises: round1((b.workflowPromises - a.workflowPromises) / n),
    cpuMs: round1((b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000 / n),
  };
}

// ---------------------------------------------------------------------------------------------
// One variant

const vin = (i: number) => `LSVCOST${String(i).padStart(10, '0')}`;

/** Delivered three months ago, never serviced: due now, so the lifecycle runs straight to the call outcome. */
function dueNow(i: number, today: string): VehicleLifecycleInput {
  return {
    vehicle: { vin: vin(i), plate: `苏F${String(i).padStart(5, '0')}`, model: 'Lavida', storeId: 'bench-store', deliveryDate: addMonths(today, -3), mileageKm: 3000, mileageRecordedOn: today },
    customer: { name: '车主', phone: '13800000000' },
    history: { cycle: 1 },
    registeredBy: 'bench',
  };
}

async function runVariant(v: Variant) {
  countSandbox(v.stackTraces);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } } });
  const stack = await startSimulatedWorkerStack('cost', { maxCachedWorkflows: v.cache, debugMode: true });
  const { client } = stack;
  try {
    const today = localDate(Date.now(), 480);
    let s = snapshot();
    for (let i = 0; i < N; i++) await client.workflow.start('vehicleLifecycle', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: lifecycleWorkflowId(vin(i)), args: [dueNow(i, today)] });
    while ((await client.workflow.count(`${SA_STAGE.name} = 'AWAITING_CALL_OUTCOME'`)).count < N) await new Promise((r) => setTimeout(r, 500));
    const start = perOperation(s, N);
    const bookedFor = new Date(Date.now() + 7 * 86_400_000).toISOString();
    s = snapshot();
    for (let i = 0; i < N; i++) {
      await client.workflow.getHandle(lifecycleWorkflowId(vin(i))).executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor }] });
    }
    return { variant: v.name, startToCallOutcome: start, callOutcomeUpdate: perOperation(s, N) };
  } finally {
    await stack.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const only = process.env.BENCH_VARIANT;
  if (only !== undefined) {
    process.stdout.write(JSON.stringify(await runVariant(VARIANTS[Number(only)])));
    return;
  }
  const results = VARIANTS.map((_, i) => {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename], { env: { ...process.env, BENCH_VARIANT: String(i) }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`variant ${VARIANTS[i].name} failed (${child.status})`);
    return JSON.parse(child.stdout) as Awaited<ReturnType<typeof runVariant>>;
  });
  const summary = { at: new Date().toISOString(), vehiclesPerVariant: N, perOperation: results };
  console.log(JSON.stringify(summary, null, 2));
  await mkdir(path.join(__dirname, 'results'), { recursive: true });
  await writeFile(path.join(__dirname, 'results', `workflow-cost-${summary.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(summary, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

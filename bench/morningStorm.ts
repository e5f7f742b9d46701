// Issue 17's 09:00 storm: N vehicles whose R2 reminder and R3 reminder call fall due in the same minute of
// store time, on the production topology (tests/topology: the Temporal server built from source on
// PostgreSQL, one API and two worker processes started as docker-compose.yml starts them). Three phases,
// each with vehicles of its own store:
//   one worker  — worker 2 stopped before the minute;
//   two workers — both running;
//   catch-up    — both workers stopped before the minute and one started `--outage` minutes after it, as after
//                 an outage: every reminder timer has fired with no one to run it.
// Measured from the minute (or the worker's start) to the last reminder message queued and the last call
// task open (their rows' createdAt), with each worker's RSS and CPU. Numbers only; nothing is asserted.
//
//   npm run bench:storm -- [--cars 10000] [--prep-rate 15 | --lead 14] [--outage 3] [--phases one,two,catch-up]
//
// Why a store of its own per phase, with its own UTC offset: the storm minute is 09:00 of store time, so the
// bench picks the offset that puts the store's 09:00 at the minute it wants (a few minutes after the
// vehicles are registered), and the due date 13 days later (R2 and R3 both set to 13 days before it).
// Only the lifecycles are started, as the API's registration starts them: the care workflow a registration
// also starts sleeps through the storm (its contacts follow the delivery date, not the service reminder),
// and leaving it out halves the preparation.
import { Client, Connection } from '@temporalio/client';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDb, Db } from '../activities/database';
import { lifecycleStart } from '../commands/registration';
import { registerVehicleSchema } from '../commands/schemas';
import { addDays, addMonths, localDate } from '../domain/calendar';
import { cycleDueDate } from '../domain/dueDate';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { payloadDataConverter } from '../runtime/payloadCodec';
import { TEST_PAYLOAD_KEYS } from '../tests/support/payloadKeys';
import { Proc } from '../tests/topology/processes';
import { startProductionTopology, Topology } from '../tests/topology/productionTopology';
import { SA_STAGE, SA_STORE } from '../workflows/lifecycle/contract';
import { round1, runPool } from './pool';

const MINUTE = 60_000;
const MODEL = 'StormModel';
const PLAN = { id: 'plan-storm', model: MODEL, intervalMonths: 6, intervalKm: 7500, laborHours: 1, estimateCny: 500 };
const STORM_HOUR = 9 * 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}
function positive(name: string, fallback: number): number {
  const n = Number(option(name, String(fallback)));
  if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
  return n;
}

const CARS = positive('cars', 10_000);
/** Cars per second the preparation is assumed to manage (registered and asleep), which sets the lead. */
const PREPARATION_RATE = positive('prep-rate', 15);
/** Minutes from the start of a phase's registrations to its storm minute. */
const LEAD_MINUTES = positive('lead', Math.ceil(CARS / PREPARATION_RATE / 60) + 2);
const OUTAGE_MINUTES = positive('outage', 3);
const CONCURRENCY = positive('concurrency', 40);
const PHASES = option('phases', 'one,two,catch-up').split(',') as PhaseName[];
type PhaseName = 'one' | 'two' | 'catch-up';

/** The UTC offset (minutes, within the ±14 h a store may set) that makes `at` 09:00 of store time. */
export function offsetForNine(at: number): number {
  const utcMinute = Math.floor(at / MINUTE) % 1440;
  let offset = STORM_HOUR - utcMinute;
  while (offset > 840) offset -= 1440;
  while (offset < -840) offset += 1440;
  return offset;
}

/** The last service that makes R1 date the next one `dueDate` (time rule; the car is driven too little for km to decide). */
function lastServiceFor(dueDate: string, today: string, deliveryDate: string, mileageKm: number, lastServiceKm: number): string {
  const guess = addMonths(dueDate, -PLAN.intervalMonths);
  for (let shift = -3; shift <= 3; shift++) {
    const lastServiceDate = addDays(guess, shift);
    const due = cycleDueDate({
      deliveryDate,
      lastServiceDate,
      lastServiceKm,
      mileageKm,
      mileageRecordedOn: today,
      intervalMonths: PLAN.intervalMonths,
      intervalKm: PLAN.intervalKm,
      newCarDailyKm: DEFAULT_STORE_SETTINGS.newCarDailyKm,
      firstServiceWithinMonths: DEFAULT_STORE_SETTINGS.firstServiceWithinMonths,
    });
    if (due.dueDate === dueDate) return lastServiceDate;
  }
  throw new Error(`no last service date gives the due date ${dueDate}`);
}

interface ProcessSample {
  rssMb: number;
  cpuMs: number;
}

async function sample(pid: number): Promise<ProcessSample | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return { rssMb: Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024), cpuMs: (Number(stat[11]) + Number(stat[12])) * 10 };
  } catch {
    return undefined;
  }
}

interface Progress {
  messages: number;
  tasks: number;
  lastMessageAt: Date | null;
  lastTaskAt: Date | null;
}

async function progress(db: Db, storeId: string): Promise<Progress> {
  const [m] = await db.$queryRaw<{ n: bigint; last: Date | null }[]>`SELECT count(*) AS n, max("createdAt") AS last FROM "Notification" WHERE "storeId" = ${storeId} AND template = 'maintenance-reminder'`;
  const [t] = await db.$queryRaw<{ n: bigint; last: Date | null }[]>`SELECT count(*) AS n, max(t."createdAt") AS last FROM "Task" t JOIN "Vehicle" v ON v.vin = t.vin WHERE v."storeId" = ${storeId} AND t.kind = 'REMINDER_CALL'`;
  return { messages: Number(m.n), tasks: Number(t.n), lastMessageAt: m.last, lastTaskAt: t.last };
}

interface PhaseResult {
  phase: PhaseName;
  storeId: string;
  cars: number;
  workers: number;
  stormMinute: string;
  /** Registration: N raw lifecycle starts and the workers bringing every lifecycle to its reminder wait. */
  preparation: { startsSeconds: number; parkedSeconds: number; carsPerSecond: number };
  /** When the clock starts: the storm minute, or for the catch-up the worker's start. */
  clockFrom: string;
  secondsToLastMessage: number;
  secondsToLastTask: number;
  secondsToAll: number;
  messagesPerSecond: number;
  workerProcesses: { name: string; rssMbBefore: number; rssMbMax: number; cpuSeconds: number }[];
  serverCpuSeconds: number;
  /** The machine's 1-minute load average as the phase ended: the other engineers' work shares the two cores. */
  loadAverage: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  // BENCH_WORKER_ENV='{"MAX_CACHED_LIFECYCLES":"1000"}' tries a worker setting; BENCH_WORKER_PROFILE=<dir> profiles the workers.
  const workerEnv: Record<string, string> = JSON.parse(process.env.BENCH_WORKER_ENV ?? '{}');
  const workerNodeFlags = process.env.BENCH_WORKER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_WORKER_PROFILE)}`] : [];
  const topology = await startProductionTopology({ workerEnv, workerNodeFlags });
  const db = createDb(topology.databaseUrl);
  const connection = await Connection.connect({ address: topology.temporalAddress });
  const client = new Client({ connection, dataConverter: payloadDataConverter(TEST_PAYLOAD_KEYS) });
  const results: PhaseResult[] = [];
  const at = new Date(started).toISOString();
  const dir = path.join(__dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `storm-${at.replace(/[:.]/g, '-')}.json`);
  // Written after every phase, so a phase that fails late keeps the ones before it.
  const report = () => ({
    at,
    machine: { nproc: os.cpus().length, memTotalGiB: Math.round(os.totalmem() / 1073741824), node: process.version, load: os.loadavg().map(round1) },
    cars: CARS,
    leadMinutes: LEAD_MINUTES,
    outageMinutes: OUTAGE_MINUTES,
    workerEnv,
    results,
    totalMinutes: round1((Date.now() - started) / MINUTE),
  });
  console.error(`[storm] topology up in ${round1((Date.now() - started) / 1000)} s; ${CARS} cars per phase, lead ${LEAD_MINUTES} min, phases ${PHASES.join(', ')}`);
  try {
    await db.servicePlan.create({ data: PLAN });
    for (const phase of PHASES) {
      results.push(await runPhase(phase, topology, db, client));
      await writeFile(file, JSON.stringify(report(), null, 2));
    }
  } finally {
    await connection.close();
    await db.$disconnect();
    await topology.stop();
  }
  console.log(JSON.stringify(report(), null, 2));
  console.error(`[storm] written to ${file}`);
}

async function runPhase(phase: PhaseName, topology: Topology, db: Db, client: Client): Promise<PhaseResult> {
  const storeId = `storm-${phase}`;
  for (const index of [0, 1]) if (!topology.workers[index].running()) await topology.startWorker(index);
  const [w1, w2] = topology.workers;

  const t0 = Date.now();
  const stormAt = Math.ceil((t0 + LEAD_MINUTES * MINUTE) / MINUTE) * MINUTE;
  const utcOffsetMinutes = offsetForNine(stormAt);
  const today = localDate(t0, utcOffsetMinutes);
  const stormDay = localDate(stormAt, utcOffsetMinutes);
  const dueDate = addDays(stormDay, 13);
  const settings = { utcOffsetMinutes, contactStartTime: '09:00', contactEndTime: '18:00', messageStartTime: '08:00', messageEndTime: '21:00', reminderLeadDays: 13, callLeadDays: 13 };
  await db.store.create({ data: { id: storeId, name: `Storm ${phase}`, settings } });

  const deliveryDate = addDays(today, -730);
  const mileageKm = 10_000;
  const lastServiceKm = 9_800;
  const lastServiceDate = lastServiceFor(dueDate, today, deliveryDate, mileageKm, lastServiceKm);
  const prefix = { one: 'A', two: 'B', 'catch-up': 'C' }[phase];
  const vinOf = (i: number) => `LSVSTRM${prefix}${String(i).padStart(9, '0')}`;
  const phoneOf = (i: number) => `13${prefix === 'A' ? 1 : prefix === 'B' ? 2 : 3}${String(i).padStart(8, '0')}`;
  console.error(`[storm] ${phase}: store ${storeId} at UTC offset ${utcOffsetMinutes} min, 09:00 store time = ${new Date(stormAt).toISOString()}, due ${dueDate}`);

  const jobs = Array.from({ length: CARS }, (_, i) => i);
  await runPool(jobs, CONCURRENCY, async (i) => {
    const body = registerVehicleSchema.parse({
      vin: vinOf(i),
      plate: `苏E${prefix}${String(i % 10_000).padStart(4, '0')}`,
      model: MODEL,
      storeId,
      deliveryDate,
      mileageKm,
      mileageRecordedOn: today,
      lastService: { date: lastServiceDate, mileageKm: lastServiceKm },
      customer: { name: `客户${i}`, phone: phoneOf(i) },
    });
    await client.workflow.start('vehicleLifecycle', lifecycleStart(body, 'bench-storm', new Date()));
  });
  const startsSeconds = (Date.now() - t0) / 1000;
  const parked = `${SA_STORE.name} = '${storeId}' AND ${SA_STAGE.name} = 'WAITING_FOR_REMINDER'`;
  for (;;) {
    const { count } = await client.workflow.count(parked);
    if (count >= CARS) break;
    if (Date.now() > stormAt - 20_000) throw new Error(`${phase}: only ${count} of ${CARS} lifecycles wait for their reminder 20 s before the storm minute: raise --lead`);
    await sleep(2000);
  }
  const parkedSeconds = (Date.now() - t0) / 1000;
  const sampleVehicle = await db.vehicle.findUnique({ where: { vin: vinOf(0) }, select: { nextDueDate: true } });
  const recordedDue = sampleVehicle?.nextDueDate?.toISOString().slice(0, 10);
  if (recordedDue !== dueDate) throw new Error(`${phase}: the first vehicle is due ${recordedDue}, the bench meant ${dueDate}`);
  console.error(`[storm] ${phase}: ${CARS} cars registered in ${round1(startsSeconds)} s, all waiting for the reminder after ${round1(parkedSeconds)} s`);

  const workers: Proc[] = [];
  if (phase === 'one') {
    await w2.stop('SIGTERM', 60_000);
    workers.push(w1);
  } else if (phase === 'two') {
    workers.push(w1, w2);
  } else {
    await Promise.all([w1.stop('SIGTERM', 60_000), w2.stop('SIGTERM', 60_000)]);
  }
  await sleep(Math.max(0, stormAt - Date.now()));
  let clockFrom = stormAt;
  if (phase === 'catch-up') {
    await sleep(OUTAGE_MINUTES * MINUTE);
    const before = await progress(db, storeId);
    if (before.messages + before.tasks > 0) throw new Error('catch-up: something ran the reminders while every worker was stopped');
    clockFrom = Date.now();
    workers.push(await topology.startWorker(0));
  }

  const before = new Map<number, ProcessSample>();
  const max = new Map<number, number>();
  for (const w of workers) {
    const s = await sample(w.pid);
    if (s) before.set(w.pid, s);
  }
  const server0 = await sample(topology.temporal().pid);
  const sampler = setInterval(async () => {
    for (const w of workers) {
      const s = await sample(w.pid);
      if (s) max.set(w.pid, Math.max(max.get(w.pid) ?? 0, s.rssMb));
    }
  }, 1000);
  let done: Progress;
  try {
    for (;;) {
      done = await progress(db, storeId);
      if (done.messages >= CARS && done.tasks >= CARS) break;
      if (Date.now() - clockFrom > 30 * MINUTE) throw new Error(`${phase}: after 30 minutes ${done.messages} messages and ${done.tasks} tasks of ${CARS}`);
      await sleep(1000);
    }
  } finally {
    clearInterval(sampler);
  }
  const server1 = await sample(topology.temporal().pid);
  const workerFigures = [];
  for (const w of workers) {
    const now = await sample(w.pid);
    const b = before.get(w.pid);
    workerFigures.push({ name: w.name, rssMbBefore: b?.rssMb ?? 0, rssMbMax: Math.max(max.get(w.pid) ?? 0, now?.rssMb ?? 0), cpuSeconds: round1(((now?.cpuMs ?? 0) - (b?.cpuMs ?? 0)) / 1000) });
  }
  const secondsTo = (at: Date | null) => round1(((at?.getTime() ?? Date.now()) - clockFrom) / 1000);
  const result: PhaseResult = {
    phase,
    storeId,
    cars: CARS,
    workers: workers.length,
    stormMinute: new Date(stormAt).toISOString(),
    preparation: { startsSeconds: round1(startsSeconds), parkedSeconds: round1(parkedSeconds), carsPerSecond: round1(CARS / parkedSeconds) },
    clockFrom: new Date(clockFrom).toISOString(),
    secondsToLastMessage: secondsTo(done!.lastMessageAt),
    secondsToLastTask: secondsTo(done!.lastTaskAt),
    secondsToAll: Math.max(secondsTo(done!.lastMessageAt), secondsTo(done!.lastTaskAt)),
    messagesPerSecond: 0,
    workerProcesses: workerFigures,
    serverCpuSeconds: round1(((server1?.cpuMs ?? 0) - (server0?.cpuMs ?? 0)) / 1000),
    loadAverage: round1(os.loadavg()[0]),
  };
  result.messagesPerSecond = round1(CARS / result.secondsToAll);
  console.error(`[storm] ${phase}: ${JSON.stringify(result)}`);
  return result;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

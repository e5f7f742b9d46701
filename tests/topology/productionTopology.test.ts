// Issue 17: docker-compose.yml's production stack, run for real as processes (see productionTopology.ts):
// Temporal server on PostgreSQL, one API and two workers apart. Vehicles registered through the API reach
// their stage and are listed by Temporal's SQL visibility; then, under load, a worker, the Temporal server
// and PostgreSQL are killed and restarted in turn, and nothing is lost or done twice.
// The tests share one stack and run in order: the chaos test compares its vehicles with the ones the
// earlier test took through the same steps undisturbed.
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { createDb, Db } from '../../activities/database';
import { CHAIN_ROWS_SQL, ChainRow, verifyChainRows } from '../../api/audit/verifyChain';
import { messageIdFor } from '../../notifications/transports/transport';
import { payloadDataConverter } from '../../runtime/payloadCodec';
import { LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, SEARCH_ATTRIBUTE_FLAGS, Stage } from '../../workflows/lifecycle/contract';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';
import { until } from './processes';
import { startProductionTopology, Topology } from './productionTopology';
import { chaosPlan, seededRandom } from './chaosPlan';

const DAY = 86_400_000;
const SA = staffIdOf('SERVICE_ADVISOR');
const CR = staffIdOf('CUSTOMER_RELATIONS');
const AUDITOR = staffIdOf('AUDITOR');
const CALM_VEHICLES = 12;
const MAX_CHAOS_VEHICLES = 90;
const CHAOS_SEED = Number(process.env.TOPOLOGY_CHAOS_SEED ?? 17);
const vinOf = (batch: string, i: number) => `LSV${batch}${String(i).padStart(10, '0')}`;
/** Undisturbed, every other vehicle is booked on its reminder call; the rest wait for that call. */
const calmStage = (i: number): Stage => (i % 2 === 1 ? 'AWAITING_PREPARATION' : 'AWAITING_CALL_OUTCOME');

let topology: Topology;
let db: Db;
let api: ApiDriver;
let connection: Connection;
let client: Client;
let smtp: SmtpSink;
const startedAt = Date.now();

beforeAll(async () => {
  [topology, smtp] = await Promise.all([startProductionTopology(), startSmtpSink()]);
  db = createDb(topology.databaseUrl);
  await seedWebStores(db);
  await db.storeChannel.create({ data: { storeId: STORE_A, channel: 'EMAIL', config: { url: smtp.url, from: 'service@topology.example' }, updatedBy: 'topology-test' } });
  api = new ApiDriver(topology.apiBase);
  connection = await Connection.connect({ address: topology.temporalAddress });
  client = new Client({ connection, dataConverter: payloadDataConverter(TEST_PAYLOAD_KEYS) });
  console.log(`topology up in ${Date.now() - startedAt} ms: ${JSON.stringify(topology.timings)}`);
}, 600_000);

afterAll(async () => {
  await connection?.close();
  await db?.$disconnect();
  await Promise.all([topology?.stop(), smtp?.close()]);
  console.log(`topology and chaos tests: ${Date.now() - startedAt} ms in all`);
}, 120_000);

/** Answers of a stack under chaos: the network error or 5xx of a part that is down is retried. */
async function persistently(what: string, attempt: () => Promise<{ status: number; json: any } | undefined>): Promise<{ status: number; json: any }> {
  return until(what, async () => {
    const res = await attempt();
    return res && res.status < 500 ? res : undefined;
  }, 300_000);
}

async function register(vin: string, plateNo: number): Promise<void> {
  const body = {
    vin,
    plate: `苏F${plateNo}`,
    model: 'Sagitar',
    storeId: STORE_A,
    // Delivered three months ago, never serviced: the first service is due, its reminder and call owed now.
    deliveryDate: new Date(Date.now() - 92 * DAY).toISOString().slice(0, 10),
    mileageKm: 4200,
    advisorId: SA,
    customer: { name: '刘女士', phone: `139${String(plateNo).padStart(8, '0')}`, email: `c${plateNo}@topology.example` },
  };
  const res = await persistently(`registration of ${vin}`, () => api.call(SA, 'POST', '/api/vehicles', body));
  // 200: an earlier attempt, cut off by the chaos, had started the lifecycle already.
  if (res.status !== 201 && res.status !== 200) throw new Error(`register ${vin}: ${res.status} ${JSON.stringify(res.json)}`);
}

async function stageOf(vin: string): Promise<Stage | undefined> {
  const res = await persistently(`the state of ${vin}`, () => api.call(AUDITOR, 'GET', `/api/vehicles/${vin}`));
  return res.json?.state?.stage;
}

async function reachStage(vin: string, stage: Stage): Promise<void> {
  await until(`${vin} at ${stage}`, async () => ((await stageOf(vin)) === stage ? true : undefined), 300_000);
}

/** The reminder call's outcome: booked three days ahead. */
async function book(vin: string): Promise<void> {
  await reachStage(vin, 'AWAITING_CALL_OUTCOME');
  const bookedFor = new Date(Date.now() + 3 * DAY).toISOString();
  const res = await persistently(`booking of ${vin}`, () => api.call(CR, 'POST', `/api/vehicles/${vin}/call-outcome`, { outcome: 'BOOKED', bookedFor }));
  // 409: an earlier attempt went through before its answer was lost.
  if (res.status === 409 && (await stageOf(vin)) === 'AWAITING_PREPARATION') return;
  if (res.status !== 200) throw new Error(`call-outcome ${vin}: ${res.status} ${JSON.stringify(res.json)}`);
}

async function driveVehicle(vin: string, booked: boolean, plateNo: number): Promise<void> {
  await register(vin, plateNo);
  if (booked) await book(vin);
}

/** What the vehicle's steps left in the database, counted by kind: a lost or repeated step shows here. */
async function footprint(vin: string) {
  const count = <T extends { _count: number }>(rows: T[], key: (row: T) => string) => Object.fromEntries(rows.map((row): [string, number] => [key(row), row._count]).sort());
  const [tasks, bookings, messages, audit] = await Promise.all([
    db.task.groupBy({ by: ['kind', 'status'], where: { vin }, _count: true }),
    db.booking.groupBy({ by: ['status'], where: { vin }, _count: true }),
    db.notification.groupBy({ by: ['template', 'channel'], where: { vin }, _count: true }),
    db.auditEvent.groupBy({ by: ['action'], where: { vin }, _count: true }),
  ]);
  return {
    tasks: count(tasks, (r) => `${r.kind}:${r.status}`),
    bookings: count(bookings, (r) => r.status),
    messages: count(messages, (r) => `${r.template}:${r.channel}`),
    audit: count(audit, (r) => r.action),
  };
}

test('the Temporal server answers with the version docker-compose.yml names for its image', async () => {
  const { serverVersion } = await connection.workflowService.getSystemInfo({});
  expect(serverVersion).toBe(topology.services.temporal.image.split(':')[1]);
});

test('the search-attribute job registered exactly the product\'s search attributes', async () => {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
  const registered = Object.entries(customAttributes ?? {}).map(([name, type]) => `${name}=${temporal.api.enums.v1.IndexedValueType[type].replace('INDEXED_VALUE_TYPE_', '').toLowerCase()}`);
  const expected = SEARCH_ATTRIBUTE_FLAGS.map((flag) => {
    const [name, type] = flag.split('=');
    return `${name}=${type.toLowerCase()}`;
  });
  expect(registered.sort()).toEqual(expected.sort());
});

test('one API and two workers, started as compose starts them, serve the one task queue', async () => {
  const ready = await fetch(`${topology.apiBase}/readyz`);
  expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { ok: true, checks: { database: 'ok', temporal: 'ok' } } });
  const pollerPids = await until(
    'both workers to poll the lifecycle task queue',
    async () => {
      const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: LIFECYCLE_TASK_QUEUE }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW });
      const pids = new Set((pollers ?? []).map((poller) => Number(poller.identity?.split('@')[0])));
      return topology.workers.every((worker) => pids.has(worker.pid)) ? [...pids] : undefined;
    },
    60_000,
  );
  expect(pollerPids).not.toContain(topology.api().pid);
});

test('vehicles registered and booked through the API reach their stage, and visibility lists them by stage', async () => {
  const vins = Array.from({ length: CALM_VEHICLES }, (_, i) => vinOf('CALM', i));
  await Promise.all(vins.map((vin, i) => driveVehicle(vin, calmStage(i) === 'AWAITING_PREPARATION', 70000 + i)));
  for (const [i, vin] of vins.entries()) await reachStage(vin, calmStage(i));

  for (const stage of ['AWAITING_CALL_OUTCOME', 'AWAITING_PREPARATION'] as const) {
    const expected = vins.filter((_, i) => calmStage(i) === stage);
    const listed = await until(
      `visibility to list the ${expected.length} lifecycles at ${stage}`,
      async () => {
        const { json } = await api.call(AUDITOR, 'GET', `/api/workflows?stage=${stage}&store=${STORE_A}&limit=1000`);
        const found = (json.workflows as Array<{ vin: string }>).map((w) => w.vin).filter((vin) => vins.includes(vin));
        return found.length === expected.length ? found : undefined;
      },
      60_000,
    );
    expect(listed.sort()).toEqual(expected);
  }

  const openCallTasks = await db.task.groupBy({ by: ['vin'], where: { vin: { in: vins }, status: 'OPEN', kind: 'REMINDER_CALL' }, _count: true });
  expect(openCallTasks.map((t) => [t.vin, t._count]).sort()).toEqual(vins.filter((_, i) => calmStage(i) === 'AWAITING_CALL_OUTCOME').map((vin) => [vin, 1]));
  const runs = await Promise.all(vins.map(async (vin) => (await client.workflow.getHandle(lifecycleWorkflowId(vin)).describe()).status.name));
  expect(new Set(runs)).toEqual(new Set(['RUNNING']));
});

test('the one-shot jobs succeed again on the running stack, as on every `docker compose up`', async () => {
  for (const job of ['temporal-schema', 'temporal-search-attributes'] as const) await topology.rerunJob(job);
  expect(await topology.rerunJob('migrate')).toContain('No pending migrations.');
});

test('chaos: a worker, the Temporal server and PostgreSQL killed and restarted under load; nothing lost, nothing twice', async () => {
  const chaosStarted = Date.now();
  const plan = chaosPlan(seededRandom(CHAOS_SEED), MAX_CHAOS_VEHICLES, topology.workers.length);
  console.log(`chaos seed ${CHAOS_SEED}: worker ${plan.worker + 1}, gaps ${plan.gaps.join('/')}, ${plan.downMs} ms down`);
  const stageFor = (i: number) => (plan.booked[i] ? 'AWAITING_PREPARATION' : 'AWAITING_CALL_OUTCOME');
  // Vehicles keep coming until every part has been down and back, and a few more after.
  let driven = 0;
  let started = 0;
  let lastIndex = MAX_CHAOS_VEHICLES - 1;
  let loadFailed = false;
  const load = Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = started++; i <= lastIndex; i = started++) {
        await driveVehicle(vinOf('CHAS', i), plan.booked[i], 80000 + i);
        driven++;
      }
    }),
  );
  // A failed load ends the test with its own error, not a wait for a count it will never reach.
  load.catch(() => (loadFailed = true));
  const events: string[] = [];
  const note = (event: string) => events.push(`${((Date.now() - chaosStarted) / 1000).toFixed(1)} s ${event} (${driven} driven)`);
  const afterMore = async (count: number) => {
    const target = driven + count;
    await until(`${target} vehicles driven`, async () => (driven >= target || loadFailed ? true : undefined), 300_000);
  };
  const down = () => new Promise((resolve) => setTimeout(resolve, plan.downMs));

  await afterMore(plan.gaps[0]);
  await topology.workers[plan.worker].stop('SIGKILL');
  note(`worker ${plan.worker + 1} killed -9`);
  await down();
  await topology.startWorker(plan.worker);
  note(`worker ${plan.worker + 1} healthy again`);

  await afterMore(plan.gaps[1]);
  await topology.temporal().stop('SIGKILL');
  note('Temporal server killed -9');
  await down();
  await topology.restartTemporal();
  note('Temporal server listening again');

  await afterMore(plan.gaps[2]);
  await topology.postgres.crash();
  note('PostgreSQL stopped -m immediate');
  await down();
  await topology.postgres.restart();
  note('PostgreSQL up again');

  lastIndex = Math.min(lastIndex, started + 2);
  await load;
  // Lanes draw indexes in turn until one is past lastIndex, so every vehicle up to it was driven.
  const vins = Array.from({ length: lastIndex + 1 }, (_, i) => vinOf('CHAS', i));
  note(`load done: ${vins.length} vehicles`);
  for (const [i, vin] of vins.entries()) await reachStage(vin, stageFor(i));
  note('every lifecycle at its stage');
  const emails = await until(
    'every email in the outbox to be sent',
    async () => {
      const rows = await db.notification.findMany({ where: { vin: { in: vins }, channel: 'EMAIL' }, select: { idempotencyKey: true, status: true } });
      return rows.length > 0 && rows.every((row) => row.status === 'SENT') ? rows : undefined;
    },
    300_000,
  );
  note('outbox drained');
  console.log(`chaos timeline:\n  ${events.join('\n  ')}`);

  const reference = { AWAITING_CALL_OUTCOME: await footprint(vinOf('CALM', 0)), AWAITING_PREPARATION: await footprint(vinOf('CALM', 1)) };
  for (const expected of Object.values(reference)) {
    expect(Object.keys(expected.tasks).length * Object.keys(expected.messages).length * Object.keys(expected.audit).length).toBeGreaterThan(0);
  }
  expect(Object.keys(reference.AWAITING_PREPARATION.bookings)).toHaveLength(1);
  for (const [i, vin] of vins.entries()) {
    expect({ vin, ...(await footprint(vin)) }).toEqual({ vin, ...reference[stageFor(i)] });
  }

  const pg = new PgClient({ connectionString: topology.databaseUrl });
  await pg.connect();
  try {
    const chain = verifyChainRows((await pg.query<ChainRow>(CHAIN_ROWS_SQL)).rows);
    expect(chain.problems).toEqual([]);
    expect(chain.events).toBe(await db.auditEvent.count());
  } finally {
    await pg.end();
  }

  // A sender killed right after the hand-over may send a message again, with the same Message-ID.
  const received = new Set(smtp.mails.map((mail) => mail.parsed.messageId));
  const expectedIds = emails.map((row) => messageIdFor(row.idempotencyKey));
  expect(expectedIds.filter((id) => !received.has(id))).toEqual([]);
  const calmIds = new Set((await db.notification.findMany({ where: { channel: 'EMAIL', vin: { notIn: vins } }, select: { idempotencyKey: true } })).map((row) => messageIdFor(row.idempotencyKey)));
  expect([...received].filter((id) => !expectedIds.includes(id!) && !calmIds.has(id!))).toEqual([]);
  console.log(`chaos test: ${Date.now() - chaosStarted} ms`);
}, 900_000);

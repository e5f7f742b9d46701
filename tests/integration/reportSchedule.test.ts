// R23 reports on time, on the real Temporal dev server (the time-skipping server has no Schedules) and a
// real PostgreSQL: the product's report schedule is created (twice: the second start finds it), triggered,
// its run queues today's daily report for the store's managers, and the outbox sender delivers it to an
// SMTP server. A second run queues nothing again.
import { Client, Connection, ScheduleHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDb, Db } from '../../activities/database';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { createDispatcher } from '../../notifications/dispatcher';
import type { DeliveredReport } from '../../reports/delivery';
import { reportKey } from '../../reports/calendar';
import { ensureReportSchedule, REPORT_SCHEDULE_ID } from '../../reports/schedule';
import { createLifecycleWorker } from '../../runtime/lifecycleWorker';
import { applyMigrations } from '../../runtime/migrate';
import { payloadDataConverter } from '../../runtime/payloadCodec';
import { TemporalDevServer } from '../../runtime/temporalDevServer';
import { SHARED_BUNDLE_CACHE } from '../../runtime/workflowBundle';
import { startTestDevServer } from '../support/devServer';
import { recordHistoryIfAsked } from '../support/lifecycleHarness';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-sched';
const OFFSET = 480;
const VIN = 'LSVSCHEDULE000001';

let postgres: TestPostgres;
let devServer: TemporalDevServer;
let smtp: SmtpSink;
let db: Db;
let connection: Connection;
let client: Client;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let schedule: ScheduleHandle;

beforeAll(async () => {
  [postgres, devServer, smtp] = await Promise.all([startPostgres(), startTestDevServer(), startSmtpSink()]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  // Around the clock: the daily report falls due at 00:00 store time, so one is always due in the last day.
  await db.store.create({ data: { id: STORE, name: '排程示范店', timeZone: 'Asia/Shanghai', settings: { contactStartTime: '00:00', contactEndTime: '24:00' } } });
  await db.storeChannel.create({ data: { storeId: STORE, channel: 'EMAIL', config: { url: smtp.url, from: '排程示范店 <service@store.example>' }, updatedBy: 'it-admin' } });
  await db.staff.createMany({
    data: [
      { id: 'sm-s', storeId: STORE, name: '王经理', role: 'SERVICE_MANAGER', email: 'wang@store.example' },
      { id: 'sup-s', storeId: STORE, name: '吴主管', role: 'SERVICE_SUPERVISOR', email: 'wu@store.example' },
      { id: 'sm-nomail', storeId: STORE, name: '无邮箱', role: 'SERVICE_MANAGER' },
      { id: 'sm-gone', storeId: STORE, name: '已离职', role: 'SERVICE_MANAGER', email: 'gone@store.example', active: false },
      { id: 'sa-s', storeId: STORE, name: '李顾问', role: 'SERVICE_ADVISOR', email: 'li@store.example' },
    ],
  });
  // A booking for today (store time), which the daily report counts.
  const customer = await db.customer.create({ data: { storeId: STORE, name: '周女士', phone: '13900008801' } });
  await db.vehicle.create({ data: { vin: VIN, plate: '苏F88001', model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2026-08-01'), mileageKm: 3000, mileageRecordedAt: new Date(0), avgDailyKm: 30, workflowId: `vehicle-${VIN}` } });
  const today = localDate(Date.now(), OFFSET);
  await db.booking.create({ data: { idempotencyKey: 'sched-booking', vin: VIN, storeId: STORE, cycle: 1, channel: 'PHONE', status: 'CONFIRMED', bookedFor: new Date(localTime(today, '12:00', OFFSET)), createdBy: 'seed' } });

  const dataConverter = payloadDataConverter(TEST_PAYLOAD_KEYS);
  connection = await Connection.connect({ address: devServer.address });
  client = new Client({ connection, dataConverter });
  workerConnection = await NativeConnection.connect({ address: devServer.address });
  worker = await createLifecycleWorker(workerConnection, 'default', db, SHARED_BUNDLE_CACHE, dataConverter);
  running = worker.run();
}, 240_000);

afterAll(async () => {
  await schedule?.delete().catch(() => undefined);
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await workerConnection?.close();
  await connection?.close();
  await db?.$disconnect();
  await Promise.all([devServer?.stop(), postgres?.stop(), smtp?.close()]);
});

/** Triggers the schedule and waits for the run it started. */
async function triggerAndWait(): Promise<{ workflowId: string; runId: string; result: DeliveredReport[] }> {
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  let started: { workflowId: string; firstExecutionRunId: string } | undefined;
  for (let i = 0; i < 200 && !started; i++) {
    const actions = (await schedule.describe()).info.recentActions;
    if (actions.length > before) started = actions[actions.length - 1].action.workflow;
    else await new Promise((r) => setTimeout(r, 100));
  }
  expect(started).toBeDefined();
  const handle = client.workflow.getHandle(started!.workflowId, started!.firstExecutionRunId);
  return { workflowId: started!.workflowId, runId: started!.firstExecutionRunId, result: (await handle.result()) as DeliveredReport[] };
}

test('R23 the report schedule runs the delivery, and its mail reaches the managers through the outbox', async () => {
  schedule = await ensureReportSchedule(client);
  // A second start (another API process, a restart) finds the schedule there.
  expect((await ensureReportSchedule(client)).scheduleId).toBe(REPORT_SCHEDULE_ID);
  const described = await schedule.describe();
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reportDelivery' });
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 15 * 60_000 })]);

  const run = await triggerAndWait();
  const today = localDate(Date.now(), OFFSET);
  const daily = reportKey('DAILY', { from: addDays(today, -1), to: today });
  expect(run.result).toContainEqual({ storeId: STORE, report: daily, recipients: 2 });
  await recordHistoryIfAsked(client, run.workflowId, run.runId, 'report-delivery');

  const queued = await db.notification.findMany({ where: { storeId: STORE, template: 'report-delivery' } });
  expect(queued.length).toBe(run.result.reduce((n, r) => n + r.recipients, 0));
  expect(queued.every((m) => m.vin === null && m.rule === 'R23' && m.status === 'QUEUED')).toBe(true);
  // Only the managers the report goes to, with an address, still at the store.
  expect(new Set(queued.map((m) => m.recipient))).toEqual(new Set(['wang@store.example', 'wu@store.example']));

  const dispatcher = createDispatcher({ db, log: () => undefined });
  try {
    await dispatcher.runOnce();
  } finally {
    dispatcher.close();
  }
  const dailyMails = smtp.mails.filter((m) => m.parsed.subject?.includes(`日报 ${addDays(today, -1)} – ${today}`));
  expect(dailyMails.map((m) => m.envelopeTo[0]).sort()).toEqual(['wang@store.example', 'wu@store.example']);
  const body = dailyMails[0].parsed.text ?? '';
  expect(dailyMails[0].parsed.subject).toContain('排程示范店');
  expect(body).toContain('今日 · 今日预约：1');
  expect(body).toContain(`/stores/${STORE}/reports/DAILY/${addDays(today, -1)}/${today}`);
  expect(smtp.mails).toHaveLength(queued.length);
  const sent = await db.notification.findMany({ where: { storeId: STORE, template: 'report-delivery' } });
  expect(sent.every((m) => m.status === 'SENT')).toBe(true);
  // The sending is on the store's audit chain: the message belongs to no vehicle.
  expect(await db.storeAuditEvent.count({ where: { storeId: STORE, action: 'message.sent' } })).toBe(queued.length);

  // The schedule firing again delivers nothing twice.
  const again = await triggerAndWait();
  expect(again.result).toEqual([]);
  expect(await db.notification.count({ where: { storeId: STORE, template: 'report-delivery' } })).toBe(queued.length);
});

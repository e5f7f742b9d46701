// R25 after a fleet vehicle's job, its repair report (work done, labour hours, cost) reaches the fleet's
// contacts: the real delivery step on a real PostgreSQL queues it with the delivery, and the real outbox
// sender mails it to a real SMTP server. A private customer's delivery sends no report.
import { createDb, Db } from '../../activities/database';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { StepContext } from '../../activities/stepContext';
import { createDispatcher } from '../../notifications/dispatcher';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-fleet-report';
const FLEET_VIN = 'LSVFLEETREPRT0001';
const PRIVATE_VIN = 'LSVPRVATEREPRT001';
const DELIVERED_AT = '2026-12-09T06:30:00.000Z'; // 14:30 in Shanghai, inside message hours

let postgres: TestPostgres;
let smtp: SmtpSink;
let db: Db;

beforeAll(async () => {
  [postgres, smtp] = await Promise.all([startPostgres(), startSmtpSink()]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '苏州示范店', timeZone: 'Asia/Shanghai' } });
  await db.storeChannel.create({ data: { storeId: STORE, channel: 'EMAIL', config: { url: smtp.url, from: '苏州示范店 <service@store.example>' }, updatedBy: 'it' } });
  const fleet = await db.fleetAccount.create({
    data: {
      storeId: STORE,
      name: '顺达物流',
      contacts: {
        create: [
          { name: '陈经理', phone: '13800001111', email: 'chen@shunda.example' },
          // Without an e-mail address: reached by phone, not by the report.
          { name: '调度员', phone: '13800002222' },
        ],
      },
    },
  });
  for (const [vin, fleetAccountId, phone] of [
    [FLEET_VIN, fleet.id, '13900000001'],
    [PRIVATE_VIN, null, '13900000002'],
  ] as const) {
    const customer = await db.customer.create({ data: { storeId: STORE, name: `客户 ${vin}`, phone } });
    await db.vehicle.create({
      data: { vin, plate: `苏E${vin.slice(-5)}`, model: 'Lavida', storeId: STORE, customerId: customer.id, fleetAccountId, deliveryDate: new Date('2025-06-01'), mileageKm: 30000, mileageRecordedAt: new Date('2026-11-01'), avgDailyKm: 120, workflowId: `vehicle-${vin}` },
    });
    await db.repairOrder.create({
      data: {
        id: `ro-${vin}`,
        idempotencyKey: `ro-${vin}`,
        vin,
        cycle: 1,
        status: 'READY',
        items: {
          create: [
            { description: '常规保养（机油、机滤）', laborHours: 1, priceCny: 480 },
            { description: '前刹车片更换', laborHours: 1.5, priceCny: 620, additional: true, approved: true, safety: true },
            // Declined (R13): not done, so not reported.
            { description: '空调清洗', laborHours: 0.5, priceCny: 200, additional: true, approved: false },
          ],
        },
      },
    });
  }
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await Promise.all([smtp?.close(), postgres?.stop()]);
});

const ctxOf = (vin: string): StepContext => ({ workflowId: `vehicle-${vin}`, runId: 'run-1', vin, cycle: 1, at: DELIVERED_AT });

test('R25: the delivery of a fleet vehicle queues its repair report to the fleet contact with e-mail, once, and the sender mails the work, hours and cost', async () => {
  const steps = serviceStepActivities(db);
  const deliver = () => steps.deliverVehicle(ctxOf(FLEET_VIN), { actor: 'sa-li', amountDueCny: 1100, amountPaidCny: 1100 }, `ro-${FLEET_VIN}`, { serviceDate: '2026-12-09', mileageKm: 31000 });
  await deliver();
  // A retried delivery finds its step done: no second report.
  await deliver();

  const rows = await db.notification.findMany({ where: { vin: FLEET_VIN } });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ channel: 'EMAIL', recipient: 'chen@shunda.example', template: 'fleet-repair-report', rule: 'R25', status: 'QUEUED' });
  expect(rows[0].payload).toMatchObject({
    fleetName: '顺达物流',
    contactName: '陈经理',
    items: [
      { description: '前刹车片更换', laborHours: 1.5, priceCny: '620.00' },
      { description: '常规保养（机油、机滤）', laborHours: 1, priceCny: '480.00' },
    ],
    laborHours: 2.5,
    totalCny: '1100.00',
    settledCny: '1100.00',
  });
  const audit = await db.auditEvent.findMany({ where: { vin: FLEET_VIN }, orderBy: { id: 'asc' } });
  expect(audit.map((e) => e.action)).toEqual(['fleet-report.queued', 'vehicle.delivered']);
  expect(audit[0].data).toMatchObject({ recipients: ['chen@shunda.example'], laborHours: 2.5, totalCny: '1100.00' });

  const dispatcher = createDispatcher({ db, clock: settableClock(DELIVERED_AT), log: () => undefined });
  try {
    await dispatcher.runOnce();
  } finally {
    dispatcher.close();
  }
  expect(smtp.mails.map((m) => m.envelopeTo)).toEqual([['chen@shunda.example']]);
  const mail = smtp.mails[0].parsed;
  expect(mail.subject).toBe(`【苏州示范店】苏E${FLEET_VIN.slice(-5)}维修报告（顺达物流）`);
  expect(mail.text).toContain('- 前刹车片更换：工时1.5小时，620.00元');
  expect(mail.text).toContain('- 常规保养（机油、机滤）：工时1小时，480.00元');
  expect(mail.text).toContain('合计工时：2.5小时');
  expect(mail.text).toContain('合计费用：1100.00元（实收1100.00元）');
  expect(mail.text).not.toContain('空调清洗');
  expect((await db.notification.findUniqueOrThrow({ where: { id: rows[0].id } })).status).toBe('SENT');
});

test('R25: a private customer’s delivery sends no fleet report', async () => {
  await serviceStepActivities(db).deliverVehicle(ctxOf(PRIVATE_VIN), { actor: 'sa-li', amountDueCny: 1100, amountPaidCny: 1100 }, `ro-${PRIVATE_VIN}`, { serviceDate: '2026-12-09', mileageKm: 31000 });
  expect(await db.notification.count({ where: { vin: PRIVATE_VIN } })).toBe(0);
  expect((await db.auditEvent.findMany({ where: { vin: PRIVATE_VIN } })).map((e) => e.action)).toEqual(['vehicle.delivered']);
});

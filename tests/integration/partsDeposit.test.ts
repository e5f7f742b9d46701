// R6b on a real PostgreSQL: a booking whose work order must order expensive parts asks the customer for
// half their price; the preparation board and the booking show whether it was paid; paying closes the
// SA's call.
import { createDb, Db } from '../../activities/database';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { StepContext } from '../../activities/stepContext';
import { taskActivities } from '../../activities/tasks';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { applyMigrations } from '../../runtime/migrate';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { DatabaseOnlyApi, startDatabaseOnlyApi } from '../support/databaseOnlyApi';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-deposit';
const OFFSET = 480;
const DAY = addDays(localDate(Date.now(), OFFSET), 10);
const at = (hhmm: string) => new Date(localTime(DAY, hhmm, OFFSET)).toISOString();
const VINS = ['LFV2A21K8P4000301', 'LFV2A21K8P4000302'];

let postgres: TestPostgres;
let db: Db;
let steps: ReturnType<typeof serviceStepActivities>;
let api: DatabaseOnlyApi;

const ctx = (vin: string): StepContext => ({ workflowId: `lifecycle-${vin}`, runId: 'run-1', vin, cycle: 1, at: new Date().toISOString() });
const inbound = (bookedFor: string) => ({ actor: 'sa-deposit', channel: 'PHONE' as const, bookedFor, faultDescription: '涡轮增压器异响', contactPhone: '13900000003' });
const preparation = (servicePlanId: string) => ({ servicePlanId, task: { kind: 'PREPARATION' as const, rule: 'R6', dueAt: at('09:00'), assigneeRole: 'TECHNICAL_DIRECTOR' as const }, partsDepositFromCny: 2000 });

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Deposit store' } });
  await seedWorkshop(db, { storeId: STORE, bays: { GENERAL_REPAIR: 2 }, technicians: { GENERAL_REPAIR: 2 } });
  const customer = await db.customer.create({ data: { storeId: STORE, name: '周女士', phone: '13900000003' } });
  for (const [i, vin] of VINS.entries()) {
    await db.vehicle.create({
      data: { vin, plate: `苏F0000${i}`, model: i === 0 ? 'Passat' : 'Polo', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-01-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 30, workflowId: `lifecycle-${vin}` },
    });
  }
  await db.part.createMany({
    data: [
      { partNumber: 'TURBO-06K', name: '涡轮增压器', priceCny: 4801, leadDays: 5 },
      { partNumber: 'OIL-FILTER', name: '机油滤清器', priceCny: 45, leadDays: 2 },
    ],
  });
  // The filter is on the shelf; the turbocharger must be ordered for the customer.
  await db.partStock.create({ data: { storeId: STORE, partNumber: 'OIL-FILTER', onHand: 4 } });
  await db.servicePlan.create({ data: { id: 'plan-turbo', model: 'Passat', intervalMonths: 6, intervalKm: 7500, parts: { create: [{ partNumber: 'TURBO-06K', quantity: 1 }, { partNumber: 'OIL-FILTER', quantity: 1 }] } } });
  await db.servicePlan.create({ data: { id: 'plan-filter', model: 'Polo', intervalMonths: 6, intervalKm: 7500, parts: { create: [{ partNumber: 'OIL-FILTER', quantity: 1 }] } } });
  steps = serviceStepActivities(db);
  api = await startDatabaseOnlyApi(db, [{ id: 'td-deposit', storeId: STORE, role: 'TECHNICAL_DIRECTOR' }]);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function boardRow(bookingId: string) {
  const res = await fetch(`${api.base}/api/stores/${STORE}/preparation-board?from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${api.tokens.get('td-deposit')}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Array<{ bookingId: string; deposit: unknown }> }).rows.find((r) => r.bookingId === bookingId)!;
}

test('R6b: a booking that orders expensive parts asks half their price; the board shows it unpaid, then paid, and paying closes the SA call', async () => {
  const made = await steps.bookInbound(ctx(VINS[0]), { input: inbound(at('10:00')), storeId: STORE, preparation: preparation('plan-turbo') });
  // Only the part to order counts: the filter comes off the shelf.
  expect(made.deposit).toEqual({ partsCny: 4801, depositCny: 2401, leadDays: 5 });
  expect(await db.booking.findUniqueOrThrow({ where: { id: made.bookingId } })).toMatchObject({ depositPaidCny: null, depositPaidAt: null });
  expect(Number((await db.booking.findUniqueOrThrow({ where: { id: made.bookingId } })).depositRequiredCny)).toBe(2401);
  expect(await db.auditEvent.findFirst({ where: { vin: VINS[0], action: 'parts-deposit.asked' } })).toMatchObject({ rule: 'R6b' });
  expect(await boardRow(made.bookingId)).toMatchObject({ deposit: { requiredCny: 2401, paidCny: null, paid: false } });

  // Its rule time fell outside working hours: the task keeps it beside the time it opened.
  await taskActivities(db).openTask(ctx(VINS[0]), { kind: 'PARTS_DEPOSIT_CALL', rule: 'R6b', dueAt: at('09:00'), assigneeRole: 'SERVICE_ADVISOR', ruleAt: at('07:30') });
  expect(await db.task.findFirstOrThrow({ where: { vin: VINS[0], kind: 'PARTS_DEPOSIT_CALL' } })).toMatchObject({ status: 'OPEN', ruleAt: new Date(at('07:30')) });
  await steps.recordPartsDeposit(ctx(VINS[0]), { actor: 'sa-deposit', amountCny: 2401, note: '微信转账' }, made.bookingId);
  expect(await boardRow(made.bookingId)).toMatchObject({ deposit: { requiredCny: 2401, paidCny: 2401, paid: true } });
  expect(await db.task.findFirstOrThrow({ where: { vin: VINS[0], kind: 'PARTS_DEPOSIT_CALL' } })).toMatchObject({ status: 'DONE', completedBy: 'sa-deposit' });
  expect(await db.auditEvent.findFirst({ where: { vin: VINS[0], action: 'parts-deposit.paid' } })).toMatchObject({ rule: 'R6b', actor: 'sa-deposit' });
});

test('R6b: parts that come off the shelf ask no deposit', async () => {
  const made = await steps.bookInbound(ctx(VINS[1]), { input: inbound(at('14:00')), storeId: STORE, preparation: preparation('plan-filter') });
  expect(made.deposit).toBeUndefined();
  expect(await db.booking.findUniqueOrThrow({ where: { id: made.bookingId } })).toMatchObject({ depositRequiredCny: null });
  expect(await boardRow(made.bookingId)).toMatchObject({ deposit: null });
});

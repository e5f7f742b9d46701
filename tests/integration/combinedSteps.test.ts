// A cycle's opening in one transaction, on a real PostgreSQL: registering the vehicle in its first cycle,
// reading the policy and recording the R1 due date, audited as separate steps and written once however
// often its local activity is retried.
import { ApplicationFailure } from '@temporalio/common';
import { createDb, Db } from '../../activities/database';
import { registrationActivities } from '../../activities/registration';
import { StepContext } from '../../activities/stepContext';
import { applyMigrations } from '../../runtime/migrate';
import type { VehicleLifecycleInput } from '../../workflows/lifecycle/contract';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-open';
let postgres: TestPostgres;
let db: Db;
let activities: ReturnType<typeof registrationActivities>;

const input = (vin: string, storeId = STORE): VehicleLifecycleInput => ({
  vehicle: { vin, plate: '苏E12345', model: 'Lavida', storeId, deliveryDate: '2026-06-01', mileageKm: 2_000, mileageRecordedOn: '2026-08-01' },
  customer: { name: '周女士', phone: '13900000077' },
  history: { cycle: 1 },
  registeredBy: 'sa-open',
});
const ctx = (vin: string, at = '2026-08-01T02:00:00.000Z'): StepContext => ({ workflowId: `vehicle-${vin}`, runId: 'run-1', vin, cycle: 1, at });

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Open store', settings: { newCarDailyKm: 30, firstServiceWithinMonths: 3 } } });
  await db.servicePlan.create({ data: { id: 'plan-open-lavida', model: 'Lavida', intervalMonths: 6, intervalKm: 7_500 } });
  activities = registrationActivities(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await postgres?.stop();
});

it('R1b: registers the car, decides its first service from the store and plan, and records both steps', async () => {
  const vin = 'LSVOPEN0000000001';
  const opened = await activities.openCycle(ctx(vin), input(vin), true);

  // 2,000 km in 61 days: 5,500 km to go at ≈32.8 km/day is later than 3 months after delivery.
  expect(opened.due).toEqual({ dueDate: '2026-09-01', reason: 'first-service', avgDailyKm: 2_000 / 61 });
  expect(opened.policy).toMatchObject({ intervalMonths: 6, intervalKm: 7_500, servicePlanId: 'plan-open-lavida' });
  expect(opened.policy.settings).toMatchObject({ newCarDailyKm: 30, firstServiceWithinMonths: 3 });

  const vehicle = await db.vehicle.findUniqueOrThrow({ where: { vin }, include: { customer: true } });
  expect(vehicle).toMatchObject({ storeId: STORE, servicePlanId: 'plan-open-lavida', cycle: 1, workflowId: `vehicle-${vin}` });
  expect(vehicle.nextDueDate?.toISOString().slice(0, 10)).toBe('2026-09-01');
  expect(vehicle.customer.phone).toBe('13900000077');

  const audit = await db.auditEvent.findMany({ where: { vin }, orderBy: { id: 'asc' } });
  expect(audit.map((e) => [e.action, e.actor, e.rule])).toEqual([
    ['vehicle.registered', 'sa-open', null],
    ['cycle.scheduled', 'system', 'R1b'],
  ]);
  expect(audit[1].data).toMatchObject({ dueDate: '2026-09-01', reason: 'first-service', policy: { servicePlanId: 'plan-open-lavida' } });
});

it('a retried opening writes nothing twice and answers with what the first attempt recorded', async () => {
  const vin = 'LSVOPEN0000000002';
  const first = await activities.openCycle(ctx(vin), input(vin), true);
  // The plan changes before the retry: the retry must still answer with the recorded decision.
  await db.servicePlan.update({ where: { id: 'plan-open-lavida' }, data: { intervalMonths: 3 } });
  try {
    const retry = await activities.openCycle(ctx(vin), input(vin), true);
    expect(retry).toEqual(first);
  } finally {
    await db.servicePlan.update({ where: { id: 'plan-open-lavida' }, data: { intervalMonths: 6 } });
  }
  expect(await db.auditEvent.count({ where: { vin } })).toBe(2);
  expect(await db.vehicle.count({ where: { vin } })).toBe(1);
});

it('a later cycle does not register the car again', async () => {
  const vin = 'LSVOPEN0000000003';
  await activities.openCycle(ctx(vin), input(vin), true);
  const next: VehicleLifecycleInput = { ...input(vin), history: { cycle: 2, lastServiceDate: '2026-09-01', lastServiceKm: 3_900 } };
  const opened = await activities.openCycle({ ...ctx(vin, '2026-09-02T02:00:00.000Z'), cycle: 2 }, next, false);
  expect(opened.due.reason).toBe('time');
  const actions = (await db.auditEvent.findMany({ where: { vin, cycle: 2 } })).map((e) => e.action);
  expect(actions).toEqual(['cycle.scheduled']);
});

it('an unknown store is refused for good, before anything is written', async () => {
  const vin = 'LSVOPEN0000000004';
  const refusal = activities.openCycle(ctx(vin), input(vin, 'no-such-store'), true);
  await expect(refusal).rejects.toBeInstanceOf(ApplicationFailure);
  await expect(refusal).rejects.toMatchObject({ type: 'UnknownStore', nonRetryable: true });
  expect(await db.vehicle.count({ where: { vin } })).toBe(0);
});

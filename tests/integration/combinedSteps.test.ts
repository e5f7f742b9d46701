// Steps that do in one transaction what older code did in several, on a real PostgreSQL: a cycle's opening
// (registering the vehicle in its first cycle, reading the policy, recording the R1 due date) and a work
// order with its preparation task (R6). Each is audited as the separate steps were, written once however
// often its local activity is retried, and completes what a worker of the older code left half-done when
// it was stopped between its steps (a deployment).
import { ApplicationFailure } from '@temporalio/common';
import { createDb, Db } from '../../activities/database';
import { registrationActivities } from '../../activities/registration';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { StepContext } from '../../activities/stepContext';
import { applyMigrations } from '../../runtime/migrate';
import type { VehicleLifecycleInput } from '../../workflows/definitions';
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

// A worker of the code before openCycle may have begun the cycle with the three separate steps and been
// stopped (a deployment) before the workflow recorded them; the workflow then opens the cycle anew.
it('after a registration the separate step already recorded, the opening records only the due date', async () => {
  const vin = 'LSVOPEN0000000005';
  await activities.registerVehicle(ctx(vin), input(vin));
  const opened = await activities.openCycle(ctx(vin), input(vin), true);
  expect(opened.due).toMatchObject({ dueDate: '2026-09-01', reason: 'first-service' });
  const audit = await db.auditEvent.findMany({ where: { vin }, orderBy: { id: 'asc' } });
  expect(audit.map((e) => e.action)).toEqual(['vehicle.registered', 'cycle.scheduled']);
  expect((await db.vehicle.findUniqueOrThrow({ where: { vin } })).nextDueDate?.toISOString().slice(0, 10)).toBe('2026-09-01');
});

it('after all three separate steps, the opening answers with the due date they recorded and writes nothing', async () => {
  const vin = 'LSVOPEN0000000006';
  await activities.registerVehicle(ctx(vin), input(vin));
  const policy = await activities.loadCyclePolicy(STORE, 'Lavida');
  // What that code decided, deliberately unlike what openCycle would decide today.
  await activities.scheduleCycle(ctx(vin), { dueDate: '2026-08-30', reason: 'first-service', avgDailyKm: 30, policy });
  const opened = await activities.openCycle(ctx(vin), input(vin), true);
  expect(opened).toEqual({ policy, due: { dueDate: '2026-08-30', reason: 'first-service', avgDailyKm: 30 } });
  expect(await db.auditEvent.count({ where: { vin } })).toBe(2);
});

it('R6: a work order the older code made without its preparation task gets the task, once', async () => {
  const vin = 'LSVOPEN0000000001';
  const booking = await db.booking.create({ data: { idempotencyKey: `${vin}:booking`, vin, storeId: STORE, cycle: 1, channel: 'PHONE', bookedFor: new Date('2026-08-20T02:00:00Z'), createdBy: 'sa-open' } });
  const steps = serviceStepActivities(db);
  const task = { kind: 'PREPARATION' as const, rule: 'R6', dueAt: '2026-08-18T01:00:00.000Z', assigneeRole: 'TECHNICAL_DIRECTOR' as const };
  const { repairOrderId } = await steps.prepareWorkOrder(ctx(vin), booking.id, 'plan-open-lavida');
  expect(await db.task.count({ where: { vin, kind: 'PREPARATION' } })).toBe(0);

  for (let attempt = 0; attempt < 2; attempt++) expect(await steps.prepareWorkOrder(ctx(vin), booking.id, 'plan-open-lavida', task)).toEqual({ repairOrderId });
  expect(await db.task.findMany({ where: { vin, kind: 'PREPARATION' }, select: { status: true, assigneeRole: true } })).toEqual([{ status: 'OPEN', assigneeRole: 'TECHNICAL_DIRECTOR' }]);
  expect(await db.repairOrder.count({ where: { vin } })).toBe(1);
});

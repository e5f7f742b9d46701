// Issue 14: activities tell data the database refuses from a database that is not there, on the error
// shapes a real PostgreSQL gives through Prisma: the first fails at once in a person's step (with the
// refusal recorded for that person), the second is retried. Activities run in a mock activity context
// whose retry policy is the one the workflow gives a person's step, or the one of every other step.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createDb, Db } from '../../activities/database';
import { asActivityFailure, DATA_ERROR_TYPE, dataErrorOf } from '../../activities/dataErrors';
import { StepContext } from '../../activities/stepContext';
import { applyMigrations } from '../../runtime/migrate';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-data';
const VIN = 'LSVDATA0000000001';
let postgres: TestPostgres;
let db: Db;
let activities: ReturnType<typeof createActivities>;

/** The retry policies the lifecycle gives its activities (workflows/lifecycle/lifecycle.ts). */
const systemPolicy = { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000, nonRetryableErrorTypes: ['UnknownStore', 'UnknownBay'] };
const personsStepPolicy = { ...systemPolicy, nonRetryableErrorTypes: [...systemPolicy.nonRetryableErrorTypes, DATA_ERROR_TYPE] };
const personsStep = () => new MockActivityEnvironment({ retryPolicy: personsStepPolicy, isLocal: true });
const systemStep = () => new MockActivityEnvironment({ retryPolicy: systemPolicy, isLocal: true });

const ctx = (at: string): StepContext => ({ workflowId: `vehicle-${VIN}`, runId: 'run-1', vin: VIN, cycle: 1, at });

/** The error a call fails with (it must fail). */
async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('it did not fail');
}

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Data store' } });
  await db.staff.create({ data: { id: 'cr-data', storeId: STORE, name: 'CR', role: 'CUSTOMER_RELATIONS' } });
  activities = createActivities(db);
  await activities.registerVehicle(ctx('2026-08-01T01:00:00.000Z'), {
    vehicle: { vin: VIN, plate: '苏E00001', model: 'Lavida', storeId: STORE, deliveryDate: '2026-05-01', mileageKm: 2_000, mileageRecordedOn: '2026-08-01' },
    customer: { name: '周女士', phone: '13900000088' },
    history: { cycle: 1 },
    registeredBy: 'cr-data',
  });
});

afterAll(async () => {
  await db?.$disconnect();
  await postgres?.stop();
});

test('a data error is not retried; an outage is (real PostgreSQL error shapes)', async () => {
  await db.$executeRawUnsafe(`CREATE TABLE short_text (v varchar(2))`);
  const data = {
    'NUL in a text column (22021)': await failureOf(db.store.create({ data: { id: 'nul', name: '门店\u0000' } })),
    'NUL in a JSON column (22P05)': await failureOf(db.store.update({ where: { id: STORE }, data: { settings: { note: 'a\u0000b' } } })),
    'NUL inside a transaction (22P05)': await failureOf(db.$transaction((tx) => tx.store.update({ where: { id: STORE }, data: { settings: { note: '\u0000' } } }))),
    'number out of range (22003, P2020)': await failureOf(db.vehicle.update({ where: { vin: VIN }, data: { mileageKm: 3_000_000_000 } })),
    'value too long (22001)': await failureOf(db.$executeRawUnsafe(`INSERT INTO short_text VALUES ('abcdef')`)),
    'duplicate key (23505, P2002)': await failureOf(db.store.create({ data: { id: STORE, name: 'again' } })),
    'unknown foreign key (23503, P2003)': await failureOf(db.bay.create({ data: { id: 'bay-x', storeId: 'no-such-store', name: 'X', kind: 'GENERAL_REPAIR' } })),
    'null in a required field (validation)': await failureOf(db.store.create({ data: { id: 'nameless', name: null as never } })),
    'invalid date (validation)': await failureOf(db.storeHoliday.create({ data: { storeId: STORE, date: new Date('not a date'), name: 'x' } })),
  };
  const messages = Object.fromEntries(Object.entries(data).map(([what, err]) => [what, dataErrorOf(err)?.message]));
  expect(messages).toEqual({
    'NUL in a text column (22021)': 'the database refused the data: invalid byte sequence for encoding "UTF8": 0x00 [SQLSTATE 22021]',
    'NUL in a JSON column (22P05)': 'the database refused the data: unsupported Unicode escape sequence (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]',
    'NUL inside a transaction (22P05)': 'the database refused the data: unsupported Unicode escape sequence (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]',
    'number out of range (22003, P2020)': 'the database refused the data: value "3000000000" is out of range for type integer [SQLSTATE 22003]',
    'value too long (22001)': 'the database refused the data: value too long for type character varying(2) [SQLSTATE 22001]',
    'duplicate key (23505, P2002)': 'the database refused the data: duplicate key value violates unique constraint "Store_pkey" [SQLSTATE 23505]',
    'unknown foreign key (23503, P2003)': 'the database refused the data: insert or update on table "Bay" violates foreign key constraint "Bay_storeId_fkey" [SQLSTATE 23503]',
    'null in a required field (validation)': 'the data is not valid for the database: Argument `name` must not be null.',
    'invalid date (validation)': 'the data is not valid for the database: Invalid value for argument `date`: Provided Date object is invalid. Expected Date.',
  });

  const down = createDb('postgresql://postgres@127.0.0.1:1/nowhere');
  const outages = {
    'connection refused (P1001)': await failureOf(down.store.findMany()),
    'connection refused in a transaction': await failureOf(down.$transaction((tx) => tx.store.findMany())),
    'statement timeout (57014)': await failureOf(db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = 50`);
      await tx.$queryRawUnsafe(`SELECT pg_sleep(2)`);
    })),
    'serialization failure (40001)': await failureOf(db.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$`)),
    'a record the step expects is missing (P2025)': await failureOf(db.store.update({ where: { id: 'no-such-store' }, data: { name: 'x' } })),
    'anything else': new Error('socket hang up'),
  };
  await down.$disconnect();
  expect(Object.fromEntries(Object.entries(outages).map(([what, err]) => [what, dataErrorOf(err)]))).toEqual(Object.fromEntries(Object.keys(outages).map((what) => [what, undefined])));

  // What an activity throws: a data error as DataError — final in a person's step, retried elsewhere;
  // an outage as itself, which every caller retries with back-off.
  const nul = data['NUL in a JSON column (22P05)'];
  const thrownInStep: unknown = await personsStep().run(async (): Promise<unknown> => asActivityFailure(nul));
  const inStep = thrownInStep as ApplicationFailure;
  expect(inStep).toBeInstanceOf(ApplicationFailure);
  expect({ type: inStep.type, nonRetryable: inStep.nonRetryable, stack: inStep.stack, cause: inStep.cause }).toEqual({ type: 'DataError', nonRetryable: true, stack: '', cause: undefined });
  const thrownElsewhere: unknown = await systemStep().run(async (): Promise<unknown> => asActivityFailure(nul));
  const elsewhere = thrownElsewhere as ApplicationFailure;
  expect({ type: elsewhere.type, nonRetryable: elsewhere.nonRetryable }).toEqual({ type: 'DataError', nonRetryable: false });
  const outage = outages['connection refused (P1001)'];
  expect(await personsStep().run(async (): Promise<unknown> => asActivityFailure(outage))).toBe(outage);
});

test("a person's step refused by the database records the refusal and a task for that person; corrected data closes the task", async () => {
  await activities.openTask(ctx('2026-08-01T02:00:00.000Z'), { kind: 'REMINDER_CALL', rule: 'R3', dueAt: '2026-08-02T10:00:00.000Z', assigneeRole: 'CUSTOMER_RELATIONS' });
  const call = { actor: 'cr-data', outcome: 'UNDECIDED' as const, note: '客户\u0000再想想' };

  // Outside a person's step (an automatic caller): a retryable DataError, nothing recorded.
  const retried = (await failureOf(systemStep().run(activities.recordCallOutcome, ctx('2026-08-01T03:00:00.000Z'), { input: call, storeId: STORE }))) as ApplicationFailure;
  expect({ type: retried.type, nonRetryable: retried.nonRetryable }).toEqual({ type: 'DataError', nonRetryable: false });
  expect(await db.task.count({ where: { vin: VIN, kind: 'REFUSED_STEP' } })).toBe(0);

  const refused = (await failureOf(personsStep().run(activities.recordCallOutcome, ctx('2026-08-01T03:10:00.000Z'), { input: call, storeId: STORE }))) as ApplicationFailure;
  expect({ type: refused.type, nonRetryable: refused.nonRetryable, message: refused.message }).toEqual({
    type: 'DataError',
    nonRetryable: true,
    message: 'the database refused the data: unsupported Unicode escape sequence (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]',
  });
  // The step's own writes rolled back; its refusal is recorded apart.
  expect(await db.task.findFirstOrThrow({ where: { vin: VIN, kind: 'REMINDER_CALL' } })).toMatchObject({ status: 'OPEN' });
  const task = await db.task.findFirstOrThrow({ where: { vin: VIN, kind: 'REFUSED_STEP' } });
  expect(task).toMatchObject({ status: 'OPEN', rule: 'R4', assigneeRole: 'CUSTOMER_RELATIONS', dueAt: new Date('2026-08-01T03:10:00.000Z') });
  const events = await db.auditEvent.findMany({ where: { vin: VIN, action: { in: ['step.refused', 'call.undecided'] } } });
  expect(events.map((e) => [e.action, e.actor, e.rule, e.data])).toEqual([
    ['step.refused', 'cr-data', 'R4', { step: 'call-outcome', refused: 'call.undecided', reason: refused.message, sqlState: '22P05' }],
  ]);

  // Refused again: one task still, a second audit event.
  await failureOf(personsStep().run(activities.recordCallOutcome, ctx('2026-08-01T03:20:00.000Z'), { input: { ...call, mileageKm: 3_000_000_000 }, storeId: STORE }));
  expect(await db.task.count({ where: { vin: VIN, kind: 'REFUSED_STEP' } })).toBe(1);
  const reasons = (await db.auditEvent.findMany({ where: { vin: VIN, action: 'step.refused' }, orderBy: { id: 'asc' } })).map((e) => (e.data as { reason: string }).reason);
  expect(reasons).toHaveLength(2);

  // The corrected step commits and closes the task its refusals left.
  await personsStep().run(activities.recordCallOutcome, ctx('2026-08-01T03:30:00.000Z'), { input: { ...call, note: '客户再想想' }, storeId: STORE });
  expect(await db.task.findFirstOrThrow({ where: { vin: VIN, kind: 'REFUSED_STEP' } })).toMatchObject({ status: 'DONE', completedBy: 'cr-data' });
  expect(await db.task.findFirstOrThrow({ where: { vin: VIN, kind: 'REMINDER_CALL' } })).toMatchObject({ status: 'DONE' });
  // Its own marker is still a retry's answer, not a data error.
  await expect(personsStep().run(activities.recordCallOutcome, ctx('2026-08-01T03:30:00.000Z'), { input: { ...call, note: '客户再想想' }, storeId: STORE })).resolves.toEqual({ bookingId: null });
});

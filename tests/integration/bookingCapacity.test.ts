// The lifecycle's booking activities on the workshop plan, and parts against bookings, on a real
// PostgreSQL: a booking takes bay time (R8), a rescheduled one moves it, a cancelled one gives back bay
// time and parts (R9); parts are reserved, proposed another time when late (R6, R8), picked into a
// labelled basket, and listed on the preparation board (R6).
import { ApplicationFailure } from '@temporalio/common';
import { createDb, Db } from '../../activities/database';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { taskActivities } from '../../activities/tasks';
import { StepContext } from '../../activities/stepContext';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { applyMigrations } from '../../runtime/migrate';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { startPostgres, TestPostgres } from '../support/postgres';
import { DatabaseOnlyApi, startDatabaseOnlyApi } from '../support/databaseOnlyApi';

const STORE = 'store-plan';
const OFFSET = 480;
const DAY = addDays(localDate(Date.now(), OFFSET), 4);
const at = (hhmm: string, date = DAY) => new Date(localTime(date, hhmm, OFFSET)).toISOString();
const BAY = `${STORE}-general-1`;
const VINS = ['LFV2A21K8P4000201', 'LFV2A21K8P4000202', 'LFV2A21K8P4000203'];

let postgres: TestPostgres;
let db: Db;
let steps: ReturnType<typeof serviceStepActivities>;
let api: DatabaseOnlyApi;

const ctx = (vin: string): StepContext => ({ workflowId: `lifecycle-${vin}`, runId: 'run-1', vin, cycle: 1, at: new Date().toISOString() });
const inbound = (bookedFor: string) => ({ actor: 'sa-plan', channel: 'PHONE' as const, bookedFor, faultDescription: 'periodic maintenance', contactPhone: '13900000002' });

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Plan store' } });
  // One general bay and one general technician: two cars at one time cannot both be booked.
  await seedWorkshop(db, { storeId: STORE, bays: { GENERAL_REPAIR: 1 }, technicians: { GENERAL_REPAIR: 1 } });
  await db.staff.create({ data: { id: 'tech-zhang', storeId: STORE, name: '张师傅', role: 'TECHNICIAN' } });
  const customer = await db.customer.create({ data: { storeId: STORE, name: '陈先生', phone: '13900000002' } });
  for (const [i, vin] of VINS.entries()) {
    await db.vehicle.create({
      data: { vin, plate: `苏E0000${i}`, model: 'Sagitar', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-01-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 30, workflowId: `lifecycle-${vin}` },
    });
  }
  await db.part.createMany({
    data: [
      { partNumber: 'OIL-FILTER', name: '机油滤清器', priceCny: 45, leadDays: 2 },
      { partNumber: 'BRAKE-PADS', name: '刹车片', priceCny: 480, leadDays: 7 },
    ],
  });
  await db.partStock.create({ data: { storeId: STORE, partNumber: 'OIL-FILTER', onHand: 4 } });
  // Spark plugs are not stocked: a work order needing them waits the part's 10 days of lead time.
  await db.part.create({ data: { partNumber: 'SPARK-PLUG', name: '火花塞', priceCny: 60, leadDays: 10 } });
  await db.servicePlan.create({ data: { id: 'plan-plugs', model: 'Sagitar', intervalMonths: 6, intervalKm: 7500, parts: { create: [{ partNumber: 'SPARK-PLUG', quantity: 4 }] } } });
  steps = serviceStepActivities(db);
  api = await startDatabaseOnlyApi(db, [{ id: 'pa-plan', storeId: STORE, role: 'TECHNICAL_DIRECTOR' }]);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${api.base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${api.tokens.get('pa-plan')}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** The confirmation-call task the workflow opens before the SA's answer closes it (R7). */
const confirmationCall = (vin: string, attempt: number) =>
  taskActivities(db).openTask(ctx(vin), { kind: 'CONFIRMATION_CALL', rule: 'R7', dueAt: new Date().toISOString(), assigneeRole: 'SERVICE_ADVISOR', attempt });

let firstBooking: string;
let firstOrder: string;

test('R8: a lifecycle booking takes its bay time under the slot rules', async () => {
  const { bookingId } = await steps.bookInbound(ctx(VINS[0]), { input: inbound(at('10:00')), storeId: STORE });
  firstBooking = bookingId;
  const reservation = await db.bayReservation.findUniqueOrThrow({ where: { bookingId }, include: { cells: true } });
  expect(reservation).toMatchObject({ bayId: BAY, status: 'BOOKED', jobTypeCode: 'PERIODIC_MAINTENANCE', startsAt: new Date(at('10:00')), endsAt: new Date(at('11:00')), vin: VINS[0] });
  expect(reservation.cells).toHaveLength(12);
  expect(await db.booking.findUnique({ where: { id: bookingId } })).toMatchObject({ bayId: BAY });
  firstOrder = (await steps.prepareWorkOrder(ctx(VINS[0]), bookingId, null)).repairOrderId;
});

test('R6 R8: a booking whose time was lost to a competing claim books without a bay; the technical director places it, never over another booking', async () => {
  const { bookingId } = await steps.bookInbound(ctx(VINS[1]), { input: inbound(at('10:30')), storeId: STORE });
  expect(await db.booking.findUnique({ where: { id: bookingId } })).toMatchObject({ status: 'TENTATIVE', bayId: null });
  expect(await db.bayReservation.findUnique({ where: { bookingId } })).toBeNull();
  const board = await call('GET', `/api/stores/${STORE}/preparation-board?from=${DAY}&to=${DAY}`);
  expect(board.json.rows.find((r: { bookingId: string }) => r.bookingId === bookingId)).toMatchObject({ bayId: null, needsBay: true });
  // R6: the work order's parts are reserved with it; spark plugs need ordering, so they are late for this booking.
  const { repairOrderId } = await steps.prepareWorkOrder(ctx(VINS[1]), bookingId, 'plan-plugs');
  expect(await db.partReservation.findMany({ where: { bookingId } })).toEqual([expect.objectContaining({ partNumber: 'SPARK-PLUG', quantity: 4, status: 'RESERVED', reservedBy: 'system' })]);
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'SPARK-PLUG' } } })).toMatchObject({ onHand: 0, reserved: 4 });
  await taskActivities(db).openTask(ctx(VINS[1]), { kind: 'PREPARATION', rule: 'R6', dueAt: new Date().toISOString(), assigneeRole: 'TECHNICAL_DIRECTOR' });

  // The only general bay is taken 10:00–11:00: placing the 10:30 booking there is refused, nothing changes.
  const refused = await steps.completePreparation(ctx(VINS[1]), { input: { actor: 'td-plan', bayId: BAY }, bookingId, repairOrderId }).catch((e) => e);
  expect(refused).toBeInstanceOf(ApplicationFailure);
  expect(refused).toMatchObject({ type: 'BayTaken', nonRetryable: true, message: `bay ${BAY} is taken between ${at('10:30')} and ${at('11:30')}` });
  expect(await db.booking.findUnique({ where: { id: bookingId } })).toMatchObject({ bayId: null });
  expect(await db.auditEvent.count({ where: { vin: VINS[1], action: 'preparation.completed' } })).toBe(0);

  // The customer of that booking moves to 15:00 (R7), and the bay is free then.
  await confirmationCall(VINS[1], 1);
  await steps.rescheduleBooking(ctx(VINS[1]), { actor: 'sa-plan', outcome: 'RESCHEDULE', newBookedFor: at('15:00') }, bookingId, 1);
  expect(await db.bayReservation.findUnique({ where: { bookingId } })).toMatchObject({ bayId: BAY, startsAt: new Date(at('15:00')), status: 'BOOKED' });
});

test('R5 R8: a hold the desk made for the vehicle while on the phone becomes its booking', async () => {
  const hold = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('14:00'), vin: VINS[2] });
  expect(hold.status).toBe(201);
  const { bookingId } = await steps.bookInbound(ctx(VINS[2]), { input: inbound(at('14:00')), storeId: STORE });
  expect(await db.bayReservation.findUnique({ where: { id: hold.json.holdId } })).toMatchObject({ bookingId, status: 'BOOKED', expiresAt: null, confirmedBy: 'sa-plan' });
  expect(await db.bayReservation.count({ where: { vin: VINS[2], status: { in: ['HELD', 'BOOKED'] } } })).toBe(1);
});

test('R7 R8: a rescheduled booking gives its old bay time back and takes the new time', async () => {
  const newTime = at('11:00', addDays(DAY, 1));
  await confirmationCall(VINS[0], 1);
  await steps.rescheduleBooking(ctx(VINS[0]), { actor: 'sa-plan', outcome: 'RESCHEDULE', newBookedFor: newTime }, firstBooking, 1);
  const now = await db.bayReservation.findUniqueOrThrow({ where: { bookingId: firstBooking } });
  expect(now).toMatchObject({ startsAt: new Date(newTime), status: 'BOOKED' });
  const old = await db.bayReservation.findFirstOrThrow({ where: { vin: VINS[0], status: 'RELEASED' } });
  expect(old).toMatchObject({ startsAt: new Date(at('10:00')), releaseReason: `rescheduled to ${newTime}` });
  expect(await db.baySlotCell.count({ where: { reservationId: old.id } })).toBe(0);
  // The freed time can be claimed by someone else now.
  expect((await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('10:00'), book: true })).status).toBe(201);
});

test('R6: parts reserved from stock are ready at once; parts only a late purchase order brings make the booking late, with other times proposed (R8)', async () => {
  const inStock = await call('POST', `/api/bookings/${firstBooking}/parts`, { parts: [{ partNumber: 'OIL-FILTER', quantity: 1 }] });
  expect(inStock.status).toBe(200);
  expect(inStock.json).toMatchObject({ late: false, proposals: [], readiness: { parts: [{ partNumber: 'OIL-FILTER', quantity: 1, source: 'STOCK' }] } });
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'OIL-FILTER' } } })).toMatchObject({ onHand: 4, reserved: 1 });

  const booking = await db.booking.findUniqueOrThrow({ where: { id: firstBooking } });
  const arrives = new Date(booking.bookedFor.getTime() + 2 * 86_400_000).toISOString();
  const order = await call('POST', `/api/stores/${STORE}/purchase-orders`, { partNumber: 'BRAKE-PADS', quantity: 2, expectedAt: arrives });
  expect(order.status).toBe(201);
  const late = await call('POST', `/api/bookings/${firstBooking}/parts`, { parts: [{ partNumber: 'OIL-FILTER', quantity: 1 }, { partNumber: 'BRAKE-PADS', quantity: 2 }] });
  expect(late.json).toMatchObject({ late: true, readiness: { readyAt: arrives } });
  expect(late.json.proposals.length).toBeGreaterThan(0);
  for (const slot of late.json.proposals) expect(Date.parse(slot.start)).toBeGreaterThanOrEqual(Date.parse(arrives));
  // Reserving again replaces the booking's own quantities instead of adding to them.
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'OIL-FILTER' } } })).toMatchObject({ reserved: 1 });

  const unknown = await call('POST', `/api/bookings/${firstBooking}/parts`, { parts: [{ partNumber: 'NOPE', quantity: 1 }] });
  expect(unknown).toEqual({ status: 422, json: { error: 'unknown part number NOPE' } });
  expect((await call('POST', `/api/bookings/${firstBooking}/parts`, { parts: [] })).status).toBe(400);
});

test('R6: picking needs the parts on the shelf; picked parts go into a basket labelled plate · date · technician', async () => {
  const tooEarly = await call('POST', `/api/bookings/${firstBooking}/parts/pick`, { technicianId: 'tech-zhang' });
  expect(tooEarly).toEqual({ status: 409, json: { error: 'part BRAKE-PADS is not in stock yet (2 needed)' } });
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'OIL-FILTER' } } })).toMatchObject({ onHand: 4, reserved: 1 });

  const order = await db.purchaseOrder.findFirstOrThrow({ where: { partNumber: 'BRAKE-PADS' } });
  const received = await call('POST', `/api/stores/${STORE}/purchase-orders/${order.id}/receive`);
  expect(received.json).toMatchObject({ status: 'RECEIVED', receivedBy: 'pa-plan' });
  // The booking waiting for the pads is no longer late: they are on the shelf now.
  const pads = await db.partReservation.findUniqueOrThrow({ where: { bookingId_partNumber: { bookingId: firstBooking, partNumber: 'BRAKE-PADS' } } });
  expect(pads.expectedReadyAt.getTime()).toBeLessThanOrEqual(Date.now());
  const picked = await call('POST', `/api/bookings/${firstBooking}/parts/pick`, { technicianId: 'tech-zhang' });
  const booking = await db.booking.findUniqueOrThrow({ where: { id: firstBooking } });
  expect(picked.status).toBe(200);
  expect(picked.json.basketLabel).toBe(`苏E00000 · ${localDate(booking.bookedFor.getTime(), OFFSET)} · 张师傅`);
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'BRAKE-PADS' } } })).toMatchObject({ onHand: 0, reserved: 0 });
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'OIL-FILTER' } } })).toMatchObject({ onHand: 3, reserved: 0 });
  const part = await call('GET', `/api/stores/${STORE}/parts/OIL-FILTER`);
  expect(part.json).toMatchObject({ partNumber: 'OIL-FILTER', onHand: 3, reserved: 0, reservations: [expect.objectContaining({ status: 'PICKED' })] });
});

test('R6 R8: the preparation board lists bookings by booked day, then urgency, then time, with bay and parts', async () => {
  const urgent = await db.bayReservation.findFirstOrThrow({ where: { vin: VINS[2], status: 'BOOKED' } });
  await db.bayReservation.update({ where: { id: urgent.id }, data: { priority: 'SAFETY' } });
  const { status, json } = await call('GET', `/api/stores/${STORE}/preparation-board?from=${DAY}&to=${addDays(DAY, 1)}`);
  expect(status).toBe(200);
  // Day 1: the safety job at 14:00 before the ordinary one at 15:00 … then day 2: the rescheduled booking.
  expect(json.rows.map((r: { vin: string }) => r.vin)).toEqual([VINS[2], VINS[1], VINS[0]]);
  expect(json.rows[0]).toMatchObject({ priority: 'SAFETY', bayId: BAY, needsBay: false, bookedDate: DAY, parts: { state: 'NONE' } });
  expect(json.rows[1]).toMatchObject({ vin: VINS[1], parts: { state: 'LATE', items: [expect.objectContaining({ partNumber: 'SPARK-PLUG' })] } });
  expect(json.rows[2]).toMatchObject({ plate: '苏E00000', parts: { state: 'PICKED', items: [expect.objectContaining({ basketLabel: expect.stringContaining('张师傅') }), expect.anything()] } });
  expect((await call('GET', `/api/stores/${STORE}/preparation-board?from=${DAY}`)).status).toBe(400);
});

test('R9: cancellation keeps the record, frees the bay and returns picked parts to stock (退库)', async () => {
  await confirmationCall(VINS[0], 2);
  await steps.cancelBooking(ctx(VINS[0]), { actor: 'sa-plan', outcome: 'CANCEL', reason: 'customer sold the car' }, firstBooking, firstOrder, 2);
  const reservation = await db.bayReservation.findFirstOrThrow({ where: { bookingId: firstBooking } });
  expect(reservation).toMatchObject({ status: 'RELEASED', releasedBy: 'sa-plan', releaseReason: 'cancelled: customer sold the car' });
  expect(await db.baySlotCell.count({ where: { reservationId: reservation.id } })).toBe(0);
  expect(await db.partReservation.findMany({ where: { bookingId: firstBooking }, orderBy: { partNumber: 'asc' } })).toEqual([
    expect.objectContaining({ partNumber: 'BRAKE-PADS', status: 'RETURNED', quantity: 2 }),
    expect.objectContaining({ partNumber: 'OIL-FILTER', status: 'RETURNED', quantity: 1 }),
  ]);
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'BRAKE-PADS' } } })).toMatchObject({ onHand: 2, reserved: 0 });
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'OIL-FILTER' } } })).toMatchObject({ onHand: 4, reserved: 0 });
  expect(await db.booking.findUnique({ where: { id: firstBooking } })).toMatchObject({ status: 'CANCELLED', cancelReason: 'customer sold the car', bayId: null });
  // The cancelled booking is no longer on the board.
  const board = await call('GET', `/api/stores/${STORE}/preparation-board?from=${DAY}&to=${addDays(DAY, 1)}`);
  expect(board.json.rows.map((r: { vin: string }) => r.vin)).toEqual([VINS[2], VINS[1]]);
});

test('a lifecycle closed by a manager releases the bay time of its open booking (R9)', async () => {
  const before = await db.bayReservation.findFirstOrThrow({ where: { vin: VINS[1], status: 'BOOKED' } });
  await steps.closeLifecycle(ctx(VINS[1]), { actor: 'sm-plan', action: 'CLOSE', reason: 'moved to another city' });
  expect(await db.bayReservation.findUnique({ where: { id: before.id } })).toMatchObject({ status: 'RELEASED', releaseReason: 'lifecycle closed: moved to another city' });
  expect(await db.partStock.findUnique({ where: { storeId_partNumber: { storeId: STORE, partNumber: 'SPARK-PLUG' } } })).toMatchObject({ onHand: 0, reserved: 0 });
});

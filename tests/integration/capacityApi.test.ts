// Slots, holds and the capacity view over HTTP on a real PostgreSQL: the database's slot cells keep a
// bay from being booked twice however many desks claim it at once (R8).
import { createDb, Db } from '../../activities/database';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { applyMigrations } from '../../runtime/migrate';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { startPostgres, TestPostgres } from '../support/postgres';
import { DatabaseOnlyApi, startDatabaseOnlyApi } from '../support/databaseOnlyApi';

const STORE = 'store-cap';
const OFFSET = 480;
// Three days ahead is always in the future and bookable; the day after is a holiday.
const DAY = addDays(localDate(Date.now(), OFFSET), 3);
const HOLIDAY = addDays(DAY, 1);
const at = (hhmm: string, date = DAY) => new Date(localTime(date, hhmm, OFFSET)).toISOString();
const BAY = `${STORE}-general-1`;

let postgres: TestPostgres;
let db: Db;
let api: DatabaseOnlyApi;
let base: string;
/** Bearer tokens of the signed-in staff, by staff id. */
let tokens: Map<string, string>;

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Capacity store' } });
  await seedWorkshop(db, { storeId: STORE, bays: { QUICK_SERVICE: 1, GENERAL_REPAIR: 2, BODY_PAINT: 1 }, technicians: { QUICK_SERVICE: 1, GENERAL_REPAIR: 2, BODY_PAINT: 1 }, holidays: [HOLIDAY] });
  // Fifty booking desks, each a person signed in, for the race on one slot.
  const desks = Array.from({ length: 50 }, (_, i) => ({ id: `desk-${i}`, storeId: STORE, role: 'BOOKING_SPECIALIST' as const }));
  api = await startDatabaseOnlyApi(db, [{ id: 'sa-cap', storeId: STORE, role: 'SERVICE_ADVISOR' }, { id: 'sa-confirm', storeId: STORE, role: 'SERVICE_ADVISOR' }, ...desks]);
  ({ base, tokens } = api);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function call(method: string, path: string, body?: unknown, actor = 'sa-cap'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(actor)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('R8: 50 concurrent requests for one bay at one time: exactly one wins, the others get 409 with the next free slots', async () => {
  const request = { jobType: 'PERIODIC_MAINTENANCE', start: at('10:00'), bayId: BAY, book: true };
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', `/api/stores/${STORE}/holds`, request, `desk-${i}`)));
  const winners = results.filter((r) => r.status === 201);
  const losers = results.filter((r) => r.status === 409);
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(49);
  expect(winners[0].json).toMatchObject({ status: 'BOOKED', bayId: BAY, start: at('10:00'), end: at('11:00'), expiresAt: null });
  for (const loser of losers) {
    // BAY_BUSY: the winner had committed before this request looked; TAKEN: the slot cells' key refused it.
    expect(['BAY_BUSY', 'TAKEN']).toContain(loser.json.reason);
    expect(loser.json.error).toMatch(/not available \((BAY_BUSY|TAKEN)\)/);
    expect(loser.json.nextFree.length).toBeGreaterThan(0);
    // The next free slots never include the taken bay at the taken time.
    expect(loser.json.nextFree).not.toContainEqual(expect.objectContaining({ bayId: BAY, start: at('10:00') }));
    expect(loser.json.nextFree[0]).toMatchObject({ start: at('10:00'), bayId: `${STORE}-general-2` });
  }
  expect(await db.bayReservation.count({ where: { bayId: BAY, status: 'BOOKED' } })).toBe(1);
  expect(await db.baySlotCell.count({ where: { bayId: BAY } })).toBe(12);
});

test('R8: a bay taken between the read and the claim is passed over for the next free bay of the kind', async () => {
  // Another desk's claim that committed after this request read the plan: its cells exist, its reservation
  // is not among those the read saw (here: not in force), so the least loaded bay looks free and is not.
  const day = addDays(DAY, 2);
  const ghost = await db.bayReservation.create({
    data: { storeId: STORE, bayId: BAY, jobTypeCode: 'PERIODIC_MAINTENANCE', startsAt: new Date(at('14:00', day)), endsAt: new Date(at('15:00', day)), status: 'RELEASED', createdBy: 'other desk' },
  });
  const cells = Array.from({ length: 12 }, (_, i) => ({ bayId: BAY, cellStart: new Date(Date.parse(at('14:00', day)) + i * 5 * 60_000), reservationId: ghost.id }));
  await db.baySlotCell.createMany({ data: cells });
  const claimed = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('14:00', day), book: true });
  expect(claimed.status).toBe(201);
  expect(claimed.json).toMatchObject({ status: 'BOOKED', bayId: `${STORE}-general-2`, start: at('14:00', day) });
  expect(await db.baySlotCell.count({ where: { reservationId: ghost.id } })).toBe(12);
});

test('the database itself refuses a second claim over a taken cell, whatever the application checks', async () => {
  const other = await db.bayReservation.create({
    data: { storeId: STORE, bayId: BAY, jobTypeCode: 'PERIODIC_MAINTENANCE', startsAt: new Date(at('10:30')), endsAt: new Date(at('11:30')), status: 'BOOKED', createdBy: 'sneaky' },
  });
  await expect(db.baySlotCell.create({ data: { bayId: BAY, cellStart: new Date(at('10:30')), reservationId: other.id } })).rejects.toThrow(/Unique constraint/);
  await db.bayReservation.delete({ where: { id: other.id } });
});

test('R8: slot search returns the best free slots for the preference and why each other grid time was not offered', async () => {
  const { status, json } = await call('GET', `/api/stores/${STORE}/slots?jobType=PERIODIC_MAINTENANCE&from=${DAY}&to=${HOLIDAY}&time=10:00&limit=3`);
  expect(status).toBe(200);
  expect(json.offered.map((s: { start: string }) => s.start)).toEqual([at('10:00'), at('09:45'), at('10:15')]);
  expect(json.offered[0].bayId).toBe(`${STORE}-general-2`);
  expect(json.notOffered).toContainEqual({ date: HOLIDAY, reason: 'HOLIDAY' });
  expect(json.notOffered).toContainEqual({ date: DAY, start: at('08:30'), reason: 'MORNING_RUSH' });

  const bad = await call('GET', `/api/stores/${STORE}/slots?jobType=PERIODIC_MAINTENANCE&from=${HOLIDAY}&to=${DAY}`);
  expect(bad).toEqual({ status: 400, json: { error: 'to must not be before from' } });
  const unknownJob = await call('GET', `/api/stores/${STORE}/slots?jobType=WASH&from=${DAY}&to=${DAY}`);
  expect(unknownJob).toEqual({ status: 422, json: { error: 'unknown job type WASH' } });
  expect((await call('GET', `/api/stores/nowhere/slots?jobType=WASH&from=${DAY}&to=${DAY}`)).status).toBe(404);
});

test('a slot against the rules is refused with 422, the reason and the next free slots; nothing is claimed', async () => {
  const before = await db.bayReservation.count();
  const rush = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('08:30') });
  expect(rush.status).toBe(422);
  expect(rush.json.reason).toBe('MORNING_RUSH');
  expect(rush.json.nextFree[0].start).toBe(at('09:00'));
  const offGrid = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('13:07') });
  expect(offGrid.json.reason).toBe('OFF_GRID');
  const holiday = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('10:00', HOLIDAY) });
  expect(holiday.json.reason).toBe('HOLIDAY');
  const signedOut = await fetch(`${base}/api/stores/${STORE}/holds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(signedOut.status).toBe(401);
  const badBody = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: 'tomorrow' });
  expect(badBody.status).toBe(400);
  expect(await db.bayReservation.count()).toBe(before);
});

test('a tentative hold keeps the slot until it expires; confirmed in time it is booked, expired it frees the slot', async () => {
  const held = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'QUICK_SERVICE', start: at('14:00'), vin: 'LFV2A21K8P4000999' });
  expect(held.status).toBe(201);
  expect(held.json).toMatchObject({ status: 'HELD', bayId: `${STORE}-quick-1`, start: at('14:00'), end: at('14:30') });
  expect(Date.parse(held.json.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

  const taken = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'QUICK_SERVICE', start: at('14:00') });
  expect(taken.status).toBe(409);

  const confirmed = await call('POST', `/api/stores/${STORE}/holds/${held.json.holdId}/confirm`, {}, 'sa-confirm');
  expect(confirmed.json).toMatchObject({ status: 'BOOKED', expiresAt: null });
  expect(await db.bayReservation.findUnique({ where: { id: held.json.holdId } })).toMatchObject({ confirmedBy: 'sa-confirm' });

  // A hold whose time ran out: its slot is free again for the next caller, and it can no longer be confirmed.
  const late = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'QUICK_SERVICE', start: at('15:00') });
  await db.bayReservation.update({ where: { id: late.json.holdId }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const search = await call('GET', `/api/stores/${STORE}/slots?jobType=QUICK_SERVICE&from=${DAY}&to=${DAY}&time=15:00&limit=1`);
  expect(search.json.offered[0].start).toBe(at('15:00'));
  const tooLate = await call('POST', `/api/stores/${STORE}/holds/${late.json.holdId}/confirm`);
  expect(tooLate.status).toBe(409);
  expect(tooLate.json.reason).toBe('EXPIRED');
  expect(tooLate.json.nextFree[0]).toMatchObject({ start: at('15:00') });
  const retaken = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'QUICK_SERVICE', start: at('15:00') });
  expect(retaken.status).toBe(201);

  const released = await call('POST', `/api/stores/${STORE}/holds/${retaken.json.holdId}/release`, { reason: 'customer changed mind' });
  expect(released.json).toMatchObject({ status: 'RELEASED' });
  expect(await db.baySlotCell.count({ where: { reservationId: retaken.json.holdId } })).toBe(0);
  expect(await db.bayReservation.findUnique({ where: { id: retaken.json.holdId } })).toMatchObject({ releasedBy: 'sa-cap', releaseReason: 'customer changed mind' });
});

test('R8: priority jobs may take the reserved 20% of a day that ordinary bookings have filled', async () => {
  // The quick bay: 9 h with one technician = 540 min, 432 bookable. 420 minutes are booked already.
  const day = addDays(DAY, 2);
  await db.bayReservation.create({
    data: { storeId: STORE, bayId: `${STORE}-quick-1`, jobTypeCode: 'QUICK_SERVICE', status: 'BOOKED', createdBy: 'seed', startsAt: new Date(at('09:00', day)), endsAt: new Date(at('16:00', day)) },
  });
  const ordinary = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'QUICK_SERVICE', start: at('16:00', day), book: true });
  expect(ordinary.status).toBe(409);
  expect(ordinary.json.reason).toBe('CAPACITY_RESERVED');
  const comeback = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'QUICK_SERVICE', start: at('16:00', day), book: true, priority: 'COMEBACK' });
  expect(comeback.status).toBe(201);
  expect(comeback.json).toMatchObject({ usesReserve: true, start: at('16:00', day) });
});

test('the capacity view lists each day with its capacity, booked minutes and every bay with its reservations', async () => {
  const { status, json } = await call('GET', `/api/stores/${STORE}/capacity?from=${DAY}&to=${HOLIDAY}`);
  expect(status).toBe(200);
  expect(json).toMatchObject({ storeId: STORE, gridMinutes: 15 });
  const [day, holiday] = json.days;
  expect(holiday).toMatchObject({ date: HOLIDAY, closed: 'HOLIDAY', opensAt: null });
  expect(day.capacity.byKind.GENERAL_REPAIR).toEqual({ bayMinutes: 1080, technicianMinutes: 1080, workshopMinutes: 1080, bookableMinutes: 864, reservedMinutes: 216 });
  const general1 = day.bays.find((b: { bayId: string }) => b.bayId === BAY);
  expect(general1.reservations).toContainEqual(expect.objectContaining({ start: at('10:00'), end: at('11:00'), status: 'BOOKED', jobType: 'PERIODIC_MAINTENANCE' }));
  expect(day.bookedMinutes.byKind.GENERAL_REPAIR).toBeGreaterThanOrEqual(60);
  expect(day.technicians).toContainEqual({ staffId: `${STORE}-tech-general-1`, name: `${STORE}-tech-general-1`, skills: ['GENERAL_REPAIR'], shift: { start: at('08:30'), end: at('17:30') } });
  expect(holiday.technicians.every((t: { shift: unknown }) => t.shift === null)).toBe(true);
  expect((await call('GET', `/api/stores/${STORE}/capacity?from=${DAY}`)).status).toBe(400);
});

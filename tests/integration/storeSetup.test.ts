// Store set-up over HTTP on a real PostgreSQL (issue 16): opening hours, closed days, bays, technicians and
// service plans are changed by managers only, through commands that check their input, answer with the
// open bookings each change left out (for a person to move; none is moved), record who changed what in
// the store's audit chain — and reach every API process at once, since each process's workshop-plan cache
// asks the store's set-up version the database stamps with every change.
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createDb, Db } from '../../activities/database';
import { servicePlanCache } from '../../activities/servicePlans';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { StepContext } from '../../activities/stepContext';
import { createApp } from '../../api/app';
import type { Principal } from '../../api/auth/principal';
import { createCommandDeps, runCommand } from '../../commands/command';
import { addHolidayCommand } from '../../commands/storeSetup';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { weekdayOf } from '../../domain/capacity';
import { systemClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff, signIn } from '../support/staff';

const OFFSET = 480;
// Three and four days ahead: in the future whatever the hour, on two different weekdays.
const DAY = addDays(localDate(Date.now(), OFFSET), 3);
const NEXT_DAY = addDays(DAY, 1);
const at = (hhmm: string, date = DAY) => new Date(localTime(date, hhmm, OFFSET)).toISOString();
const OTHER = 'setup-other';

let postgres: TestPostgres;
/** Two API processes: each its own database pool and its own command deps (caches). */
let dbs: [Db, Db];
let servers: Server[] = [];
let bases: [string, string];
let connection: Connection;
const tokens = new Map<string, string>();
let vinSeq = 0;

/** A store with 2 general bays, 1 quick bay, their technicians, 08:30–17:30 every day; its manager, advisor and a technician not yet in the plan. */
async function workshopStore(storeId: string): Promise<void> {
  const db = dbs[0];
  await db.store.create({ data: { id: storeId, name: `门店 ${storeId}` } });
  await seedWorkshop(db, { storeId, bays: { QUICK_SERVICE: 1, GENERAL_REPAIR: 2 }, technicians: { QUICK_SERVICE: 1, GENERAL_REPAIR: 2 } });
  const people = [
    { id: `${storeId}-sm`, storeId, role: 'SERVICE_MANAGER' as const },
    { id: `${storeId}-sa`, storeId, role: 'SERVICE_ADVISOR' as const },
    { id: `${storeId}-newtech`, storeId, role: 'TECHNICIAN' as const, name: '郑师傅' },
  ];
  await addStaff(db, people);
  for (const p of people) tokens.set(p.id, await signIn(bases[0], p.id));
}

/** A booking the way a lifecycle makes one (R5): the booking row and, under the slot rules, its bay time. */
async function book(storeId: string, bookedFor: string, plate: string): Promise<{ bookingId: string; vin: string; bayId: string | null }> {
  const db = dbs[0];
  const vin = `LFV2A21K8P40${String(++vinSeq).padStart(5, '0')}`;
  const customer = await db.customer.create({ data: { storeId, name: '王先生', phone: `1390000${String(vinSeq).padStart(4, '0')}` } });
  await db.vehicle.create({
    data: { vin, plate, model: 'Sagitar', storeId, customerId: customer.id, deliveryDate: new Date('2025-01-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 30, workflowId: `lifecycle-${vin}` },
  });
  const ctx: StepContext = { workflowId: `lifecycle-${vin}`, runId: 'run-1', vin, cycle: 1, at: new Date().toISOString() };
  const { bookingId } = await serviceStepActivities(db).bookInbound(ctx, { input: { actor: `${storeId}-sa`, channel: 'PHONE', bookedFor, faultDescription: '定期保养', contactPhone: '13900000000' }, storeId });
  const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
  return { bookingId, vin, bayId: booking.bayId };
}

async function call(actor: string, method: string, path: string, body?: unknown, process: 0 | 1 = 0): Promise<{ status: number; json: any }> {
  const res = await fetch(`${bases[process]}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(actor)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** The store's week as GET answers it, with some weekdays changed: the body of PUT …/opening-hours. */
async function weekWith(storeId: string, changes: Record<number, { opensAt: string; closesAt: string } | 'closed'>) {
  const { json } = await call(`${storeId}-sm`, 'GET', `/api/stores/${storeId}/opening-hours`);
  return {
    days: json.days.map((d: { weekday: number; closed: boolean; opensAt: string; closesAt: string }) => {
      const change = changes[d.weekday];
      if (change === 'closed' || (change === undefined && d.closed)) return { weekday: d.weekday, closed: true };
      return { weekday: d.weekday, ...(change ?? { opensAt: d.opensAt, closesAt: d.closesAt }) };
    }),
  };
}

const ids = (affected: { bookingId: string }[]) => affected.map((a) => a.bookingId).sort();

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  dbs = [createDb(postgres.url), createDb(postgres.url)];
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  const client = new Client({ connection });
  for (const db of dbs) {
    const server = createApp({ client, db }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    servers.push(server);
  }
  bases = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`) as [string, string];
  await dbs[0].store.create({ data: { id: OTHER, name: '另一家店' } });
  await addStaff(dbs[0], [
    { id: 'other-sm', storeId: OTHER, role: 'SERVICE_MANAGER' },
    { id: 'gm', storeId: OTHER, role: 'GENERAL_MANAGER', allStores: true },
  ]);
  for (const id of ['other-sm', 'gm']) tokens.set(id, await signIn(bases[0], id));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await connection?.close().catch(() => undefined);
  await Promise.all((dbs ?? []).map((db) => db.$disconnect()));
  await postgres?.stop();
});

test('the set-up reads: the week Monday first, closed days, bays by kind, technicians with skills and shifts, service plans', async () => {
  const S = 'setup-read';
  await workshopStore(S);
  const hours = await call(`${S}-sa`, 'GET', `/api/stores/${S}/opening-hours`);
  expect(hours.status).toBe(200);
  expect(hours.json.keepsHours).toBe(true);
  expect(hours.json.days.map((d: { weekday: number }) => d.weekday)).toEqual([1, 2, 3, 4, 5, 6, 0]);
  expect(hours.json.days[0]).toEqual({ weekday: 1, closed: false, opensAt: '08:30', closesAt: '17:30' });
  expect((await call(`${S}-sa`, 'GET', `/api/stores/${S}/bays`)).json.bays).toEqual([
    { id: `${S}-general-1`, name: 'general 1', kind: 'GENERAL_REPAIR' },
    { id: `${S}-general-2`, name: 'general 2', kind: 'GENERAL_REPAIR' },
    { id: `${S}-quick-1`, name: 'quick 1', kind: 'QUICK_SERVICE' },
  ]);
  const technicians = (await call(`${S}-sa`, 'GET', `/api/stores/${S}/technicians`)).json.technicians;
  expect(technicians).toHaveLength(3);
  expect(technicians[0]).toMatchObject({ staffId: `${S}-tech-general-1`, skills: ['GENERAL_REPAIR'], shifts: expect.arrayContaining([{ weekday: 1, start: '08:30', end: '17:30' }]) });
  expect((await call(`${S}-sa`, 'GET', `/api/stores/${S}/holidays`)).json).toEqual({ storeId: S, holidays: [] });
  expect((await call(`${S}-sa`, 'GET', `/api/stores/${S}/service-plans`)).status).toBe(200);
  // Another store's set-up does not exist for a person of this one; a general manager reads any.
  expect((await call(`${S}-sa`, 'GET', `/api/stores/${OTHER}/bays`)).status).toBe(404);
  expect((await call('gm', 'GET', `/api/stores/${S}/bays`)).status).toBe(200);
  expect((await call('gm', 'GET', `/api/stores/nowhere/bays`)).status).toBe(404);
});

test('bad input is 400 naming the field; Chinese names are taken as they are', async () => {
  const S = 'setup-input';
  await workshopStore(S);
  const sm = `${S}-sm`;
  const monday = (d: object) => ({ days: [{ weekday: 1, ...d }, ...[2, 3, 4, 5, 6, 0].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' }))] });
  const backwards = await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, monday({ opensAt: '17:00', closesAt: '09:00' }));
  expect(backwards.status).toBe(400);
  expect(backwards.json.error).toBe('days.0.closesAt: must be after opensAt');
  expect((await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, monday({ opensAt: '09:00', closesAt: '09:00' }))).json.error).toBe('days.0.closesAt: must be after opensAt');
  const hour25 = await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, monday({ opensAt: '25:00', closesAt: '18:00' }));
  expect(hour25).toMatchObject({ status: 400, json: { error: 'days.0.opensAt: must be a time of day HH:MM (00:00–23:59)' } });
  expect((await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, { days: monday({}).days.slice(1) })).json.error).toMatch(/^days: must list each weekday/);
  const allClosed = await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, { days: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, closed: true })) });
  expect(allClosed).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^days: at least one weekday must be open/) } });

  const carWash = await call(sm, 'POST', `/api/stores/${S}/bays`, { name: '洗车位', kind: 'CAR_WASH' });
  expect(carWash).toMatchObject({ status: 400, json: { error: 'kind: must be one of QUICK_SERVICE, GENERAL_REPAIR, BODY_PAINT' } });
  const negative = await call(sm, 'POST', `/api/stores/${S}/service-plans`, { model: '朗逸', intervalMonths: -6, intervalKm: 7500, laborHours: 1, parts: [] });
  expect(negative).toMatchObject({ status: 400, json: { error: 'intervalMonths: must be a whole number from 1 to 120' } });
  expect((await call(sm, 'POST', `/api/stores/${S}/holidays`, { date: '2026-02-30', name: '春节' })).json.error).toBe('date: must be a calendar date YYYY-MM-DD');
  expect((await call(sm, 'DELETE', `/api/stores/${S}/holidays/not-a-date`)).status).toBe(400);
  expect((await call(sm, 'POST', `/api/stores/${S}/technicians`, { staffId: `${S}-newtech`, skills: [], shifts: [{ weekday: 1, start: '18:00', end: '08:00' }] })).json.error).toBe(
    'skills: name at least one bay kind the technician works in; shifts.0.end: must be after start',
  );
  expect((await call(sm, 'POST', `/api/stores/${S}/bays`, { name: '钣喷三号', kind: 'BODY_PAINT', extra: 1 })).status).toBe(400);

  const bay = await call(sm, 'POST', `/api/stores/${S}/bays`, { name: '钣喷三号', kind: 'BODY_PAINT' });
  expect(bay).toMatchObject({ status: 201, json: { bay: { name: '钣喷三号', kind: 'BODY_PAINT' }, affectedBookings: [] } });
  expect((await call(sm, 'POST', `/api/stores/${S}/bays`, { name: '钣喷三号', kind: 'BODY_PAINT' })).json).toMatchObject({ error: 'name: another bay of this store is called 钣喷三号' });
  expect((await call(sm, 'POST', `/api/stores/${S}/holidays`, { date: NEXT_DAY, name: '国庆节' })).json).toMatchObject({ holiday: { date: NEXT_DAY, name: '国庆节' } });
  expect((await call(sm, 'POST', `/api/stores/${S}/holidays`, { date: NEXT_DAY, name: '又一个' })).json).toMatchObject({ error: 'date: is already a closed day (国庆节)' });
  expect((await call(sm, 'POST', `/api/stores/${S}/holidays`, { date: addDays(DAY, -10), name: '过去' })).status).toBe(422);
  expect((await call(sm, 'GET', `/api/stores/${S}/holidays`)).json.holidays).toEqual([{ date: NEXT_DAY, name: '国庆节' }]);
});

test('who may: a manager of the store changes its set-up; anyone else of it is 403, another store\'s manager 404', async () => {
  const S = 'setup-who';
  await workshopStore(S);
  const body = { name: '快修 2', kind: 'QUICK_SERVICE' };
  expect((await call(`${S}-sa`, 'POST', `/api/stores/${S}/bays`, body)).status).toBe(403);
  expect((await call(`${S}-sa`, 'PUT', `/api/stores/${S}/opening-hours`, await weekWith(S, {}))).status).toBe(403);
  expect((await call('other-sm', 'POST', `/api/stores/${S}/bays`, body)).status).toBe(404);
  expect((await call('other-sm', 'DELETE', `/api/stores/${S}/bays/${S}-quick-1`)).status).toBe(404);
  expect((await call('other-sm', 'POST', `/api/stores/${S}/service-plans`, { model: 'Bora', intervalMonths: 6, intervalKm: 5000, laborHours: 1, parts: [] })).status).toBe(404);
  expect((await call('gm', 'POST', `/api/stores/nowhere/bays`, body)).status).toBe(404);
  expect(await dbs[0].bay.count({ where: { storeId: S } })).toBe(3);
  expect((await call('gm', 'POST', `/api/stores/${S}/bays`, body)).status).toBe(201);
  expect(await dbs[0].storeAuditEvent.findMany({ where: { storeId: S }, select: { action: true, actor: true } })).toEqual([{ action: 'bay.added', actor: 'gm' }]);
});

test('R5 R8: closing a weekday, shortening its hours, adding a closed day, removing or re-kinding a bay each list exactly the open bookings they leave out, and move none', async () => {
  const S = 'setup-affect';
  await workshopStore(S);
  const sm = `${S}-sm`;
  const a = await book(S, at('10:00'), '苏A10001');
  const b = await book(S, at('14:00'), '苏A10002');
  const c = await book(S, at('10:00', NEXT_DAY), '苏A10003');
  // The least loaded bay of the kind: the first car of each day on general 1, the second on general 2.
  expect([a.bayId, b.bayId, c.bayId]).toEqual([`${S}-general-1`, `${S}-general-2`, `${S}-general-1`]);
  // A cancelled booking and one in the past are nobody's to move.
  const cancelled = await book(S, at('11:00'), '苏A10004');
  await dbs[0].booking.update({ where: { id: cancelled.bookingId }, data: { status: 'CANCELLED' } });
  const past = await book(S, at('15:00'), '苏A10005');
  await dbs[0].booking.update({ where: { id: past.bookingId }, data: { bookedFor: new Date(Date.now() - 86_400_000) } });
  const snapshot = () => dbs[0].booking.findMany({ where: { storeId: S }, orderBy: { id: 'asc' }, include: { bayReservation: true } });
  const untouched = await snapshot();

  // Closing the first day's weekday leaves out both of its bookings.
  const closed = await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, await weekWith(S, { [weekdayOf(DAY)]: 'closed' }));
  expect(closed.status).toBe(200);
  expect(closed.json.days.find((d: { weekday: number }) => d.weekday === weekdayOf(DAY))).toEqual({ weekday: weekdayOf(DAY), closed: true, opensAt: null, closesAt: null });
  expect(ids(closed.json.affectedBookings)).toEqual([a.bookingId, b.bookingId].sort());
  expect(closed.json.affectedBookings.find((x: { bookingId: string }) => x.bookingId === a.bookingId)).toEqual({
    bookingId: a.bookingId,
    vin: a.vin,
    plate: '苏A10001',
    bookedFor: at('10:00'),
    status: 'TENTATIVE',
    bayId: `${S}-general-1`,
    bayName: 'general 1',
    reasons: ['CLOSED'],
  });
  // Open again: nothing more is left out.
  expect((await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, await weekWith(S, { [weekdayOf(DAY)]: { opensAt: '08:30', closesAt: '17:30' } }))).json.affectedBookings).toEqual([]);

  // Closing at 10:30 on the second day's weekday: that 10:00 arrival's hour of work would run past closing.
  const shorter = await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, await weekWith(S, { [weekdayOf(NEXT_DAY)]: { opensAt: '08:30', closesAt: '10:30' } }));
  expect(shorter.json.affectedBookings).toEqual([expect.objectContaining({ bookingId: c.bookingId, reasons: ['OUTSIDE_HOURS'] })]);
  await call(sm, 'PUT', `/api/stores/${S}/opening-hours`, await weekWith(S, { [weekdayOf(NEXT_DAY)]: { opensAt: '08:30', closesAt: '17:30' } }));

  const holiday = await call(sm, 'POST', `/api/stores/${S}/holidays`, { date: NEXT_DAY, name: '盘点日' });
  expect(holiday.status).toBe(201);
  expect(holiday.json.affectedBookings).toEqual([expect.objectContaining({ bookingId: c.bookingId, plate: '苏A10003', reasons: ['HOLIDAY'] })]);
  expect((await call(sm, 'DELETE', `/api/stores/${S}/holidays/${NEXT_DAY}`)).json).toEqual({ holiday: { date: NEXT_DAY, name: '盘点日' }, affectedBookings: [] });
  expect((await call(sm, 'DELETE', `/api/stores/${S}/holidays/${NEXT_DAY}`)).status).toBe(404);

  // Removing general 1 leaves out the two bookings on it, on both days.
  const removed = await call(sm, 'DELETE', `/api/stores/${S}/bays/${S}-general-1`);
  expect(removed.status).toBe(200);
  expect(ids(removed.json.affectedBookings)).toEqual([a.bookingId, c.bookingId].sort());
  expect(removed.json.affectedBookings.map((x: { reasons: string[] }) => x.reasons)).toEqual([['BAY_REMOVED'], ['BAY_REMOVED']]);
  expect((await call(sm, 'GET', `/api/stores/${S}/bays`)).json.bays.map((x: { id: string }) => x.id)).toEqual([`${S}-general-2`, `${S}-quick-1`]);
  expect(await dbs[0].bay.findUnique({ where: { id: `${S}-general-1` } })).toMatchObject({ removedBy: sm, removedAt: expect.any(Date) });
  expect((await call(sm, 'DELETE', `/api/stores/${S}/bays/${S}-general-1`)).status).toBe(404);

  // General 2 made a body-and-paint bay: the maintenance job on it is on the wrong kind of bay now.
  const rekinded = await call(sm, 'PATCH', `/api/stores/${S}/bays/${S}-general-2`, { kind: 'BODY_PAINT' });
  expect(rekinded.json).toMatchObject({ bay: { id: `${S}-general-2`, name: 'general 2', kind: 'BODY_PAINT' }, affectedBookings: [expect.objectContaining({ bookingId: b.bookingId, reasons: ['WRONG_BAY_KIND'] })] });
  expect((await call(sm, 'PATCH', `/api/stores/${S}/bays/${S}-general-2`, { name: '钣喷 2' })).json).toMatchObject({ bay: { name: '钣喷 2', kind: 'BODY_PAINT' }, affectedBookings: [] });

  // None of it moved a booking or its bay time.
  expect(await snapshot()).toEqual(untouched);

  // Every change is in the store's audit chain: who, when, what, and the bookings it left out.
  const events = await dbs[0].storeAuditEvent.findMany({ where: { storeId: S }, orderBy: { chainSeq: 'asc' } });
  expect(events.map((e) => e.action)).toEqual(['opening-hours.changed', 'opening-hours.changed', 'opening-hours.changed', 'opening-hours.changed', 'holiday.added', 'holiday.removed', 'bay.removed', 'bay.changed', 'bay.changed']);
  expect(events.every((e) => e.actor === sm && e.chainSeq !== null && e.hash !== null)).toBe(true);
  expect(events[4].data).toEqual({ date: NEXT_DAY, name: '盘点日', affectedBookings: [{ bookingId: c.bookingId, vin: c.vin, reasons: ['HOLIDAY'] }] });
  expect(events[0].data).toMatchObject({ before: expect.arrayContaining([{ weekday: weekdayOf(DAY), closed: false, opensAt: '08:30', closesAt: '17:30' }]), after: expect.arrayContaining([{ weekday: weekdayOf(DAY), closed: true, opensAt: null, closesAt: null }]) });
});

test('R8: technicians — a technician staff member joins with skills and shifts; a job no skilled technician is on shift for any more is listed', async () => {
  const S = 'setup-tech';
  await workshopStore(S);
  const sm = `${S}-sm`;
  const job = await book(S, at('14:00'), '苏B20001');

  expect((await call(sm, 'POST', `/api/stores/${S}/technicians`, { staffId: `${S}-sa`, skills: ['QUICK_SERVICE'], shifts: [] })).json).toMatchObject({ error: `staffId: is not an active technician (role TECHNICIAN) of store ${S}` });
  const added = await call(sm, 'POST', `/api/stores/${S}/technicians`, { staffId: `${S}-newtech`, skills: ['GENERAL_REPAIR'], shifts: [{ weekday: weekdayOf(DAY), start: '13:00', end: '18:00' }] });
  expect(added).toMatchObject({ status: 201, json: { technician: { staffId: `${S}-newtech`, name: '郑师傅', skills: ['GENERAL_REPAIR'] }, affectedBookings: [] } });
  expect((await call(sm, 'POST', `/api/stores/${S}/technicians`, { staffId: `${S}-newtech`, skills: ['GENERAL_REPAIR'], shifts: [] })).status).toBe(409);

  // The two seeded general technicians leave; the new one still covers 14:00–15:00.
  for (const id of [`${S}-tech-general-1`, `${S}-tech-general-2`]) expect((await call(sm, 'DELETE', `/api/stores/${S}/technicians/${id}`)).json.affectedBookings).toEqual([]);
  // Moved to the morning, nobody is on shift for the job.
  const morning = await call(sm, 'PATCH', `/api/stores/${S}/technicians/${S}-newtech`, { shifts: [{ weekday: weekdayOf(DAY), start: '08:30', end: '12:00' }] });
  expect(morning.json).toMatchObject({ technician: { shifts: [{ weekday: weekdayOf(DAY), start: '08:30', end: '12:00' }] }, affectedBookings: [expect.objectContaining({ bookingId: job.bookingId, reasons: ['NO_TECHNICIAN'] })] });
  expect((await call(sm, 'DELETE', `/api/stores/${S}/technicians/${S}-tech-general-1`)).status).toBe(404);
  // The staff account is staff management's: it stays.
  expect(await dbs[0].staff.findUnique({ where: { id: `${S}-tech-general-1` } })).not.toBeNull();
  expect((await dbs[0].storeAuditEvent.findMany({ where: { storeId: S }, orderBy: { chainSeq: 'asc' } })).map((e) => e.action)).toEqual(['technician.added', 'technician.removed', 'technician.removed', 'technician.changed']);
});

test('R1 R6: a car model\'s service plan is added, replaced, changed and removed; work orders use a change at once', async () => {
  const S = 'setup-plans';
  await workshopStore(S);
  const sm = `${S}-sm`;
  await dbs[0].part.createMany({ data: [{ partNumber: 'SETUP-OIL', name: '机油', priceCny: 90 }, { partNumber: 'SETUP-FILTER', name: '机油滤清器', priceCny: 45 }] });
  const plan = { model: '朗逸 Plus', intervalMonths: 6, intervalKm: 7500, laborHours: 1.2, estimateCny: 680, parts: [{ partNumber: 'SETUP-OIL', quantity: 4 }] };
  const created = await call(sm, 'POST', `/api/stores/${S}/service-plans`, plan);
  expect(created).toMatchObject({ status: 201, json: { created: true, plan: { ...plan, parts: [{ partNumber: 'SETUP-OIL', name: '机油', quantity: 4 }] } } });
  const unknownPart = await call(sm, 'POST', `/api/stores/${S}/service-plans`, { ...plan, parts: [{ partNumber: 'NOPE', quantity: 1 }] });
  expect(unknownPart).toMatchObject({ status: 422, json: { error: 'parts.0.partNumber: no such part (NOPE)' } });

  // The work orders' cache (the worker's) sees a change made afterwards at once.
  const planOf = servicePlanCache();
  const id = (await dbs[0].servicePlan.findUniqueOrThrow({ where: { model: plan.model } })).id;
  const terms = () => dbs[0].$transaction((tx) => planOf(tx, id));
  expect(await terms()).toMatchObject({ laborHours: 1.2, parts: [{ partNumber: 'SETUP-OIL', quantity: 4 }] });
  const replaced = await call(sm, 'POST', `/api/stores/${S}/service-plans`, { ...plan, laborHours: 1.5, parts: [{ partNumber: 'SETUP-FILTER', quantity: 1 }] });
  expect(replaced).toMatchObject({ status: 200, json: { created: false, plan: { laborHours: 1.5, parts: [{ partNumber: 'SETUP-FILTER', quantity: 1 }] } } });
  expect(await terms()).toMatchObject({ laborHours: 1.5, parts: [{ partNumber: 'SETUP-FILTER', quantity: 1 }] });
  const changed = await call(sm, 'PATCH', `/api/stores/${S}/service-plans/${encodeURIComponent(plan.model)}`, { intervalKm: 10000, estimateCny: null });
  expect(changed.json.plan).toMatchObject({ intervalMonths: 6, intervalKm: 10000, estimateCny: null, laborHours: 1.5 });
  expect((await call(sm, 'PATCH', `/api/stores/${S}/service-plans/Nope`, { intervalKm: 10000 })).status).toBe(404);
  expect((await call(sm, 'GET', `/api/stores/${S}/service-plans`)).json.servicePlans).toContainEqual(expect.objectContaining({ model: plan.model, intervalKm: 10000 }));

  // Two managers adding the same new model at once: one creates it, the other replaces it.
  const both = await Promise.all([1, 2].map((i) => call(sm, 'POST', `/api/stores/${S}/service-plans`, { ...plan, model: 'Passat', laborHours: i })));
  expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
  expect(await dbs[0].servicePlan.count({ where: { model: 'Passat' } })).toBe(1);

  // A plan vehicles follow is changed, never removed (R1).
  const customer = await dbs[0].customer.create({ data: { storeId: S, name: '李女士', phone: '13911112222' } });
  await dbs[0].vehicle.create({
    data: { vin: 'LFV2A21K8P4099901', plate: '苏C30001', model: plan.model, servicePlanId: id, storeId: S, customerId: customer.id, deliveryDate: new Date('2025-01-01'), mileageKm: 100, mileageRecordedAt: new Date(), avgDailyKm: 30, workflowId: 'lifecycle-LFV2A21K8P4099901' },
  });
  expect((await call(sm, 'DELETE', `/api/stores/${S}/service-plans/${encodeURIComponent(plan.model)}`)).status).toBe(409);
  await call(sm, 'POST', `/api/stores/${S}/service-plans`, { ...plan, model: 'Bora' });
  expect((await call(sm, 'DELETE', `/api/stores/${S}/service-plans/Bora`)).json).toMatchObject({ plan: { model: 'Bora' } });
  expect(await dbs[0].servicePlan.findUnique({ where: { model: 'Bora' } })).toBeNull();
  expect((await dbs[0].storeAuditEvent.findMany({ where: { storeId: S }, orderBy: { chainSeq: 'asc' } })).map((e) => e.action)).toEqual([
    'service-plan.saved',
    'service-plan.saved',
    'service-plan.saved',
    'service-plan.saved',
    'service-plan.saved',
    'service-plan.saved',
    'service-plan.removed',
  ]);
});

test('no stale caches: a change through one API process is used by the other\'s slot search, holds and capacity at once', async () => {
  const S = 'setup-two';
  await workshopStore(S);
  const sm = `${S}-sm`;
  await dbs[0].staff.create({ data: { id: `${S}-desk`, storeId: S, name: 'desk', role: 'BOOKING_SPECIALIST' } });
  await dbs[0].staff.update({ where: { id: `${S}-desk` }, data: { passwordHash: (await dbs[0].staff.findUniqueOrThrow({ where: { id: sm } })).passwordHash } });
  tokens.set(`${S}-desk`, await signIn(bases[1], `${S}-desk`));
  const slots = (date: string) => call(`${S}-desk`, 'GET', `/api/stores/${S}/slots?jobType=PERIODIC_MAINTENANCE&from=${date}&to=${date}&limit=50`, undefined, 1);
  // Process 2 has read (and cached) the plan.
  expect((await slots(DAY)).json.offered.length).toBeGreaterThan(0);
  expect((await call(`${S}-desk`, 'GET', `/api/stores/${S}/capacity-model`, undefined, 1)).json.bays).toHaveLength(3);

  // Process 1 closes the day: process 2 offers nothing on it from its very next search.
  expect((await call(sm, 'POST', `/api/stores/${S}/holidays`, { date: DAY, name: '劳动节' }, 0)).status).toBe(201);
  expect((await slots(DAY)).json).toMatchObject({ offered: [], notOffered: [{ date: DAY, reason: 'HOLIDAY' }] });

  // Process 1 removes a bay: process 2 no longer offers it nor holds on it.
  await call(sm, 'DELETE', `/api/stores/${S}/bays/${S}-general-2`, undefined, 0);
  const offered = (await slots(NEXT_DAY)).json.offered as { bayId: string }[];
  expect(offered.length).toBeGreaterThan(0);
  expect(offered.every((s) => s.bayId === `${S}-general-1`)).toBe(true);
  const hold = await call(`${S}-desk`, 'POST', `/api/stores/${S}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('10:00', NEXT_DAY), bayId: `${S}-general-2` }, 1);
  expect(hold).toMatchObject({ status: 422, json: { error: `unknown bay ${S}-general-2` } });

  // Whoever changes the store — here the database itself, as another tool would — stamps it too.
  const store = await dbs[0].store.findUniqueOrThrow({ where: { id: S } });
  await dbs[0].store.update({ where: { id: S }, data: { settings: { ...(store.settings as object), slotGridMinutes: 30 } } });
  expect((await call(`${S}-desk`, 'GET', `/api/stores/${S}/capacity-model`, undefined, 1)).json.settings.slotGridMinutes).toBe(30);
});

test('no stale caches: two sets of command deps (two processes) — one\'s change is in the other\'s cached workshop plan at once', async () => {
  const S = 'setup-deps';
  await workshopStore(S);
  const client = new Client({ connection });
  const [one, two] = dbs.map((db) => createCommandDeps({ client, db, clock: systemClock }));
  const before = await two.capacityOf(two.db, S);
  expect(before!.model.holidays).toEqual([]);
  // Read twice without a change: the cached model, not a new load.
  expect(await two.capacityOf(two.db, S)).toBe(before);
  const manager = await dbs[0].staff.findUniqueOrThrow({ where: { id: `${S}-sm` } });
  const principal: Principal = { id: manager.id, name: manager.name, role: manager.role, storeId: S, allStores: false, session: { id: 's', kind: 'API', csrfToken: 'x', expiresAt: new Date(Date.now() + 60_000) } };
  await runCommand(one, principal, addHolidayCommand, { storeId: S }, { date: NEXT_DAY, name: '中秋节' });
  expect((await two.capacityOf(two.db, S))!.model.holidays).toEqual([NEXT_DAY]);
});

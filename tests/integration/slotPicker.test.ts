// The slot picker of the booking forms (issue 15) against the booking command's own check, on a real
// PostgreSQL and a fixed clock: every time the picker offers, `checkBookedTime` accepts; every time it
// refuses, the command refuses with the same reason (R5 hours, R8 slot rules) — for a store with a
// workshop plan, one that keeps only opening hours, and one that keeps only contact hours.
import { Client, Connection } from '@temporalio/client';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { claimBayTime } from '../../activities/bayReservations';
import { createDb, Db } from '../../activities/database';
import { HttpError } from '../../api/httpError';
import type { Principal } from '../../api/auth/principal';
import { checkBookedTime } from '../../commands/bookedTime';
import { CommandDeps, createCommandDeps } from '../../commands/command';
import { addDays, localTime } from '../../domain/calendar';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { freeTimes, PickerDay, PickerTime } from '../../web/slotPicker';
import { startPostgres, TestPostgres } from '../support/postgres';

const OFFSET = 480;
// Thursday 26 November 2026, 10:05 store time; Saturday the 28th is the plan stores' holiday, Sunday they close.
const THU = '2026-11-26';
const FRI = '2026-11-27';
const SAT = '2026-11-28';
const SUN = '2026-11-29';
const NOW = new Date(localTime(THU, '10:05', OFFSET));
const at = (date: string, hhmm: string) => new Date(localTime(date, hhmm, OFFSET));

const PLAN = 'store-plan';
const MOVING = 'store-moving';
const RANDOM = 'store-random';
const HOURS = 'store-hours';
const CONTACT = 'store-contact';
const VIN = { plan: 'LSVPICK0000000001', moving: 'LSVPICK0000000002', random: 'LSVPICK0000000003', hours: 'LSVPICK0000000004', contact: 'LSVPICK0000000005' };
const STORE_OF = new Map([
  [VIN.plan, PLAN],
  [VIN.moving, MOVING],
  [VIN.random, RANDOM],
  [VIN.hours, HOURS],
  [VIN.contact, CONTACT],
]);

const clock = settableClock(NOW);
let postgres: TestPostgres;
let db: Db;
let deps: CommandDeps;

const principal: Principal = { id: 'sa-pick', name: '李顾问', role: 'SERVICE_ADVISOR', storeId: PLAN, allStores: true, session: { id: 's', kind: 'WEB', csrfToken: 'x', expiresAt: new Date('2100-01-01') } };

/** What the booking command says of a time: `ok`, or the reason it refuses it with. */
async function commandSays(vin: string, start: string, moving: boolean): Promise<string> {
  try {
    await checkBookedTime({ ...deps, principal, at: clock.now() }, vin, { start: Date.parse(start), moving });
    return 'ok';
  } catch (err) {
    if (err instanceof HttpError && typeof err.extra?.reason === 'string') return err.extra.reason;
    throw err;
  }
}

/** Every listed time, and a closed day's opening time, where the picker and the command disagree. */
async function disagreements(vin: string, days: PickerDay[], moving: boolean): Promise<string[]> {
  const found: string[] = [];
  for (const day of days) {
    if (day.closed) {
      const says = await commandSays(vin, at(day.date, '09:00').toISOString(), moving);
      if (says !== day.closed) found.push(`${day.date} closed ${day.closed}, command: ${says}`);
    }
    for (const time of day.times) {
      const says = await commandSays(vin, time.start, moving);
      if (says !== (time.free ? 'ok' : time.reason)) found.push(`${time.start} picker ${time.free ? 'free' : time.reason}, command: ${says}`);
    }
  }
  return found;
}

const byLabel = (days: PickerDay[], date: string): Record<string, string> =>
  Object.fromEntries(days.find((d) => d.date === date)!.times.map((t: PickerTime) => [t.label, t.free ? 'free' : t.reason!]));

async function addVehicle(storeId: string, vin: string): Promise<void> {
  const customer = await db.customer.create({ data: { storeId, name: '王先生', phone: '13800000000' } });
  await db.vehicle.create({
    data: { vin, plate: `苏E${vin.slice(-5)}`, model: 'Lavida', storeId, customerId: customer.id, deliveryDate: new Date('2026-01-01'), mileageKm: 5000, mileageRecordedAt: NOW, avgDailyKm: 30, workflowId: `lifecycle-${vin}` },
  });
}

/** Bay time on a bay of the store, as the booking activities take it; null when it would overlap. */
async function take(storeId: string, bay: number, start: Date, minutes: number, extra: { vin?: string; bookingId?: string; expiresAt?: Date } = {}) {
  return db.$transaction((tx) =>
    claimBayTime(
      tx,
      { storeId, bayId: `${storeId}-general-${bay}`, jobTypeCode: 'PERIODIC_MAINTENANCE', start: start.getTime(), end: start.getTime() + minutes * 60_000, expiresAt: extra.expiresAt ?? null, vin: extra.vin, bookingId: extra.bookingId, createdBy: 'test' },
      clock.now(),
    ),
  );
}

/** The vehicle's own booking (tentative) with its bay time, as a booking step leaves it. */
async function ownBooking(storeId: string, vin: string, bay: number, start: Date): Promise<void> {
  const booking = await db.booking.create({ data: { idempotencyKey: randomUUID(), vin, storeId, cycle: 1, channel: 'PHONE', bookedFor: start, createdBy: 'test' } });
  expect(await take(storeId, bay, start, 60, { vin, bookingId: booking.id })).not.toBeNull();
}

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  const storeOf = Object.assign(async (vin: string) => STORE_OF.get(vin), { forget: () => undefined });
  deps = createCommandDeps({ client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), db, clock, storeOf });

  // Two general bays 08:30–17:30, Monday to Saturday; two technicians whose shift ends at 15:30.
  // The random store books half of the workshop's hours, so that the generated days reach the reserve (R8).
  for (const storeId of [PLAN, MOVING, RANDOM]) {
    await db.store.create({ data: { id: storeId, name: storeId, settings: storeId === RANDOM ? { bookableCapacityFraction: 0.5 } : {} } });
    await seedWorkshop(db, { storeId, bays: { GENERAL_REPAIR: 2 }, technicians: { GENERAL_REPAIR: 2 }, openDays: [1, 2, 3, 4, 5, 6], holidays: [SAT], shift: { start: '08:30', end: '15:30' } });
  }
  // No workshop plan: weekday hours, a short Saturday, closed on Sunday, on a 30-minute grid.
  await db.store.create({ data: { id: HOURS, name: HOURS, settings: { slotGridMinutes: 30 } } });
  await db.storeOpeningHours.createMany({
    data: [1, 2, 3, 4, 5, 6].map((weekday) => ({ storeId: HOURS, weekday, opensAt: '09:00', closesAt: weekday === 6 ? '12:00' : '18:00' })),
  });
  // No plan and no opening hours: it books in its contact hours, every day.
  await db.store.create({ data: { id: CONTACT, name: CONTACT, settings: { contactStartTime: '08:00', contactEndTime: '20:00', slotGridMinutes: 60 } } });
  for (const [vin, storeId] of STORE_OF) await addVehicle(storeId, vin);
}, 120_000);

afterEach(() => clock.set(NOW));

afterAll(async () => {
  await db?.$disconnect();
  await postgres?.stop();
});

test('R5 R8: at a store with a workshop plan, each time carries the slot rule that refuses it, as the booking command says', async () => {
  // Both bays 10:00–11:00 on Friday: two arrivals at 10:00, no bay for a job overlapping the hour.
  expect(await take(PLAN, 1, at(FRI, '10:00'), 60)).not.toBeNull();
  expect(await take(PLAN, 2, at(FRI, '10:00'), 60)).not.toBeNull();
  const days = await freeTimes(deps, VIN.plan, { days: 4 });

  expect(days.map((d) => [d.date, d.weekday, d.closed])).toEqual([
    [THU, 4, undefined],
    [FRI, 5, undefined],
    [SAT, 6, 'HOLIDAY'],
    [SUN, 0, 'CLOSED'],
  ]);
  expect(byLabel(days, FRI)).toMatchObject({
    '08:30': 'MORNING_RUSH',
    '08:45': 'MORNING_RUSH',
    '09:00': 'free',
    '09:15': 'BAY_BUSY',
    '10:00': 'ARRIVALS_SPREAD',
    '10:30': 'BAY_BUSY',
    '11:00': 'free',
    '14:30': 'free',
    '14:45': 'NO_TECHNICIAN',
    '16:30': 'EVENING',
    '16:45': 'OFF_GRID',
    '17:15': 'OFF_GRID',
  });
  // The grid: 08:30 to the last quarter before closing, on the store's offset.
  const friday = days[1].times;
  expect(friday).toHaveLength(36);
  expect(friday[0]).toEqual({ start: '2026-11-27T08:30:00+08:00', local: '2026-11-27T08:30', label: '08:30', free: false, reason: 'MORNING_RUSH' });
  expect(friday.at(-1)?.label).toBe('17:15');
  expect(await disagreements(VIN.plan, days, false)).toEqual([]);
});

test('past times are not listed: today starts at the next grid time after now, and a day that is over lists none', async () => {
  clock.set(at(THU, '10:00'));
  const onGrid = await freeTimes(deps, VIN.plan, { days: 1 });
  expect(onGrid[0].times[0]).toMatchObject({ label: '10:15', free: true });
  expect(onGrid[0].times.every((t) => Date.parse(t.start) > clock.now().getTime())).toBe(true);
  expect(await disagreements(VIN.plan, onGrid, false)).toEqual([]);

  clock.set(at(THU, '17:40'));
  const evening = await freeTimes(deps, VIN.plan, { days: 2 });
  expect(evening.map((d) => [d.date, d.times.length])).toEqual([
    [THU, 0],
    [FRI, 36],
  ]);
  expect(await freeTimes(deps, VIN.plan)).toHaveLength(3);
});

test('R7 R8: a reschedule shows the vehicle’s own bay time free; a hold the desk made for it is its own too', async () => {
  // The vehicle's booking on bay 1 at 11:30 and another car on bay 2 at the same time.
  await ownBooking(MOVING, VIN.moving, 1, at(FRI, '11:30'));
  expect(await take(MOVING, 2, at(FRI, '11:30'), 60)).not.toBeNull();
  // A hold for the vehicle at 14:00 on bay 1, with bay 2 taken then too.
  expect(await take(MOVING, 1, at(FRI, '14:00'), 60, { vin: VIN.moving, expiresAt: at(FRI, '00:00') })).not.toBeNull();
  expect(await take(MOVING, 2, at(FRI, '14:00'), 60)).not.toBeNull();

  const booking = await freeTimes(deps, VIN.moving, { days: 2 });
  const moving = await freeTimes(deps, VIN.moving, { days: 2, moving: true });
  expect(byLabel(booking, FRI)).toMatchObject({ '11:30': 'ARRIVALS_SPREAD', '11:45': 'BAY_BUSY', '14:00': 'free', '14:15': 'BAY_BUSY' });
  expect(byLabel(moving, FRI)).toMatchObject({ '11:30': 'free', '11:45': 'free', '14:00': 'free', '14:15': 'BAY_BUSY' });
  expect(await disagreements(VIN.moving, booking, false)).toEqual([]);
  expect(await disagreements(VIN.moving, moving, true)).toEqual([]);
});

test('R5 R8: the picker and the booking command agree on every listed time, whatever bay time is taken (property)', async () => {
  const DAYS = [THU, FRI];
  // Other cars, some arriving in pairs (one on each bay), so that arrivals meet at one time too.
  const taken = fc.record({
    day: fc.constantFrom(...DAYS),
    bay: fc.constantFrom(1, 2),
    quarter: fc.integer({ min: 0, max: 35 }),
    quarters: fc.integer({ min: 1, max: 12 }),
    kind: fc.constantFrom('booked', 'held', 'expired'),
    pair: fc.boolean(),
  });
  const when = fc.record({ day: fc.constantFrom(...DAYS), bay: fc.constantFrom(1, 2), quarter: fc.integer({ min: 0, max: 35 }) });
  const startOf = (day: string, quarter: number) => new Date(at(day, '08:30').getTime() + quarter * 15 * 60_000);
  const reasons = new Set<string>();

  await fc.assert(
    fc.asyncProperty(fc.array(taken, { maxLength: 10 }), fc.option(when, { nil: undefined }), fc.option(when, { nil: undefined }), async (others, own, hold) => {
      await db.bayReservation.deleteMany({ where: { storeId: RANDOM } });
      await db.booking.deleteMany({ where: { storeId: RANDOM } });
      if (own) await ownBooking(RANDOM, VIN.random, own.bay, startOf(own.day, own.quarter));
      if (hold) await take(RANDOM, hold.bay, startOf(hold.day, hold.quarter), 60, { vin: VIN.random, expiresAt: at(SUN, '00:00') });
      for (const o of others) {
        const expiresAt = o.kind === 'held' ? at(SUN, '00:00') : o.kind === 'expired' ? at(THU, '09:00') : undefined;
        await take(RANDOM, o.bay, startOf(o.day, o.quarter), o.quarters * 15, { expiresAt });
        if (o.pair) await take(RANDOM, 3 - o.bay, startOf(o.day, o.quarter), o.quarters * 15, { expiresAt });
      }
      for (const moving of [false, true]) {
        const days = await freeTimes(deps, VIN.random, { days: DAYS.length, moving });
        for (const t of days.flatMap((d) => d.times)) reasons.add(t.free ? 'free' : t.reason!);
        expect(await disagreements(VIN.random, days, moving)).toEqual([]);
      }
    }),
    { seed: 1507, numRuns: 8 },
  );
  // The generated workshops reached the rules that depend on the bay time taken.
  expect([...reasons]).toEqual(expect.arrayContaining(['free', 'BAY_BUSY', 'ARRIVALS_SPREAD', 'NO_TECHNICIAN', 'CAPACITY_RESERVED', 'MORNING_RUSH', 'EVENING', 'OFF_GRID']));
});

test('R5: a store without a workshop plan lists its opening hours on its grid; a shorter day shows the rest refused, a closed day none', async () => {
  const days = await freeTimes(deps, VIN.hours, { days: 4 });
  expect(days.map((d) => [d.date, d.closed, d.times.length])).toEqual([
    [THU, undefined, 15],
    [FRI, undefined, 18],
    [SAT, undefined, 18],
    [SUN, 'CLOSED', 0],
  ]);
  const free = (date: string) => days.find((d) => d.date === date)!.times.filter((t) => t.free).map((t) => t.label);
  expect(free(THU)).toEqual(['10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30']);
  expect(free(SAT)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
  expect(byLabel(days, SAT)).toMatchObject({ '12:00': 'OUTSIDE_HOURS', '17:30': 'OUTSIDE_HOURS' });
  expect(await disagreements(VIN.hours, days, false)).toEqual([]);
});

test('R5: a store that keeps no opening hours books in its contact hours, every day', async () => {
  const days = await freeTimes(deps, VIN.contact, { days: 3 });
  expect(days.map((d) => d.times.map((t) => t.label))).toEqual([
    ['11:00', '12:00', '13:00', '14:00', '15:00', '16:00', '17:00', '18:00', '19:00'],
    ...[FRI, SAT].map(() => ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00', '17:00', '18:00', '19:00']),
  ]);
  expect(days.every((d) => d.times.every((t) => t.free))).toBe(true);
  expect(days[2].times[0].start).toBe(`${addDays(THU, 2)}T08:00:00+08:00`);
  expect(await disagreements(VIN.contact, days, false)).toEqual([]);
});

test('a vehicle without a store lists nothing; a number of days outside 1–14 is a programming error', async () => {
  expect(await freeTimes(deps, 'LSVPICK0000000099')).toEqual([]);
  await expect(freeTimes(deps, VIN.plan, { days: 0 })).rejects.toThrow(RangeError);
  await expect(freeTimes(deps, VIN.plan, { days: 15 })).rejects.toThrow(RangeError);
});

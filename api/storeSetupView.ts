// A store's set-up as people read it — opening hours per weekday, closed days, bays, technicians, car
// models with their service plans — and the open bookings it no longer fits. One source for the JSON
// endpoints (api/storeSetupRoutes.ts), the pages (web/pages/storeSetup.ts) and the set-up commands'
// answers (commands/storeSetup.ts).
import { loadStoreCapacity } from '../activities/capacityModel';
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import { ConflictReason, conflictsOf, PlannedBooking, StoreSetup } from '../domain/setupConflicts';
import { resolveStoreSettings } from '../domain/storeSettings';
import { HttpError } from './httpError';

type Reader = Db | Tx;

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];

export interface WeekdayHours {
  weekday: number;
  closed: boolean;
  opensAt: string | null;
  closesAt: string | null;
}

/** The store's set-up as the booking rules see it, read through `reader` (a change's own transaction sees its change). */
export async function storeSetupOf(reader: Reader, storeId: string): Promise<StoreSetup> {
  const capacity = await loadStoreCapacity(reader, storeId);
  if (!capacity) throw new HttpError(404, `no store ${storeId}`);
  return { model: capacity.model, contactStartTime: capacity.settings.contactStartTime, contactEndTime: capacity.settings.contactEndTime };
}

export async function requireStore(db: Reader, storeId: string) {
  const store = await db.store.findUnique({ where: { id: storeId } });
  if (!store) throw new HttpError(404, `no store ${storeId}`);
  return store;
}

/**
 * Monday first, as a week is read in China. A store that keeps no opening hours books by its contact hours
 * every day (R5); `keepsHours` says which.
 */
export async function openingHoursOf(db: Reader, storeId: string) {
  const store = await requireStore(db, storeId);
  const rows = await db.storeOpeningHours.findMany({ where: { storeId } });
  const settings = resolveStoreSettings(store.settings);
  const days: WeekdayHours[] = WEEKDAYS.map((weekday) => {
    const row = rows.find((r) => r.weekday === weekday);
    return row ? { weekday, closed: false, opensAt: row.opensAt, closesAt: row.closesAt } : { weekday, closed: true, opensAt: null, closesAt: null };
  });
  return { storeId, keepsHours: rows.length > 0, days, contactHours: { start: settings.contactStartTime, end: settings.contactEndTime } };
}

export async function holidaysOf(db: Reader, storeId: string) {
  await requireStore(db, storeId);
  const rows = await db.storeHoliday.findMany({ where: { storeId }, orderBy: { date: 'asc' } });
  return rows.map((h) => ({ date: h.date.toISOString().slice(0, 10), name: h.name }));
}

export async function baysOf(db: Reader, storeId: string) {
  await requireStore(db, storeId);
  return db.bay.findMany({ where: { storeId, removedAt: null }, orderBy: { id: 'asc' }, select: { id: true, name: true, kind: true } });
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function shiftList(value: unknown): { weekday: number; start: string; end: string }[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((s): s is { weekday: number; start: string; end: string } => !!s && typeof s === 'object' && Number.isInteger(s.weekday) && typeof s.start === 'string' && typeof s.end === 'string')
    .map(({ weekday, start, end }) => ({ weekday, start, end }))
    .sort((a, b) => WEEKDAYS.indexOf(a.weekday) - WEEKDAYS.indexOf(b.weekday));
}

export async function techniciansOf(db: Reader, storeId: string) {
  await requireStore(db, storeId);
  const rows = await db.technician.findMany({ where: { storeId }, include: { staff: { select: { name: true, active: true } } }, orderBy: { staffId: 'asc' } });
  return rows.map((t) => ({ staffId: t.staffId, name: t.staff.name, active: t.staff.active, skills: stringList(t.skills), shifts: shiftList(t.shifts) }));
}

/** Service plans are the maker's per car model and shared by every store. */
export async function servicePlansOf(db: Reader) {
  const plans = await db.servicePlan.findMany({ orderBy: { model: 'asc' }, include: { parts: { include: { part: { select: { name: true } } }, orderBy: { partNumber: 'asc' } } } });
  return plans.map(planView);
}

export function planView(plan: {
  model: string;
  intervalMonths: number;
  intervalKm: number;
  laborHours: number;
  estimateCny: { toNumber(): number } | null;
  parts: { partNumber: string; quantity: number; part?: { name: string } }[];
}) {
  return {
    model: plan.model,
    intervalMonths: plan.intervalMonths,
    intervalKm: plan.intervalKm,
    laborHours: plan.laborHours,
    estimateCny: plan.estimateCny === null ? null : plan.estimateCny.toNumber(),
    parts: plan.parts.map((p) => ({ partNumber: p.partNumber, name: p.part?.name ?? null, quantity: p.quantity })),
  };
}

export type ServicePlanView = ReturnType<typeof planView>;

/** Open bookings from now on with what the conflict rules need and what a person needs to move them. */
export async function plannedBookings(reader: Reader, storeId: string, now: Date) {
  const rows = await reader.booking.findMany({
    where: { storeId, status: { in: ['TENTATIVE', 'CONFIRMED'] }, bookedFor: { gte: now } },
    include: {
      vehicle: { select: { plate: true } },
      bay: { select: { name: true } },
      bayReservation: { select: { bayId: true, jobTypeCode: true, endsAt: true, status: true, bay: { select: { name: true } } } },
    },
    orderBy: { bookedFor: 'asc' },
  });
  return rows.map((b) => {
    const time = b.bayReservation?.status === 'BOOKED' ? b.bayReservation : null;
    const planned: PlannedBooking = { bookingId: b.id, start: b.bookedFor.getTime(), bayId: time?.bayId ?? b.bayId, job: time && { jobTypeCode: time.jobTypeCode, end: time.endsAt.getTime() } };
    const bayName = time ? time.bay.name : (b.bay?.name ?? null);
    return { planned, view: { bookingId: b.id, vin: b.vin, plate: b.vehicle.plate, bookedFor: b.bookedFor.toISOString(), status: b.status, bayId: planned.bayId, bayName } };
  });
}

export type BookingView = Awaited<ReturnType<typeof plannedBookings>>[number]['view'];
export type BookingToMove = BookingView & { reasons: ConflictReason[] };

/** Every open booking the store's set-up no longer fits, whichever change left it out: the list to work through. */
export async function bookingsToMove(db: Reader, storeId: string, now: Date): Promise<BookingToMove[]> {
  const [setup, bookings] = await Promise.all([storeSetupOf(db, storeId), plannedBookings(db, storeId, now)]);
  return bookings.flatMap(({ planned, view }) => {
    const reasons = conflictsOf(setup, planned, now.getTime());
    return reasons.length ? [{ ...view, reasons }] : [];
  });
}

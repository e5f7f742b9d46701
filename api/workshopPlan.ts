// The workshop plan as people read it (R6, R8): each day's bays with their reservations and capacity, and
// the technical director's preparation board. One source for the JSON endpoints and the admin pages, so
// both always show the same thing (what they change is a command: commands/holds.ts, commands/parts.ts).
import { addDays, CalendarDate, daysBetween, localTime } from '../domain/calendar';
import { bookedMinutes, dayCapacity, dayFrame, isClosed, openingWindow, Priority, shiftOn } from '../domain/capacity';
import { orderBoard, partsState } from '../domain/preparationBoard';
import { resolveStoreSettings } from '../domain/storeSettings';
import type { StoreCapacity } from '../activities/capacityModel';
import type { Db } from '../activities/database';

export interface DateRange {
  from: CalendarDate;
  to: CalendarDate;
}

interface ReservationRow {
  id: string;
  bayId: string;
  jobTypeCode: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  expiresAt: Date | null;
  priority: string | null;
  vin: string | null;
  bookingId: string | null;
  createdBy: string;
  booking?: { status: string; vehicle: { plate: string; model: string } } | null;
}

export function reservationView(r: ReservationRow) {
  return {
    holdId: r.id,
    bayId: r.bayId,
    jobType: r.jobTypeCode,
    start: r.startsAt.toISOString(),
    end: r.endsAt.toISOString(),
    status: r.status,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    priority: r.priority,
    vin: r.vin,
    bookingId: r.bookingId,
    bookingStatus: r.booking?.status ?? null,
    plate: r.booking?.vehicle.plate ?? null,
    createdBy: r.createdBy,
  };
}

export type ReservationView = ReturnType<typeof reservationView>;

/** R8: each day of the range with its opening window, capacity (bookable 80% / reserved 20%), booked minutes and every bay's reservations. */
export async function capacityDays(db: Db, storeId: string, capacity: StoreCapacity, range: DateRange, now: Date) {
  const { model, settings } = capacity;
  const rows = await db.bayReservation.findMany({
    where: {
      storeId,
      status: { in: ['HELD', 'BOOKED'] },
      startsAt: { lt: new Date(localTime(addDays(range.to, 1), '00:00', model.utcOffsetMinutes)) },
      endsAt: { gt: new Date(localTime(range.from, '00:00', model.utcOffsetMinutes)) },
    },
    include: { booking: { select: { id: true, status: true, vehicle: { select: { plate: true, model: true } } } } },
    orderBy: { startsAt: 'asc' },
  });
  const live = rows.filter((r) => r.status === 'BOOKED' || (r.expiresAt !== null && r.expiresAt > now));
  const bayNames = new Map((await db.bay.findMany({ where: { storeId }, select: { id: true, name: true } })).map((b) => [b.id, b.name]));
  const staffNames = new Map((await db.staff.findMany({ where: { storeId, role: 'TECHNICIAN' }, select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  const days = [];
  for (let d = 0; d <= daysBetween(range.from, range.to); d++) {
    const date = addDays(range.from, d);
    const window = openingWindow(model, date);
    const day = dayCapacity(model, date, settings.bookableCapacityFraction);
    const dayStart = localTime(date, '00:00', model.utcOffsetMinutes);
    const dayRows = live.filter((r) => r.startsAt.getTime() < dayStart + 86_400_000 && r.endsAt.getTime() > dayStart);
    const occupations = dayRows.map((r) => ({ bayId: r.bayId, start: r.startsAt.getTime(), end: r.endsAt.getTime() }));
    days.push({
      date,
      closed: day.closed ?? null,
      opensAt: isClosed(window) ? null : new Date(window.start).toISOString(),
      closesAt: isClosed(window) ? null : new Date(window.end).toISOString(),
      capacity: { total: day.total, byKind: day.byKind },
      bookedMinutes: isClosed(window) ? { total: 0, byKind: {} as Record<string, number> } : bookedMinutes(model, occupations, window),
      technicians: model.technicians.map((t) => {
        const shift = isClosed(window) ? null : shiftOn(t, dayFrame(date, model.utcOffsetMinutes), window);
        return { staffId: t.id, name: staffNames.get(t.id) ?? t.id, skills: t.skills, shift: shift && { start: new Date(shift.start).toISOString(), end: new Date(shift.end).toISOString() } };
      }),
      bays: model.bays.map((b) => ({
        bayId: b.id,
        name: bayNames.get(b.id) ?? b.id,
        kind: b.kind,
        reservations: dayRows.filter((r) => r.bayId === b.id).map(reservationView),
      })),
    });
  }
  return days;
}

export type CapacityDay = Awaited<ReturnType<typeof capacityDays>>[number];

/** R6b: the deposit a booking's expensive parts ask for and whether it was paid; null when none is asked. */
export function depositOf(b: { depositRequiredCny: { toString(): string } | null; depositPaidCny: { toString(): string } | null; depositPaidAt: Date | null }) {
  if (b.depositRequiredCny === null) return null;
  return { requiredCny: Number(b.depositRequiredCny), paidCny: b.depositPaidCny === null ? null : Number(b.depositPaidCny), paidAt: b.depositPaidAt?.toISOString() ?? null, paid: b.depositPaidAt !== null };
}

/** R6: the store's open bookings in the range, ordered by booked day then urgency, with bay and parts state; null for an unknown store. */
export async function preparationBoard(db: Db, storeId: string, range: DateRange, now: number) {
  const store = await db.store.findUnique({ where: { id: storeId } });
  if (!store) return null;
  const offset = resolveStoreSettings(store.settings).utcOffsetMinutes;
  const bookings = await db.booking.findMany({
    where: {
      storeId,
      status: { in: ['TENTATIVE', 'CONFIRMED'] },
      bookedFor: { gte: new Date(localTime(range.from, '00:00', offset)), lt: new Date(localTime(addDays(range.to, 1), '00:00', offset)) },
    },
    include: {
      vehicle: { select: { plate: true, model: true } },
      repairOrder: { select: { id: true, status: true } },
      bayReservation: { select: { bayId: true, priority: true, jobTypeCode: true, endsAt: true } },
      partReservations: true,
    },
  });
  return orderBoard(
    bookings.map((b) => ({ ...b, bookingId: b.id, bookedFor: b.bookedFor.getTime(), priority: (b.bayReservation?.priority ?? null) as Priority | null })),
    offset,
  ).map((b) => {
    const live = b.partReservations.filter((p) => p.status !== 'RETURNED');
    const readyAt = live.length ? Math.max(...live.map((p) => p.expectedReadyAt.getTime())) : null;
    return {
      bookingId: b.bookingId,
      bookedDate: b.bookedDate,
      bookedFor: new Date(b.bookedFor).toISOString(),
      priority: b.priority,
      vin: b.vin,
      plate: b.vehicle.plate,
      model: b.vehicle.model,
      status: b.status,
      bayId: b.bayReservation?.bayId ?? b.bayId,
      // R6: a booking that lost its time to a competing claim waits for the technical director to place it.
      needsBay: (b.bayReservation?.bayId ?? b.bayId) === null,
      jobType: b.bayReservation?.jobTypeCode ?? null,
      advisorId: b.advisorId,
      technicianId: b.technicianId,
      repairOrder: b.repairOrder,
      prepared: b.repairOrder?.status === 'PREPARED',
      // R6b: expensive parts to order wait for the customer's deposit.
      deposit: depositOf(b),
      parts: {
        state: partsState(live, readyAt, b.bookedFor, now),
        readyAt: readyAt === null ? null : new Date(readyAt).toISOString(),
        items: live.map((p) => ({ partNumber: p.partNumber, quantity: p.quantity, status: p.status, basketLabel: p.basketLabel, expectedReadyAt: p.expectedReadyAt.toISOString() })),
      },
    };
  });
}

export type BoardRow = NonNullable<Awaited<ReturnType<typeof preparationBoard>>>[number];

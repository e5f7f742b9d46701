// The database side of the reports: the store's rows a report's figures are computed from, its hours
// (for the report calendar) and the plates that name the vehicles behind each figure.
import type { Db } from '../activities/database';
import type { StoreHours } from '../domain/bookingHours';
import { addDays, localTime } from '../domain/calendar';
import { resolveStoreSettings } from '../domain/storeSettings';
import type { ReportPeriod } from './calendar';
import type { ReportRows, ReportSettings } from './figures';

export interface ReportStore {
  id: string;
  name: string;
  timeZone: string;
  hours: StoreHours;
  settings: ReportSettings;
}

export async function reportStore(db: Db, storeId: string): Promise<ReportStore | null> {
  const store = await db.store.findUnique({ where: { id: storeId }, include: { openingHours: true, holidays: true } });
  if (!store) return null;
  const settings = resolveStoreSettings(store.settings);
  return {
    id: store.id,
    name: store.name,
    timeZone: store.timeZone,
    hours: {
      utcOffsetMinutes: settings.utcOffsetMinutes,
      openingHours: store.openingHours.map((h) => ({ weekday: h.weekday, opensAt: h.opensAt, closesAt: h.closesAt })),
      holidays: store.holidays.map((h) => h.date.toISOString().slice(0, 10)),
      contactStartTime: settings.contactStartTime,
      contactEndTime: settings.contactEndTime,
    },
    settings: { utcOffsetMinutes: settings.utcOffsetMinutes, failureScoreBelow: settings.failureScoreBelow, followUpWindowEndDays: settings.followUpWindowEndDays },
  };
}

/**
 * What a report over `period` read at `asOf` needs: the period's bookings, check-ins, deliveries and tickets,
 * the surveys recorded since it began (a 3DC call comes days after the delivery), and the tasks that may be
 * open at `asOf`.
 */
export async function loadReportRows(db: Db, storeId: string, period: ReportPeriod, asOf: Date, utcOffsetMinutes: number): Promise<ReportRows> {
  const from = new Date(localTime(period.from, '00:00', utcOffsetMinutes));
  const to = new Date(localTime(addDays(period.to, 1), '00:00', utcOffsetMinutes));
  const inStore = { vehicle: { storeId } };
  const [bookings, orders, tasks, surveys, tickets] = await Promise.all([
    db.booking.findMany({ where: { storeId, bookedFor: { gte: from, lt: to } }, select: { vin: true, bookedFor: true, channel: true, status: true } }),
    db.repairOrder.findMany({
      where: { ...inStore, OR: [{ checkedInAt: { gte: from, lt: to } }, { deliveredAt: { gte: from, lt: to } }] },
      select: { vin: true, cycle: true, checkedInAt: true, deliveredAt: true, booking: { select: { channel: true } } },
    }),
    db.task.findMany({
      where: { ...inStore, createdAt: { lte: asOf }, OR: [{ status: 'OPEN' }, { completedAt: { gt: asOf } }] },
      select: { vin: true, kind: true, status: true, createdAt: true, dueAt: true, completedAt: true },
    }),
    db.followUpSurvey.findMany({ where: { ...inStore, recordedAt: { gte: from, lte: asOf } }, select: { vin: true, cycle: true, recordedAt: true, attitudeScore: true, qualityScore: true } }),
    db.serviceFailureTicket.findMany({ where: { ...inStore, createdAt: { gte: from, lt: to } }, select: { vin: true, grade: true, createdAt: true, answerBy: true, answeredAt: true } }),
  ]);
  return {
    bookings,
    repairOrders: orders.map(({ booking, ...o }) => ({ ...o, walkIn: booking?.channel === 'WALK_IN' })),
    tasks,
    surveys,
    tickets,
  };
}

/** Plate by VIN, for the vehicles a page lists behind a figure. */
export async function platesOf(db: Db, vins: string[]): Promise<Map<string, string>> {
  const rows = await db.vehicle.findMany({ where: { vin: { in: vins } }, select: { vin: true, plate: true } });
  return new Map(rows.map((r) => [r.vin, r.plate]));
}

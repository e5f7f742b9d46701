// The store's KPIs from the rules' targets ("Targets the business measures"): bookings ≈ 80% of
// workshop volume (R8), first-service arrival ≥ 80% (R22), 3DC coverage 100% (R17), CSI scores
// (R17), open service-failure tickets by grade (R18).
import type { Db } from '../activities/database';

export interface Kpis {
  from: Date;
  bookingRatio: { value: number | null; booked: number; total: number; target: number };
  firstServiceArrival: { value: number | null; arrived: number; due: number; target: number };
  coverage3dc: { value: number | null; surveyed: number; delivered: number; target: number };
  csi: number[];
  openTickets: Record<'A' | 'B' | 'C' | 'D', number>;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const DAY = 86_400_000;

/** `storeId` undefined: every store (for people who span stores). */
export async function storeKpis(db: Db, storeId: string | undefined, now: Date, days = 90): Promise<Kpis> {
  const from = new Date(now.getTime() - days * DAY);
  const inStore = storeId ? { vehicle: { storeId } } : {};
  const [orders, bookings, firstServiceCycles, surveys, tickets] = await Promise.all([
    db.repairOrder.findMany({ where: { ...inStore, checkedInAt: { gte: from } }, select: { vin: true, cycle: true, deliveredAt: true, booking: { select: { channel: true } } } }),
    db.booking.findMany({ where: { ...(storeId ? { storeId } : {}), bookedFor: { gte: from, lt: now }, channel: { not: 'WALK_IN' }, status: { in: ['ARRIVED', 'NO_SHOW'] } }, select: { vin: true, cycle: true, status: true } }),
    // R1b: the cycle's due date came from the first-service rule.
    db.auditEvent.findMany({ where: { ...inStore, action: 'cycle.scheduled', rule: 'R1b' }, select: { vin: true, cycle: true } }),
    db.followUpSurvey.findMany({ where: { ...inStore, recordedAt: { gte: from } }, select: { vin: true, cycle: true, attitudeScore: true, qualityScore: true } }),
    db.serviceFailureTicket.findMany({ where: { ...inStore, answeredAt: null }, select: { grade: true } }),
  ]);

  // R8: a repair order that came from a booking (any channel but walk-in) counts as booked volume.
  const booked = orders.filter((o) => o.booking && o.booking.channel !== 'WALK_IN').length;

  const firstService = new Set(firstServiceCycles.map((c) => `${c.vin}:${c.cycle}`));
  const firstBookings = bookings.filter((b) => firstService.has(`${b.vin}:${b.cycle}`));
  const arrived = firstBookings.filter((b) => b.status === 'ARRIVED').length;

  // R17: a delivery is owed its 3DC once its window (5 days) has closed; one already surveyed counts at once.
  const surveyed = new Set(surveys.map((s) => `${s.vin}:${s.cycle}`));
  const delivered = orders.filter((o) => o.deliveredAt && (o.deliveredAt.getTime() <= now.getTime() - 5 * DAY || surveyed.has(`${o.vin}:${o.cycle}`)));
  const covered = delivered.filter((o) => surveyed.has(`${o.vin}:${o.cycle}`)).length;

  const csi = Array.from({ length: 11 }, () => 0);
  for (const s of surveys) csi[Math.min(s.attitudeScore, s.qualityScore)]++;
  const openTickets = { A: 0, B: 0, C: 0, D: 0 };
  for (const t of tickets) openTickets[t.grade]++;

  return {
    from,
    bookingRatio: { value: ratio(booked, orders.length), booked, total: orders.length, target: 0.8 },
    firstServiceArrival: { value: ratio(arrived, firstBookings.length), arrived, due: firstBookings.length, target: 0.8 },
    coverage3dc: { value: ratio(covered, delivered.length), surveyed: covered, delivered: delivered.length, target: 1 },
    csi,
    openTickets,
  };
}

// Taking and giving back bay time. The database, not this code, makes a double booking impossible:
// every reservation owns one BaySlotCell row per 5-minute cell of its bay, keyed (bay, cell), so two
// overlapping claims collide on the primary key whichever server or process makes them.
import { Occupation, Priority } from '../domain/capacity';
import { addDays, localDate, localDayBounds } from '../domain/calendar';
import { assessSlot, NotOfferedReason, searchSlots, Slot } from '../domain/slotSearch';
import { Tx } from './auditedStep';
import { inForce, loadOccupations, StoreCapacity } from './capacityModel';
import { Db } from './database';

export const CELL_MINUTES = 5;
const CELL_MS = CELL_MINUTES * 60_000;
const DAY_MS = 86_400_000;
/** How far ahead the next free slots are looked for when a requested one cannot be had. */
const NEXT_FREE_DAYS = 14;

/** The job type a lifecycle's periodic-maintenance booking takes; a store without it books without bay time. */
export const LIFECYCLE_JOB_TYPE = 'PERIODIC_MAINTENANCE';

export type Refusal = NotOfferedReason | 'OFF_GRID' | 'WRONG_BAY_KIND' | 'TAKEN';

/** The requested time cannot be had: a rule or another booking stands in the way. */
export class SlotRefused extends Error {
  constructor(
    readonly reason: Refusal,
    readonly at: string,
  ) {
    super(`slot ${at} is not available (${reason})`);
  }
}

/** A refusal with the next free slots, for whoever asked to offer instead (R7: offer free times). */
export class SlotUnavailable extends Error {
  constructor(
    readonly reason: Refusal,
    readonly nextFree: Slot[],
    at: string,
  ) {
    super(`slot ${at} is not available (${reason}); next free: ${nextFree.map((s) => `${s.start} on ${s.bayId}`).join(', ') || 'none in the next two weeks'}`);
  }
}

/**
 * The bay time the slot rules weigh for a requested start (bay time, arrivals, the day's bookable share):
 * whatever overlaps its local day, so one request reads just that day.
 */
export function occupationsOfBookedDay(db: Db | Tx, storeId: string, start: number, utcOffsetMinutes: number, now: Date, except: string[] = []): Promise<Occupation[]> {
  const day = localDayBounds(start, utcOffsetMinutes);
  return loadOccupations(db, storeId, new Date(day.from), new Date(day.to), now, except);
}

export function cellsOf(start: number, end: number): Date[] {
  const cells: Date[] = [];
  for (let t = Math.floor(start / CELL_MS) * CELL_MS; t < end; t += CELL_MS) cells.push(new Date(t));
  return cells;
}

export interface Claim {
  storeId: string;
  bayId: string;
  jobTypeCode: string;
  start: number;
  end: number;
  /** A tentative hold lasts until expiresAt; a booking holds until released. */
  expiresAt: Date | null;
  priority?: Priority | null;
  vin?: string | null;
  bookingId?: string | null;
  createdBy: string;
}

/** Holds past their time on this bay give their cells back before anyone claims over them. */
async function expireStaleHolds(tx: Tx, bayId: string, start: number, end: number, now: Date): Promise<void> {
  const stale = await tx.bayReservation.findMany({
    where: { bayId, status: 'HELD', expiresAt: { lte: now }, startsAt: { lt: new Date(end) }, endsAt: { gt: new Date(start) } },
    select: { id: true },
  });
  if (stale.length === 0) return;
  const ids = stale.map((s) => s.id);
  await tx.baySlotCell.deleteMany({ where: { reservationId: { in: ids } } });
  await tx.bayReservation.updateMany({ where: { id: { in: ids }, status: 'HELD' }, data: { status: 'EXPIRED', releasedAt: now, releaseReason: 'hold expired' } });
}

/**
 * Claims every cell of the bay for the time, or none: a cell already owned (or being claimed by a
 * transaction that then commits) is skipped by ON CONFLICT DO NOTHING, and a short count undoes the claim.
 */
export async function claimBayTime(tx: Tx, claim: Claim, now: Date): Promise<{ id: string } | null> {
  await expireStaleHolds(tx, claim.bayId, claim.start, claim.end, now);
  const reservation = await tx.bayReservation.create({
    data: {
      storeId: claim.storeId,
      bayId: claim.bayId,
      jobTypeCode: claim.jobTypeCode,
      startsAt: new Date(claim.start),
      endsAt: new Date(claim.end),
      status: claim.expiresAt ? 'HELD' : 'BOOKED',
      expiresAt: claim.expiresAt,
      priority: claim.priority ?? null,
      vin: claim.vin ?? null,
      bookingId: claim.bookingId ?? null,
      createdBy: claim.createdBy,
      createdAt: now,
    },
    select: { id: true },
  });
  const cells = cellsOf(claim.start, claim.end);
  const { count } = await tx.baySlotCell.createMany({
    data: cells.map((cellStart) => ({ bayId: claim.bayId, cellStart, reservationId: reservation.id })),
    skipDuplicates: true,
  });
  if (count === cells.length) return reservation;
  await tx.bayReservation.delete({ where: { id: reservation.id } });
  return null;
}

/** Gives the bay time back; the reservation row stays as the record of who held it and why it ended. */
export async function releaseReservation(tx: Tx, id: string, by: string, reason: string, now: Date): Promise<void> {
  await tx.baySlotCell.deleteMany({ where: { reservationId: id } });
  await tx.bayReservation.updateMany({
    where: { id, status: { in: ['HELD', 'BOOKED'] } },
    data: { status: 'RELEASED', releasedBy: by, releasedAt: now, releaseReason: reason },
  });
}

/** The best free slots from the requested day on, ranked by closeness to the requested time. */
export async function nextFreeSlots(
  tx: Db | Tx,
  storeId: string,
  capacity: StoreCapacity,
  request: { jobTypeCode: string; start: number; priority?: Priority | null; partsReadyAt?: number | null; now: Date; limit?: number },
): Promise<Slot[]> {
  const { model, settings } = capacity;
  const from = localDate(Math.max(request.start, request.now.getTime()), model.utcOffsetMinutes);
  const to = addDays(from, NEXT_FREE_DAYS - 1);
  const occupations = await loadOccupations(tx, storeId, new Date(request.start - DAY_MS), new Date(request.start + (NEXT_FREE_DAYS + 1) * DAY_MS), request.now);
  const preferredTime = new Date(request.start + model.utcOffsetMinutes * 60_000).toISOString().slice(11, 16);
  return searchSlots(
    model,
    occupations,
    {
      jobTypeCode: request.jobTypeCode,
      from,
      to,
      preference: { date: from, time: preferredTime },
      priority: request.priority,
      partsReadyAt: request.partsReadyAt,
      notBefore: request.now.getTime(),
      limit: request.limit ?? 5,
    },
    settings,
  ).offered;
}

export interface SlotClaimRequest {
  jobTypeCode: string;
  start: number;
  /** A bay the caller wants; otherwise the least loaded free bay of the job's kind. */
  bayId?: string;
  priority?: Priority | null;
  partsReadyAt?: number | null;
  vin?: string | null;
  bookingId?: string | null;
  expiresAt: Date | null;
  createdBy: string;
}

/**
 * Checks the requested start against the slot rules (R8), then claims it; throws SlotRefused when a rule
 * or another booking stands in the way. The next free slots are the caller's to look up, after its
 * transaction when it can, so that a refused claim does not hold a connection while it searches.
 */
export async function claimSlot(tx: Tx, storeId: string, capacity: StoreCapacity, request: SlotClaimRequest, now: Date): Promise<{ id: string; slot: Slot }> {
  const { model, settings } = capacity;
  const at = new Date(request.start).toISOString();
  const occupations = await occupationsOfBookedDay(tx, storeId, request.start, model.utcOffsetMinutes, now);
  const base = { jobTypeCode: request.jobTypeCode, start: request.start, priority: request.priority, partsReadyAt: request.partsReadyAt, notBefore: now.getTime() };
  const first = assessSlot(model, occupations, { ...base, bayId: request.bayId }, settings);
  if (!first.ok) throw new SlotRefused(first.reason, at);
  const claim = (slot: Slot) =>
    claimBayTime(
      tx,
      { storeId, bayId: slot.bayId, jobTypeCode: request.jobTypeCode, start: Date.parse(slot.start), end: Date.parse(slot.end), expiresAt: request.expiresAt, priority: request.priority, vin: request.vin, bookingId: request.bookingId, createdBy: request.createdBy },
      now,
    );
  const claimed = await claim(first.slot);
  if (claimed) return { id: claimed.id, slot: first.slot };
  // Another caller took the chosen bay between the read and the claim; the other free bays of the kind are
  // tried next. Assessed only now: each assessment searches the whole day, and the first bay is almost always free.
  if (!request.bayId) {
    for (const bay of model.bays.filter((b) => b.id !== first.slot.bayId)) {
      const next = assessSlot(model, occupations, { ...base, bayId: bay.id }, settings);
      if (!next.ok) continue;
      const taken = await claim(next.slot);
      if (taken) return { id: taken.id, slot: next.slot };
    }
  }
  throw new SlotRefused('TAKEN', at);
}

/** The refusal with the next free slots from the requested time on. */
export async function withNextFree(db: Db | Tx, storeId: string, capacity: StoreCapacity, request: SlotClaimRequest, refused: SlotRefused, now: Date): Promise<SlotUnavailable> {
  return new SlotUnavailable(refused.reason, await nextFreeSlots(db, storeId, capacity, { ...request, now }), refused.at);
}

/** A hold made for this vehicle at this time (e.g. while the customer was on the phone) becomes its booking. */
export async function adoptHold(tx: Tx, storeId: string, vin: string, start: Date, bookingId: string, by: string, now: Date): Promise<{ bayId: string } | null> {
  const hold = await tx.bayReservation.findFirst({ where: { storeId, vin, startsAt: start, bookingId: null, ...inForce(now) }, orderBy: { createdAt: 'asc' } });
  if (!hold) return null;
  await tx.bayReservation.update({ where: { id: hold.id }, data: { status: 'BOOKED', expiresAt: null, bookingId, confirmedBy: by, confirmedAt: now } });
  return { bayId: hold.bayId };
}

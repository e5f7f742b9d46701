// R5 / R8: the checks every booking step makes of the time it books, whichever door it came through —
// the store's hours, then, at a store that plans its workshop, a bay free at that time. A refusal names
// the reason and, for a slot the workshop cannot take, the next free times.
import { LIFECYCLE_JOB_TYPE, occupationsOfBookedDay, SlotRefused, withNextFree } from '../activities/bayReservations';
import { inForce } from '../activities/capacityModel';
import { HttpError } from '../api/httpError';
import { bookingTimeRefusal } from '../domain/bookingHours';
import { assessSlot } from '../domain/slotSearch';
import type { CommandContext } from './command';

/** The time a step books: a new booking, or a booking moved (its own bay time does not stand in its way). */
export interface BookedTime {
  start: number;
  moving: boolean;
}

// The rules of the slot (grid, rush hours, holidays) are the caller's to respect (422); a slot taken or a
// day full is a conflict with other bookings (409).
export const RULE_REFUSALS = new Set(['OFF_GRID', 'WRONG_BAY_KIND', 'PAST', 'HOLIDAY', 'CLOSED', 'MORNING_RUSH', 'EVENING', 'JOB_LONGER_THAN_DAY', 'PARTS_LATE']);

/** The bay reservations of the vehicle's open booking: a booking being moved does not stand in its own way. */
export async function ownBookedReservations(db: CommandContext['db'], vin: string): Promise<string[]> {
  const rows = await db.bayReservation.findMany({ where: { vin, status: 'BOOKED', booking: { status: { in: ['TENTATIVE', 'CONFIRMED'] } } }, select: { id: true } });
  return rows.map((r) => r.id);
}

export async function checkBookedTime(ctx: CommandContext, vin: string, booked: BookedTime): Promise<void> {
  const storeId = await ctx.storeOf(vin);
  const capacity = storeId ? await ctx.capacityOf(ctx.db, storeId) : null;
  if (!storeId || !capacity) return;
  const now = ctx.at;
  const { contactStartTime, contactEndTime } = capacity.settings;
  const outside = bookingTimeRefusal(booked.start, now.getTime(), { ...capacity.model, contactStartTime, contactEndTime });
  if (outside) throw new HttpError(422, outside.message, undefined, { reason: outside.reason });
  if (!capacity.model.jobTypes.some((j) => j.code === LIFECYCLE_JOB_TYPE)) return;
  // A hold the desk placed for this vehicle at this time is the booking's own: the lifecycle adopts it.
  const ownHold = await ctx.db.bayReservation.findFirst({ where: { storeId, vin, startsAt: new Date(booked.start), bookingId: null, ...inForce(now) } });
  if (ownHold) return;
  const own = booked.moving ? await ownBookedReservations(ctx.db, vin) : [];
  const occupations = await occupationsOfBookedDay(ctx.db, storeId, booked.start, capacity.model.utcOffsetMinutes, now, own);
  const assessment = assessSlot(capacity.model, occupations, { jobTypeCode: LIFECYCLE_JOB_TYPE, start: booked.start, notBefore: now.getTime() }, capacity.settings);
  if (assessment.ok) return;
  const refused = new SlotRefused(assessment.reason, new Date(booked.start).toISOString());
  const unavailable = await withNextFree(ctx.db, storeId, capacity, { jobTypeCode: LIFECYCLE_JOB_TYPE, start: booked.start, expiresAt: null, createdBy: 'check' }, refused, now);
  throw new HttpError(RULE_REFUSALS.has(assessment.reason) ? 422 : 409, unavailable.message, undefined, { reason: assessment.reason, nextFree: unavailable.nextFree });
}

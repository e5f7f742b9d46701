// What the lifecycle's booking steps do to the workshop plan: a booking takes bay time (R8), moves it
// when rescheduled or given another bay, and gives it and its parts back when cancelled (R9).
// A store without the periodic-maintenance job type has no capacity model yet and books as before.
import { ApplicationFailure } from '@temporalio/common';
import { jobMinutes, Priority } from '../domain/capacity';
import { Tx } from './auditedStep';
import { adoptHold, claimBayTime, claimSlot, LIFECYCLE_JOB_TYPE, releaseReservation, SlotRefused } from './bayReservations';
import { CapacityOf } from './capacityModel';
import { ReservationResult, reserveParts, returnParts } from './parts';
import type { ServicePlanTerms } from './servicePlans';

export interface BookingSlot {
  storeId: string;
  bookingId: string;
  vin: string;
  bookedFor: Date;
  actor: string;
  capacityOf: CapacityOf;
}

/**
 * The vehicle's hold at the booked time, made while the customer was on the phone, becomes the booking's;
 * otherwise a free bay is claimed under the slot rules. The API checks the time before the step (and
 * answers 409/422 with the next free slots); a time lost to a competing claim in between still books,
 * without a bay: the technical director places it when preparing (R6), and the preparation board shows
 * it without one. Refusing the step here instead would end the workflow's wait for a booking.
 */
export async function claimBayForBooking(tx: Tx, b: BookingSlot, now: Date): Promise<string | null> {
  const adopted = await adoptHold(tx, b.storeId, b.vin, b.bookedFor, b.bookingId, b.actor, now);
  const bayId = adopted?.bayId ?? (await claimUnderRules(tx, b, now));
  if (bayId) await tx.booking.update({ where: { id: b.bookingId }, data: { bayId } });
  return bayId;
}

async function claimUnderRules(tx: Tx, b: BookingSlot, now: Date): Promise<string | null> {
  const capacity = await b.capacityOf(tx, b.storeId);
  if (!capacity || !capacity.model.jobTypes.some((j) => j.code === LIFECYCLE_JOB_TYPE)) return null;
  const request = { jobTypeCode: LIFECYCLE_JOB_TYPE, start: b.bookedFor.getTime(), expiresAt: null, vin: b.vin, bookingId: b.bookingId, createdBy: b.actor };
  try {
    return (await claimSlot(tx, b.storeId, capacity, request, now)).slot.bayId;
  } catch (err) {
    if (err instanceof SlotRefused) return null;
    throw err;
  }
}

/** R7/R8: a rescheduled booking gives its old bay time back and takes the new time under the same rules. */
export async function moveBookingTime(tx: Tx, b: BookingSlot, now: Date): Promise<string | null> {
  const current = await tx.bayReservation.findUnique({ where: { bookingId: b.bookingId } });
  if (current) {
    await releaseReservation(tx, current.id, b.actor, `rescheduled to ${b.bookedFor.toISOString()}`, now);
    await tx.bayReservation.update({ where: { id: current.id }, data: { bookingId: null } });
  }
  const bayId = await claimBayForBooking(tx, b, now);
  if (current && !bayId) await tx.booking.update({ where: { id: b.bookingId }, data: { bayId: null } });
  return bayId;
}

/**
 * R6: the technical director puts the booking on a bay: the booking's time is claimed there (moved from
 * its current bay, or placed for the first time), or the step is refused because that bay is taken.
 */
export async function placeBookingOnBay(tx: Tx, b: BookingSlot, bayId: string, now: Date): Promise<void> {
  const current = await tx.bayReservation.findUnique({ where: { bookingId: b.bookingId } });
  if (current?.bayId === bayId && current.status === 'BOOKED') return;
  let time: { jobTypeCode: string; start: number; end: number; priority: Priority | null };
  if (current) {
    await releaseReservation(tx, current.id, b.actor, `moved to bay ${bayId}`, now);
    await tx.bayReservation.update({ where: { id: current.id }, data: { bookingId: null } });
    time = { jobTypeCode: current.jobTypeCode, start: current.startsAt.getTime(), end: current.endsAt.getTime(), priority: current.priority as Priority | null };
  } else {
    const capacity = await b.capacityOf(tx, b.storeId);
    const job = capacity?.model.jobTypes.find((j) => j.code === LIFECYCLE_JOB_TYPE);
    if (!capacity || !job) return;
    const start = b.bookedFor.getTime();
    time = { jobTypeCode: job.code, start, end: start + jobMinutes(job, capacity.settings.slotGridMinutes) * 60_000, priority: null };
  }
  const claimed = await claimBayTime(tx, { storeId: b.storeId, bayId, ...time, expiresAt: null, vin: b.vin, bookingId: b.bookingId, createdBy: b.actor }, now);
  if (!claimed) throw ApplicationFailure.nonRetryable(`bay ${bayId} is taken between ${new Date(time.start).toISOString()} and ${new Date(time.end).toISOString()}`, 'BayTaken');
}

/** R9: the cancelled booking's bay time is freed and its parts go back to stock. */
export async function releaseBookingCapacity(tx: Tx, bookingId: string, actor: string, reason: string, now: Date) {
  const reservation = await tx.bayReservation.findUnique({ where: { bookingId } });
  if (reservation) await releaseReservation(tx, reservation.id, actor, reason, now);
  return { bayReleased: reservation?.bayId ?? null, partsReturned: await returnParts(tx, bookingId, now) };
}

/**
 * R6: the work order's parts are set aside against the booking; whether they arrive in time shows on the
 * preparation board (LATE), and POST /api/bookings/:id/parts proposes other times (R8).
 */
export async function reservePlanParts(tx: Tx, bookingId: string, plan: ServicePlanTerms | null, now: Date): Promise<ReservationResult | undefined> {
  return plan && plan.parts.length > 0 ? reserveParts(tx, bookingId, plan.parts, 'system', now) : undefined;
}

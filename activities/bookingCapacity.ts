// What the lifecycle's booking steps do to the workshop plan: a booking takes bay time (R8), moves it
// when rescheduled or given another bay, and gives it and its parts back when cancelled (R9).
// A store without the periodic-maintenance job type has no capacity model yet and books as before.
import { ApplicationFailure } from '@temporalio/common';
import { Tx } from './auditedStep';
import { adoptHold, claimBayTime, claimSlot, LIFECYCLE_JOB_TYPE, releaseReservation, SlotRefused, withNextFree } from './bayReservations';
import { loadStoreCapacity } from './capacityModel';
import { returnParts } from './parts';

export interface BookingSlot {
  storeId: string;
  bookingId: string;
  vin: string;
  bookedFor: Date;
  actor: string;
}

/**
 * The vehicle's hold at the booked time, made while the customer was on the phone, becomes the booking's;
 * otherwise a free bay is claimed under the slot rules. A time that cannot be had refuses the step with the
 * next free slots, so the person can offer them (R7).
 */
export async function claimBayForBooking(tx: Tx, b: BookingSlot, now: Date): Promise<string | null> {
  const adopted = await adoptHold(tx, b.storeId, b.vin, b.bookedFor, b.bookingId, b.actor, now);
  const bayId = adopted?.bayId ?? (await claimUnderRules(tx, b, now));
  if (bayId) await tx.booking.update({ where: { id: b.bookingId }, data: { bayId } });
  return bayId;
}

async function claimUnderRules(tx: Tx, b: BookingSlot, now: Date): Promise<string | null> {
  const capacity = await loadStoreCapacity(tx, b.storeId);
  if (!capacity || !capacity.model.jobTypes.some((j) => j.code === LIFECYCLE_JOB_TYPE)) return null;
  const request = { jobTypeCode: LIFECYCLE_JOB_TYPE, start: b.bookedFor.getTime(), expiresAt: null, vin: b.vin, bookingId: b.bookingId, createdBy: b.actor };
  try {
    return (await claimSlot(tx, b.storeId, capacity, request, now)).slot.bayId;
  } catch (err) {
    if (!(err instanceof SlotRefused)) throw err;
    const unavailable = await withNextFree(tx, b.storeId, capacity, request, err, now);
    throw ApplicationFailure.nonRetryable(unavailable.message, 'SlotUnavailable', { reason: unavailable.reason, nextFree: unavailable.nextFree });
  }
}

/** R7/R8: a rescheduled booking gives its old bay time back and takes the new time under the same rules. */
export async function moveBookingTime(tx: Tx, b: BookingSlot, now: Date): Promise<string | null> {
  const current = await tx.bayReservation.findUnique({ where: { bookingId: b.bookingId } });
  if (current) {
    await releaseReservation(tx, current.id, b.actor, `rescheduled to ${b.bookedFor.toISOString()}`, now);
    await tx.bayReservation.update({ where: { id: current.id }, data: { bookingId: null } });
  }
  return claimBayForBooking(tx, b, now);
}

/** R6: the technical director puts the booking on another bay: the same time is claimed there, or the step is refused. */
export async function moveBookingBay(tx: Tx, bookingId: string, bayId: string, actor: string, now: Date): Promise<void> {
  const current = await tx.bayReservation.findUnique({ where: { bookingId } });
  if (!current || current.bayId === bayId || current.status !== 'BOOKED') return;
  await releaseReservation(tx, current.id, actor, `moved to bay ${bayId}`, now);
  await tx.bayReservation.update({ where: { id: current.id }, data: { bookingId: null } });
  const claimed = await claimBayTime(
    tx,
    { storeId: current.storeId, bayId, jobTypeCode: current.jobTypeCode, start: current.startsAt.getTime(), end: current.endsAt.getTime(), expiresAt: null, priority: current.priority, vin: current.vin, bookingId, createdBy: actor },
    now,
  );
  if (!claimed) throw ApplicationFailure.nonRetryable(`bay ${bayId} is taken between ${current.startsAt.toISOString()} and ${current.endsAt.toISOString()}`, 'BayTaken');
}

/** R9: the cancelled booking's bay time is freed and its parts go back to stock. */
export async function releaseBookingCapacity(tx: Tx, bookingId: string, actor: string, reason: string, now: Date) {
  const reservation = await tx.bayReservation.findUnique({ where: { bookingId } });
  if (reservation) await releaseReservation(tx, reservation.id, actor, reason, now);
  return { bayReleased: reservation?.bayId ?? null, partsReturned: await returnParts(tx, bookingId, now) };
}

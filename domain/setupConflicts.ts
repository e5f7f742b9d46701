// Which open bookings a store's set-up no longer fits (R5, R8): a booked time outside the hours or on a
// closed day, a job on a bay that was removed or is of another kind now, a job no skilled technician is on
// shift for. A change of hours, closed days, bays or technicians lists the bookings it left out, for a
// person to move with the customer (R9: staff never move a booking on their own).
import { bookingTimeRefusal, StoreHours } from './bookingHours';
import { CapacityModel, dayFrame, isClosed, openingWindow, shiftOn } from './capacity';
import { localDate } from './calendar';

export const CONFLICT_REASONS = ['CLOSED', 'HOLIDAY', 'OUTSIDE_HOURS', 'BAY_REMOVED', 'WRONG_BAY_KIND', 'NO_TECHNICIAN'] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

/** The store as a booking sees it: its workshop model (active bays only) and the contact hours R5 falls back on. */
export interface StoreSetup {
  model: CapacityModel;
  contactStartTime: string;
  contactEndTime: string;
}

export interface PlannedBooking {
  bookingId: string;
  /** The booked arrival. */
  start: number;
  /** The bay the booking is on: its bay time's, else the one the technical director named. */
  bayId: string | null;
  /** The booking's bay time, when the workshop plan gave it one. */
  job: { jobTypeCode: string; end: number } | null;
}

/** Why the booking no longer fits the set-up; empty when it does. `now`: times already past are not the set-up's doing. */
export function conflictsOf(setup: StoreSetup, booking: PlannedBooking, now: number): ConflictReason[] {
  const { model } = setup;
  const hours: StoreHours = { ...model, contactStartTime: setup.contactStartTime, contactEndTime: setup.contactEndTime };
  const reasons: ConflictReason[] = [];
  const arrival = bookingTimeRefusal(booking.start, now, hours)?.reason;
  if (arrival === 'CLOSED' || arrival === 'HOLIDAY' || arrival === 'OUTSIDE_HOURS') reasons.push(arrival);
  // The job's last moment: work may not run on past closing any more than the slot rules let it start so.
  else if (booking.job && bookingTimeRefusal(booking.job.end - 1, now, hours)?.reason === 'OUTSIDE_HOURS') reasons.push('OUTSIDE_HOURS');
  if (booking.bayId === null) return reasons;
  const bay = model.bays.find((b) => b.id === booking.bayId);
  if (!bay) return [...reasons, 'BAY_REMOVED'];
  const jobType = booking.job && model.jobTypes.find((j) => j.code === booking.job!.jobTypeCode);
  if (!booking.job || !jobType) return reasons;
  if (bay.kind !== jobType.bayKind) reasons.push('WRONG_BAY_KIND');
  const date = localDate(booking.start, model.utcOffsetMinutes);
  const window = openingWindow(model, date);
  // Shifts count within the opening hours only: a job outside them is the hours' conflict, not the technicians'.
  if (reasons.length === 0 && !isClosed(window)) {
    const frame = dayFrame(date, model.utcOffsetMinutes);
    const { start } = booking;
    const end = booking.job.end;
    const covered = model.technicians.some((t) => {
      if (!t.skills.includes(jobType.bayKind)) return false;
      const shift = shiftOn(t, frame, window);
      return shift !== null && shift.start <= start && shift.end >= end;
    });
    if (!covered) reasons.push('NO_TECHNICIAN');
  }
  return reasons;
}

export interface AffectedBooking {
  bookingId: string;
  /** What the change did to it, beyond what already stood in its way before. */
  reasons: ConflictReason[];
}

/** The bookings a change of set-up (`before` → `after`) left out, each with the reasons it brought. */
export function affectedByChange(before: StoreSetup, after: StoreSetup, bookings: PlannedBooking[], now: number): AffectedBooking[] {
  return bookings.flatMap((b) => {
    const already = new Set(conflictsOf(before, b, now));
    const reasons = conflictsOf(after, b, now).filter((r) => !already.has(r));
    return reasons.length ? [{ bookingId: b.bookingId, reasons }] : [];
  });
}

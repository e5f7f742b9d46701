// From the confirmed booking to the vehicle in the workshop: R10 staff named the day before, R11 reminder
// on the day, R12 check-in, and what happens when the customer does not come.
import { dayOfReminderAt, noShowAt, staffAssignmentWindow } from '../../../domain/contactSchedule';
import { addDays, localTime } from '../../../domain/calendar';
import { assignStaff, checkIn } from '../contract';
import { iso } from '../../shared';
import { Lifecycle } from '../lifecycle';
import type { AdvanceBooking, CheckedIn, WalkInBooking } from '../decisions';
import { followUpMissedFirstService } from './firstService';

/**
 * Returns the job once the vehicle is checked in, 'no-show' when the customer never came, or
 * 'back-to-confirmation' when a manager reopened the confirmation call (`reopened`) before the car arrived.
 */
export async function receiveVehicle(lc: Lifecycle, booking: AdvanceBooking, repairOrderId: string, reopened: () => boolean): Promise<CheckedIn | 'no-show' | 'back-to-confirmation'> {
  let arrived = false;
  let closed = false;
  const done = () => arrived || closed || reopened();
  lc.inBackground(Promise.all([nameStaffDayBefore(lc, booking, done), remindOnTheDay(lc, booking, done), watchForNoShow(lc, booking, done, () => (closed = true))]));
  const reception = await lc.steps.perform(
    checkIn,
    { what: 'vehicle check-in at reception', rule: 'R12', by: iso(booking.bookedFor) },
    (i) => lc.acts.checkIn(lc.ctx(), i, booking.bookingId, repairOrderId),
    () => closed || reopened(),
  );
  arrived = reception !== undefined;
  closed = true;
  if (!reception) return reopened() ? 'back-to-confirmation' : 'no-show';
  const { mileageKm, promisedReadyAt } = reception.input;
  return { job: { repairOrderId, checkedInAt: Date.now(), mileageKm, promisedReadyAt: Date.parse(promisedReadyAt) }, promisedReadyAt };
}

/** R12: a walk-in was checked in with its booking; the job starts from there. */
export function walkInJob(booking: WalkInBooking): CheckedIn {
  const { repairOrderId, input } = booking.walkIn;
  const { mileageKm, promisedReadyAt } = input;
  return { job: { repairOrderId, checkedInAt: booking.bookedFor, mileageKm, promisedReadyAt: Date.parse(promisedReadyAt) }, promisedReadyAt };
}

/** R10: the service manager names SA and technician the day before; the customer's SMS names them. */
async function nameStaffDayBefore(lc: Lifecycle, booking: AdvanceBooking, done: () => boolean): Promise<void> {
  const window = staffAssignmentWindow(booking.bookedFor, lc.settings);
  if (!(await lc.sleepUntil('AWAITING_CHECK_IN', { what: 'SA and technician assignment task', rule: 'R10', by: iso(window.at) }, done))) return;
  await lc.acts.openTask(lc.ctx(), { kind: 'STAFF_ASSIGNMENT', rule: 'R10', dueAt: iso(window.by), assigneeRole: 'SERVICE_MANAGER' });
  const assigned = await lc.steps.perform(assignStaff, { what: 'SA and technician named (service manager)', rule: 'R10', by: iso(window.by) }, (i) =>
    lc.acts.assignStaff(lc.ctx(), i, booking.bookingId), done,
  );
  if (!assigned) return;
  const { customer, vehicle } = lc.input;
  await lc.acts.queueCustomerMessage(lc.ctx(), {
    template: 'appointment-staff',
    rule: 'R10',
    customer,
    payload: { plate: vehicle.plate, bookedFor: iso(booking.bookedFor), advisorName: assigned.input.advisorName, technicianName: assigned.input.technicianName },
  });
}

/** R11: remind the customer on the day, the store's lead time before the booked arrival. */
async function remindOnTheDay(lc: Lifecycle, booking: AdvanceBooking, done: () => boolean): Promise<void> {
  if (!(await lc.sleepUntil('AWAITING_CHECK_IN', { what: 'day-of arrival reminder', rule: 'R11', by: iso(dayOfReminderAt(booking.bookedFor, lc.settings)) }, done))) return;
  const { customer, vehicle } = lc.input;
  await lc.acts.queueCustomerMessage(lc.ctx(), { template: 'appointment-reminder', rule: 'R11', customer, payload: { plate: vehicle.plate, bookedFor: iso(booking.bookedFor) } });
}

/**
 * A customer who has not come by the grace time is a no-show: the SA calls, and the booking stays open
 * for a late arrival until the cycle's booking window closes.
 */
async function watchForNoShow(lc: Lifecycle, booking: AdvanceBooking, done: () => boolean, close: () => void): Promise<void> {
  const s = lc.settings;
  if (!(await lc.sleepUntil('AWAITING_CHECK_IN', { what: 'arrival (no-show after grace time)', rule: 'R11', by: iso(noShowAt(booking.bookedFor, s)) }, done))) return;
  const callBy = localTime(addDays(lc.state.dueDate!, 0), s.contactEndTime, s.utcOffsetMinutes);
  await lc.acts.markNoShow(lc.ctx(), booking.bookingId, iso(Math.max(callBy, Date.now() + 4 * 3_600_000)));
  lc.state.unresolvedReason = 'customer did not come to the booked appointment';
  await followUpMissedFirstService(lc, lc.state.unresolvedReason); // R1b, R22
  const lastChance = localTime(addDays(lc.state.dueDate!, s.openForBookingDaysAfterDue), s.contactEndTime, s.utcOffsetMinutes);
  if (await lc.sleepUntil('NO_SHOW', { what: 'late arrival or the booking window closing', rule: 'R5', by: iso(lastChance) }, done)) close();
}

import { confirmationCallWindow } from '../../domain/contactSchedule';
import { confirmBooking } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';
import type { Booking } from './booking';

/** R7: the SA's call 2 days before the booked day turns the tentative booking into a formal one. */
export async function confirmAppointment(lc: Lifecycle, booking: Booking): Promise<void> {
  const call = confirmationCallWindow(booking.bookedFor, lc.settings);
  await lc.sleepUntil('WAITING_FOR_CONFIRMATION_CALL', { what: 'confirmation call task', rule: 'R7', by: iso(call.at) });
  await lc.acts.openTask(lc.ctx(), { kind: 'CONFIRMATION_CALL', rule: 'R7', dueAt: iso(call.by), assigneeRole: 'SERVICE_ADVISOR' });
  lc.enter('AWAITING_CONFIRMATION');
  await lc.steps.perform(confirmBooking, { what: 'confirmation call outcome', rule: 'R7', by: iso(call.by) }, (i) =>
    lc.acts.confirmBooking(lc.ctx(), i, booking.bookingId),
  );
  lc.enter('AWAITING_CHECK_IN');
}

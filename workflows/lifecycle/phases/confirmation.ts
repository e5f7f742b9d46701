import { confirmationCallWindow } from '../../../domain/contactSchedule';
import { ConfirmationInput, confirmBooking } from '../contract';
import { iso } from '../../shared';
import { Lifecycle } from '../lifecycle';
import type { AdvanceBooking } from '../decisions';
import { recheckPreparation } from './preparation';

/**
 * R7: the SA's call 2 days before the booked day. Confirmed → formal booking; another time → the booking
 * moves and preparation is checked again before the next confirmation call (R8); cancelled → R9.
 */
export async function confirmAppointment(
  lc: Lifecycle,
  booking: AdvanceBooking,
  repairOrderId: string,
  firstRound: number,
): Promise<{ outcome: 'confirmed' | 'cancelled'; round: number }> {
  for (let round = firstRound; ; round++) {
    const call = confirmationCallWindow(booking.bookedFor, lc.settings);
    await lc.sleepUntil('WAITING_FOR_CONFIRMATION_CALL', { what: 'confirmation call task', rule: 'R7', by: iso(call.at) });
    await lc.acts.openTask(lc.ctx(), { kind: 'CONFIRMATION_CALL', rule: 'R7', dueAt: iso(call.by), assigneeRole: 'SERVICE_ADVISOR', ...(round > 1 ? { attempt: round } : {}) });
    lc.enter('AWAITING_CONFIRMATION');
    const { input } = (await lc.steps.perform(confirmBooking, { what: 'confirmation call outcome', rule: 'R7', by: iso(call.by) }, (i) =>
      applyConfirmation(lc, i, booking, repairOrderId, round),
    ))!;
    const outcome = input.outcome ?? 'CONFIRMED';
    if (outcome === 'CONFIRMED') {
      lc.enter('AWAITING_CHECK_IN');
      return { outcome: 'confirmed', round };
    }
    if (outcome === 'CANCEL') {
      lc.state.unresolvedReason = `booking cancelled by the customer: ${input.reason}`;
      return { outcome: 'cancelled', round };
    }
    booking.bookedFor = Date.parse(input.newBookedFor!);
    lc.state.bookedFor = input.newBookedFor;
    await recheckPreparation(lc, booking, repairOrderId, round + 1);
  }
}

function applyConfirmation(lc: Lifecycle, i: ConfirmationInput, booking: AdvanceBooking, repairOrderId: string, round: number): Promise<null> {
  switch (i.outcome ?? 'CONFIRMED') {
    case 'RESCHEDULE':
      return lc.acts.rescheduleBooking(lc.ctx(), i, booking.bookingId, round);
    case 'CANCEL':
      return lc.acts.cancelBooking(lc.ctx(), i, booking.bookingId, repairOrderId, round);
    default:
      return lc.acts.confirmBooking(lc.ctx(), { input: i, bookingId: booking.bookingId, ...(round > 1 ? { round } : {}) });
  }
}

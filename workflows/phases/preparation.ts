import { confirmationCallWindow } from '../../domain/contactSchedule';
import { completePreparation } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';
import type { Booking } from './booking';

/** R6: work order and estimate, then the technical director's "preparation complete". */
export async function prepareService(lc: Lifecycle, booking: Booking): Promise<{ repairOrderId: string }> {
  lc.enter('AWAITING_PREPARATION');
  const { repairOrderId } = await lc.acts.prepareWorkOrder(lc.ctx(), booking.bookingId, lc.policy.servicePlanId);
  await awaitPreparationComplete(lc, booking, repairOrderId, 1);
  return { repairOrderId };
}

/** R6 again after a reschedule (R7/R8): the technical director confirms preparation for the new time. */
export async function recheckPreparation(lc: Lifecycle, booking: Booking, repairOrderId: string, round: number): Promise<void> {
  lc.enter('AWAITING_PREPARATION');
  await awaitPreparationComplete(lc, booking, repairOrderId, round);
}

async function awaitPreparationComplete(lc: Lifecycle, booking: Booking, repairOrderId: string, round: number): Promise<void> {
  // Preparation must be complete before the confirmation call checks on it (R7).
  const deadline = iso(confirmationCallWindow(booking.bookedFor, lc.settings).at);
  await lc.acts.openTask(lc.ctx(), { kind: 'PREPARATION', rule: 'R6', dueAt: deadline, assigneeRole: 'TECHNICAL_DIRECTOR', ...(round > 1 ? { attempt: round } : {}) });
  await lc.steps.perform(completePreparation, { what: 'preparation complete (technical director)', rule: 'R6', by: deadline }, (i) =>
    round > 1
      ? lc.acts.completePreparation(lc.ctx(), i, booking.bookingId, repairOrderId, round)
      : lc.acts.completePreparation(lc.ctx(), i, booking.bookingId, repairOrderId),
  );
}

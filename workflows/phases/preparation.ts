import { confirmationCallWindow } from '../../domain/contactSchedule';
import { completePreparation } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';
import type { Booking } from './booking';

/** R6: work order and estimate, then the technical director's "preparation complete". */
export async function prepareService(lc: Lifecycle, booking: Booking): Promise<{ repairOrderId: string }> {
  lc.enter('AWAITING_PREPARATION');
  const { repairOrderId } = await lc.acts.prepareWorkOrder(lc.ctx(), booking.bookingId, lc.policy.servicePlanId);
  // Preparation must be complete before the confirmation call checks on it (R7).
  const deadline = iso(confirmationCallWindow(booking.bookedFor, lc.settings).at);
  await lc.acts.openTask(lc.ctx(), { kind: 'PREPARATION', rule: 'R6', dueAt: deadline, assigneeRole: 'TECHNICAL_DIRECTOR' });
  await lc.steps.perform(completePreparation, { what: 'preparation complete (technical director)', rule: 'R6', by: deadline }, (i) =>
    lc.acts.completePreparation(lc.ctx(), i, booking.bookingId, repairOrderId),
  );
  return { repairOrderId };
}

import { confirmationCallWindow } from '../../../domain/contactSchedule';
import { DepositAsked, depositCallAt, partsOrderBy } from '../../../domain/partsDeposit';
import { workingTimeFrom } from '../../../domain/workingHours';
import type { TaskSpec } from '../../../activities/tasks';
import { completePreparation, recordPartsDeposit } from '../contract';
import { awaitedLater, Lifecycle } from '../lifecycle';
import { iso, ruleTimeOf } from '../../shared';
import type { AdvanceBooking } from '../decisions';

/** R6: the work order, its estimate and the technical director's task came with the booking; then "preparation complete". */
export async function prepareService(lc: Lifecycle, booking: AdvanceBooking): Promise<{ repairOrderId: string }> {
  lc.enter('AWAITING_PREPARATION');
  const { prepared } = booking;
  if (prepared.deposit) lc.inBackground(collectPartsDeposit(lc, booking, prepared.deposit));
  await awaitPreparationComplete(lc, booking, prepared.repairOrderId, prepared.task);
  return { repairOrderId: prepared.repairOrderId };
}

/** R6 again after a reschedule (R7/R8): the technical director confirms preparation for the new time. */
export async function recheckPreparation(lc: Lifecycle, booking: AdvanceBooking, repairOrderId: string, round: number): Promise<void> {
  lc.enter('AWAITING_PREPARATION');
  const task = preparationTask(lc, booking.bookedFor, round);
  await lc.acts.openTask(lc.ctx(), task);
  await awaitPreparationComplete(lc, booking, repairOrderId, task);
}

/** Preparation must be complete before the confirmation call checks on it (R7). */
export function preparationTask(lc: Lifecycle, bookedFor: number, round: number): TaskSpec {
  const deadline = iso(confirmationCallWindow(bookedFor, lc.settings).at);
  return { kind: 'PREPARATION', rule: 'R6', dueAt: deadline, assigneeRole: 'TECHNICAL_DIRECTOR', ...(round > 1 ? { attempt: round } : {}) };
}

async function awaitPreparationComplete(lc: Lifecycle, booking: AdvanceBooking, repairOrderId: string, task: TaskSpec): Promise<void> {
  const round = task.attempt ?? 1;
  await lc.steps.perform(completePreparation, { what: 'preparation complete (technical director)', rule: 'R6', by: task.dueAt }, (i) =>
    lc.acts.completePreparation(lc.ctx(), { input: i, bookingId: booking.bookingId, repairOrderId, ...(round > 1 ? { round } : {}) }),
  );
}

/**
 * R6b: expensive parts are ordered for this customer only once half their price is paid. The deposit is
 * taken whenever the customer pays it, from the booking until the car arrives; one not in by the day
 * before the order must go out gives the SA a call to make, while there is still time to pay.
 */
async function collectPartsDeposit(lc: Lifecycle, booking: AdvanceBooking, asked: DepositAsked): Promise<void> {
  const orderBy = partsOrderBy(booking.bookedFor, asked.leadDays);
  const deposit = { depositCny: asked.depositCny, partsCny: asked.partsCny, orderBy: iso(orderBy) };
  lc.state.partsDeposit = deposit;
  let paid = false;
  // A car that arrived, or a cycle that closed without it, owes no deposit any more.
  const over = () => lc.state.checkedInAt !== undefined || lc.state.stage === 'CYCLE_COMPLETE';
  const payment = awaitedLater(
    lc.steps
      .perform(recordPartsDeposit, { what: `parts deposit of at least ${asked.depositCny} CNY, before the parts are ordered`, rule: 'R6b', by: deposit.orderBy }, (i) =>
        lc.acts.recordPartsDeposit(lc.ctx(), i, booking.bookingId), over,
      )
      .then((r) => {
        paid = r !== undefined;
        if (r) lc.state.partsDeposit = { ...deposit, paidCny: r.input.amountCny };
      }),
  );
  const ruleAt = depositCallAt(orderBy, Date.now(), lc.settings);
  const callAt = workingTimeFrom(ruleAt, lc.workingHours);
  if (await lc.sleepUntil(lc.state.stage, { what: 'deposit call task (parts held until paid)', rule: 'R6b', by: iso(callAt) }, () => paid || over())) {
    await lc.acts.openTask(lc.ctx(), { kind: 'PARTS_DEPOSIT_CALL', rule: 'R6b', dueAt: iso(Math.max(orderBy, callAt)), assigneeRole: 'SERVICE_ADVISOR', ...ruleTimeOf(ruleAt, callAt) });
  }
  await payment;
}

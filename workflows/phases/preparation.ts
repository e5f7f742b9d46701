import { confirmationCallWindow } from '../../domain/contactSchedule';
import type { TaskSpec } from '../../activities/tasks';
import { completePreparation } from '../definitions';
import { iso, Lifecycle } from '../lifecycle';
import type { Booking } from './booking';

/** Runs recorded before it opened the preparation task in a transaction of its own, after the work order. */
const TASK_WITH_WORK_ORDER_PATCH = 'preparation-task-with-work-order';

/** R6: work order and estimate (made with the booking in today's runs), then the technical director's "preparation complete". */
export async function prepareService(lc: Lifecycle, booking: Booking): Promise<{ repairOrderId: string }> {
  lc.enter('AWAITING_PREPARATION');
  if (booking.prepared) {
    await awaitPreparationComplete(lc, booking, booking.prepared.repairOrderId, booking.prepared.task);
    return { repairOrderId: booking.prepared.repairOrderId };
  }
  if (lc.patched(TASK_WITH_WORK_ORDER_PATCH, 'second')) {
    // One transaction for both: the booking step's Update answers once the task is in the inbox.
    const task = preparationTask(lc, booking.bookedFor, 1);
    const { repairOrderId } = await lc.acts.prepareWorkOrder(lc.ctx(), booking.bookingId, lc.policy.servicePlanId, task);
    await awaitPreparationComplete(lc, booking, repairOrderId, task);
    return { repairOrderId };
  }
  const { repairOrderId } = await lc.acts.prepareWorkOrder(lc.ctx(), booking.bookingId, lc.policy.servicePlanId);
  const task = preparationTask(lc, booking.bookedFor, 1);
  await lc.acts.openTask(lc.ctx(), task);
  await awaitPreparationComplete(lc, booking, repairOrderId, task);
  return { repairOrderId };
}

/** R6 again after a reschedule (R7/R8): the technical director confirms preparation for the new time. */
export async function recheckPreparation(lc: Lifecycle, booking: Booking, repairOrderId: string, round: number): Promise<void> {
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

async function awaitPreparationComplete(lc: Lifecycle, booking: Booking, repairOrderId: string, task: TaskSpec): Promise<void> {
  const round = task.attempt ?? 1;
  await lc.steps.perform(completePreparation, { what: 'preparation complete (technical director)', rule: 'R6', by: task.dueAt }, (i) =>
    round > 1
      ? lc.acts.completePreparation(lc.ctx(), i, booking.bookingId, repairOrderId, round)
      : lc.acts.completePreparation(lc.ctx(), i, booking.bookingId, repairOrderId),
  );
}

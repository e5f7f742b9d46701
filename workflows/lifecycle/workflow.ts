// One vehicle's after-sales life: one service cycle per run, continued as new for the next cycle.
import * as wf from '@temporalio/workflow';
import { assignStaff, decideAdditionalWork, reportAdditionalWork, checkIn, completePreparation, confirmBooking, deliver, getState, recordCallOutcome, recordFollowUp, recordProgressCheck, recordSalesCall, recordPartsDeposit, bookInbound, correctLifecycle, CorrectionInput, ServiceHistory, Stage, VehicleLifecycleInput, walkIn } from './contract';
import { iso, REJECTION_TYPES, storeSettingsChanged } from '../shared';
import { Lifecycle } from './lifecycle';
import { bookService } from './phases/booking';
import { confirmAppointment } from './phases/confirmation';
import { scheduleCycle } from './phases/dueDate';
import { followUpMissedFirstService } from './phases/firstService';
import { followUpCall } from './phases/followUp';
import { prepareService } from './phases/preparation';
import type { CheckedIn, Job } from './decisions';
import { receiveVehicle, walkInJob } from './phases/reception';
import { serviceUntilDelivered } from './phases/workInProgress';
import { StageConflict, validateCorrection, validateSalesCall, validateAdditionalWork, validateAdditionalWorkDecision, validateCallOutcome, validateConfirmation, validateInboundBooking, validateStaffAssignment, validateCheckIn, validateDelivery, validateFollowUp, validateProgressCheck, validatePartsDeposit } from './stepValidation';

export async function vehicleLifecycle(input: VehicleLifecycleInput): Promise<void> {
  const lc = new Lifecycle(input);
  wf.setHandler(getState, () => lc.snapshot());
  wf.setHandler(storeSettingsChanged, async (change) => {
    lc.applySettings(change.settings);
    await lc.acts.recordSettingsApplied(lc.ctx(), change);
  });
  lc.steps.accept(recordCallOutcome, validateCallOutcome);
  lc.steps.accept(bookInbound, validateInboundBooking);
  lc.steps.accept(walkIn, validateCheckIn);
  lc.steps.accept(recordPartsDeposit, (i) => validatePartsDeposit(i, lc.state.partsDeposit));
  lc.steps.accept(completePreparation);
  lc.steps.accept(confirmBooking, validateConfirmation);
  lc.steps.accept(assignStaff, validateStaffAssignment);
  lc.steps.accept(checkIn, validateCheckIn);
  lc.steps.accept(recordProgressCheck, validateProgressCheck);
  lc.steps.accept(reportAdditionalWork, validateAdditionalWork);
  lc.steps.accept(decideAdditionalWork, validateAdditionalWorkDecision);
  lc.steps.accept(deliver, validateDelivery);
  lc.steps.accept(recordFollowUp, validateFollowUp);
  lc.steps.accept(recordSalesCall, validateSalesCall);

  // A manager's CLOSE cancels whatever the cycle waits for; the closing itself must not be cancelled.
  const cycleScope = new wf.CancellationScope();
  let correction: CorrectionInput | undefined;
  let reopening = false;
  // Managers' BACK_TO_CONFIRMATION corrections, in order; reception gives way to each new one.
  const reopenRequests: CorrectionInput[] = [];
  wf.setHandler(
    correctLifecycle,
    async (c) => {
      if (c.action === 'BACK_TO_CONFIRMATION') {
        reopening = true;
        reopenRequests.push(c);
        await wf.condition(() => lc.state.stage === 'AWAITING_CONFIRMATION');
        reopening = false;
        return lc.snapshot();
      }
      correction = c;
      cycleScope.cancel();
      await wf.condition(() => lc.state.stage === 'CLOSED');
      return lc.snapshot();
    },
    { validator: (c) => correctionValidator(c, correction !== undefined || reopening, lc.state.stage) },
  );
  try {
    await cycleScope.run(() => runCycle(lc, reopenRequests));
  } catch (err) {
    if (!correction || !wf.isCancellation(err)) throw err;
    await wf.CancellationScope.nonCancellable(() => lc.acts.closeLifecycle(lc.ctx(), correction!));
    lc.enter('CLOSED');
    await wf.condition(wf.allHandlersFinished);
  }
}

function correctionValidator(c: CorrectionInput, alreadyCorrecting: boolean, stage: Stage): void {
  try {
    validateCorrection(c, alreadyCorrecting, stage);
  } catch (err) {
    const type = err instanceof StageConflict ? REJECTION_TYPES.wrongStage : REJECTION_TYPES.invalidInput;
    throw wf.ApplicationFailure.create({ message: (err as Error).message, type, nonRetryable: true });
  }
}

async function runCycle(lc: Lifecycle, reopenRequests: readonly CorrectionInput[]): Promise<void> {
  const { input } = lc;
  const due = await scheduleCycle(lc); // R1
  const booking = await bookService(lc, due); // R2 → R5, or a walk-in (R12)
  if (!booking) return closeCycleWithoutService(lc);
  lc.state.bookedFor = iso(booking.bookedFor);
  let job: Job | undefined;
  if ('walkIn' in booking) {
    job = inService(lc, walkInJob(booking)); // R12
  } else {
    const { repairOrderId } = await prepareService(lc, booking); // R6
    for (let round = 1; ; ) {
      const confirmation = await confirmAppointment(lc, booking, repairOrderId, round); // R7 → R9
      if (confirmation.outcome === 'cancelled') {
        await followUpMissedFirstService(lc, lc.state.unresolvedReason!); // R1b, R22
        return closeCycleWithoutService(lc);
      }
      round = confirmation.round + 1;
      const reopensBefore = reopenRequests.length;
      const arrival = await receiveVehicle(lc, booking, repairOrderId, () => reopenRequests.length > reopensBefore); // R10 → R12
      if (arrival === 'no-show') return closeCycleWithoutService(lc);
      if (arrival !== 'back-to-confirmation') {
        job = inService(lc, arrival);
        break;
      }
      await lc.acts.reopenConfirmation(lc.ctx(), reopenRequests.at(-1)!, booking.bookingId, round); // a manager's correction
    }
  }
  const { deliveredAt, serviceDate } = await serviceUntilDelivered(lc, job); // R13 → R16
  await followUpCall(lc, deliveredAt); // R17 → R19, R24
  lc.enter('CYCLE_COMPLETE');

  // The next cycle counts from this service (R1).
  await nextCycle(lc, { mileageKm: job.mileageKm, mileageRecordedOn: serviceDate }, { cycle: input.history.cycle + 1, lastServiceDate: serviceDate, lastServiceKm: job.mileageKm });
}

/** The next cycle as a new run, once everything of this one has finished: the history stays small however long the car lives. */
async function nextCycle(lc: Lifecycle, odometer: Lifecycle['odometer'], history: ServiceHistory): Promise<void> {
  await lc.backgroundFinished();
  await wf.condition(wf.allHandlersFinished);
  await wf.continueAsNew<typeof vehicleLifecycle>({ ...lc.input, firstContactOn: undefined, vehicle: { ...lc.input.vehicle, ...odometer }, history });
}

/** The car is in the workshop: the odometer it came with counts for the next cycle (R1). */
function inService(lc: Lifecycle, { job, promisedReadyAt }: CheckedIn): Job {
  lc.odometer = { mileageKm: job.mileageKm, mileageRecordedOn: lc.odometer.mileageRecordedOn };
  lc.state.checkedInAt = iso(job.checkedInAt);
  lc.state.promisedReadyAt = promisedReadyAt;
  lc.enter('IN_SERVICE');
  return job;
}

/** The customer declined or was never reached and did not book: the next cycle counts from this due date. */
async function closeCycleWithoutService(lc: Lifecycle): Promise<void> {
  const { input, state } = lc;
  await lc.acts.closeCycleWithoutService(lc.ctx(), state.unresolvedReason ?? 'no booking');
  lc.enter('CYCLE_COMPLETE');
  await nextCycle(lc, lc.odometer, { ...input.history, cycle: input.history.cycle + 1, skippedDueDate: state.dueDate });
}

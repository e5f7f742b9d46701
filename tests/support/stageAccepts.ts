// What a lifecycle takes at the moments a person usually opens its page: the stage and the Updates it
// accepts, as the whole-cycle workflow test observes them (tests/workflow/vehicleLifecycle.test.ts checks
// each against the real workflow), so the page tests offer forms for states the workflow really has.
import type { Stage } from '../../workflows/lifecycle/contract';

export interface ObservedState {
  stage: Stage;
  accepts: string[];
}

export const OBSERVED: Record<string, ObservedState> = {
  reminderCall: { stage: 'AWAITING_CALL_OUTCOME', accepts: ['bookInbound', 'recordCallOutcome', 'walkIn'] },
  preparation: { stage: 'AWAITING_PREPARATION', accepts: ['completePreparation'] },
  beforeConfirmation: { stage: 'WAITING_FOR_CONFIRMATION_CALL', accepts: [] },
  confirmation: { stage: 'AWAITING_CONFIRMATION', accepts: ['confirmBooking'] },
  staffAssignment: { stage: 'AWAITING_CHECK_IN', accepts: ['assignStaff', 'checkIn'] },
  inService: { stage: 'IN_SERVICE', accepts: ['deliver', 'reportAdditionalWork'] },
  progressCheck: { stage: 'IN_SERVICE', accepts: ['deliver', 'recordProgressCheck', 'reportAdditionalWork'] },
  afterDelivery: { stage: 'WAITING_FOR_FOLLOW_UP', accepts: [] },
  followUp: { stage: 'AWAITING_FOLLOW_UP', accepts: ['recordFollowUp'] },
  nextCycle: { stage: 'WAITING_FOR_REMINDER', accepts: ['bookInbound', 'walkIn'] },
};

/** The observation's Updates in a stable order, to compare with a state's. */
export const sortedAccepts = (accepts: readonly string[]) => [...accepts].sort();

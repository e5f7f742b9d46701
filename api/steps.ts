// One endpoint per step a person performs; each sends the lifecycle's matching Update.
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import {
  assignStaff,
  correctLifecycle,
  walkIn,
  decideAdditionalWork,
  reportAdditionalWork,
  bookInbound,
  checkIn,
  completePreparation,
  confirmBooking,
  deliver,
  LifecycleState,
  recordCallOutcome,
  recordFollowUp,
  recordProgressCheck,
  recordSalesCall,
} from '../workflows/definitions';
import { stepSchemas } from './schemas';

export interface StepRoute {
  path: string;
  summary: string;
  rule: string;
  schema: z.ZodType;
  // The input type is checked by the schema at run time; the Update's own type is the workflow's business.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  update: UpdateDefinition<LifecycleState, [any]>;
}

export const STEP_ROUTES: StepRoute[] = [
  { path: 'call-outcome', summary: 'Record the reminder call outcome: booked, undecided, declined, unreachable', rule: 'R3/R4/R5', schema: stepSchemas.callOutcome, update: recordCallOutcome },
  { path: 'bookings', summary: 'Inbound booking by phone, web/app or at the counter', rule: 'R5', schema: stepSchemas.inboundBooking, update: bookInbound },
  { path: 'walk-in', summary: 'A car that arrives without a booking: received and checked in at once', rule: 'R12', schema: stepSchemas.walkIn, update: walkIn },
  { path: 'preparation-complete', summary: 'Technical director: preparation complete', rule: 'R6', schema: stepSchemas.preparationComplete, update: completePreparation },
  { path: 'confirmation', summary: 'Confirmation call 2 days before: confirmed, reschedule (newBookedFor) or cancel (reason)', rule: 'R7/R8/R9', schema: stepSchemas.confirmation, update: confirmBooking },
  { path: 'staff-assignment', summary: 'Service manager names SA and technician the day before', rule: 'R10', schema: stepSchemas.staffAssignment, update: assignStaff },
  { path: 'check-in', summary: 'Vehicle checked in at reception', rule: 'R12', schema: stepSchemas.checkIn, update: checkIn },
  { path: 'progress-check', summary: "Workshop's answer to the 80% status check", rule: 'R14', schema: stepSchemas.progressCheck, update: recordProgressCheck },
  { path: 'additional-work', summary: 'Workshop reports additional items found during the job', rule: 'R13', schema: stepSchemas.additionalWork, update: reportAdditionalWork },
  { path: 'additional-work/decision', summary: "Customer's decision on the additional items, from the SA's call", rule: 'R13', schema: stepSchemas.additionalWorkDecision, update: decideAdditionalWork },
  { path: 'delivery', summary: 'Vehicle delivered and settled', rule: 'R16', schema: stepSchemas.delivery, update: deliver },
  { path: 'follow-up', summary: 'Follow-up call with CSI scores; a score below 8 opens a service-failure ticket, a quality loss over 20,000 CNY goes to leadership', rule: 'R17/R18/R24', schema: stepSchemas.followUp, update: recordFollowUp },
  { path: 'sales-call', summary: "Sales consultant's call to a first-service customer not fully satisfied", rule: 'R19', schema: stepSchemas.salesCall, update: recordSalesCall },
  { path: 'correction', summary: "Manager's correction with a reason: CLOSE the lifecycle (car sold, scrapped, moved away), or BACK_TO_CONFIRMATION for a confirmed booking before check-in", rule: '-', schema: stepSchemas.correction, update: correctLifecycle },
];

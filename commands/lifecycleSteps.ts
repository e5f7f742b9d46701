// Each step a person performs on a vehicle's lifecycle is one command: its policy row (`step:<path>`),
// its schema, the booked-time checks of the steps that book (R5, R8), then the lifecycle's Update.
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { stepAction } from '../api/auth/policy';
import { assignStaff, bookInbound, checkIn, completePreparation, confirmBooking, correctLifecycle, decideAdditionalWork, deliver, getState, LifecycleState, lifecycleWorkflowId, recordCallOutcome, recordFollowUp, recordPartsDeposit, recordProgressCheck, recordSalesCall, reportAdditionalWork, walkIn } from '../workflows/lifecycle/contract';
import { bookingTimeRefusal, StoreHours } from '../domain/bookingHours';
import { BookedTime, checkBookedTime } from './bookedTime';
import { Command, defineCommand } from './command';
import { stepSchemas } from './schemas';
import { sendUpdate } from './sendUpdate';

export interface LifecycleStep {
  /** The API path after /api/vehicles/:vin/, and the policy row step:<path>. */
  path: string;
  summary: string;
  rule: string;
  schema: z.ZodType;
  // The input type is checked by the schema at run time; the Update's own type is the workflow's business.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  update: UpdateDefinition<LifecycleState, [any]>;
  /** For the steps that book: the input that carries the time. */
  booking?: StepBooking;
}

export interface StepBooking {
  field: string;
  /** The step moves the car's booking, whose own bay time does not stand in its way (R7 reschedule). */
  moving: boolean;
  /** The inputs with which the step books, when it does not always. */
  when?: (input: Record<string, unknown>) => boolean;
}

/** The time the step books with this input, if it books. */
export function bookedTimeOf(step: LifecycleStep, input: Record<string, unknown>): BookedTime | undefined {
  const booking = step.booking;
  if (!booking || (booking.when && !booking.when(input))) return undefined;
  const value = input[booking.field];
  return typeof value === 'string' ? { start: Date.parse(value), moving: booking.moving } : undefined;
}

export const LIFECYCLE_STEPS: LifecycleStep[] = [
  { path: 'call-outcome', summary: 'Record the reminder call outcome: booked, undecided, declined, unreachable', rule: 'R3/R4/R5', schema: stepSchemas.callOutcome, update: recordCallOutcome, booking: { field: 'bookedFor', moving: false, when: (i) => i.outcome === 'BOOKED' } },
  { path: 'bookings', summary: 'Inbound booking by phone, web/app or at the counter', rule: 'R5', schema: stepSchemas.inboundBooking, update: bookInbound, booking: { field: 'bookedFor', moving: false } },
  { path: 'walk-in', summary: 'A car that arrives without a booking: received and checked in at once', rule: 'R12', schema: stepSchemas.walkIn, update: walkIn },
  { path: 'parts-deposit', summary: "The customer paid the deposit (at least half the price) for the expensive parts the booking orders", rule: 'R6b', schema: stepSchemas.partsDeposit, update: recordPartsDeposit },
  { path: 'preparation-complete', summary: 'Technical director: preparation complete', rule: 'R6', schema: stepSchemas.preparationComplete, update: completePreparation },
  { path: 'confirmation', summary: 'Confirmation call 2 days before: confirmed, reschedule (newBookedFor) or cancel (reason)', rule: 'R7/R8/R9', schema: stepSchemas.confirmation, update: confirmBooking, booking: { field: 'newBookedFor', moving: true, when: (i) => i.outcome === 'RESCHEDULE' } },
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

function stepCommand(step: LifecycleStep): Command<z.ZodType, LifecycleState> {
  return defineCommand({
    name: `step:${step.path}`,
    action: stepAction(step.path),
    schema: step.schema,
    async run(ctx, subject, input) {
      const booked = bookedTimeOf(step, input as Record<string, unknown>);
      if (booked) await checkBookedTime(ctx, subject.vin, booked);
      const lifecycle = ctx.client.workflow.getHandle(lifecycleWorkflowId(subject.vin));
      return sendUpdate(() => lifecycle.executeUpdate(step.update, { args: [{ ...(input as object), actor: ctx.principal.id }] }), `no running lifecycle for VIN ${subject.vin}`, {
        whereItStands: () => lifecycle.query(getState),
      });
    },
  });
}

const COMMANDS = new Map(LIFECYCLE_STEPS.map((s) => [s.path, stepCommand(s)]));

/** The command of a lifecycle step; a path without a step is a programming error. */
export function lifecycleStepCommand(path: string): Command<z.ZodType, LifecycleState> {
  const command = COMMANDS.get(path);
  if (!command) throw new Error(`no lifecycle step ${path}`);
  return command;
}

/**
 * What a door refuses of a step's input without asking a database: its schema, and a booked time outside
 * the store's hours (R5). The scenario runner, whose back office is simulated, checks its scripts with it.
 */
export function stepInputRefusal(updateName: string, input: Record<string, unknown>, nowMs: number, hours: StoreHours): string | undefined {
  const step = LIFECYCLE_STEPS.find((s) => s.update.name === updateName);
  if (!step) return undefined;
  const { actor: _actor, ...body } = input;
  const parsed = step.schema.safeParse(body);
  if (!parsed.success) return parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  const booked = bookedTimeOf(step, parsed.data as Record<string, unknown>);
  return booked ? bookingTimeRefusal(booked.start, nowMs, hours)?.message : undefined;
}

// The forms the pages offer, one per command a person may perform: every lifecycle step of the command
// catalogue (commands/lifecycleSteps.ts), a care call and a ticket's answer. Each form is derived from
// its command's schema (./commandForms.ts); which of them a page shows is decided by the policy table
// and by what the lifecycle takes now (`LifecycleState.accepts`), never by a list kept here.
import type { TaskKind } from '../generated/prisma/enums';
import { Action, stepAction } from '../api/auth/policy';
import { careCallSchema, ticketAnswerSchema } from '../commands/schemas';
import { LIFECYCLE_STEPS, LifecycleStep } from '../commands/lifecycleSteps';
import { transferVehicleSchema } from '../commands/transferVehicle';
import { bodyFromFields, FieldHint, fieldsOfSchema, FieldSpec } from './commandForms';

export type { FieldSpec } from './commandForms';

export type ActionTarget = { type: 'step'; step: LifecycleStep } | { type: 'care' } | { type: 'ticket' } | { type: 'transfer' };

export interface ActionSpec {
  /** The step's path for a lifecycle step; `care-call`, `ticket-answer` otherwise. */
  id: string;
  /** Text key of the form's heading. */
  title: string;
  /** Text key of its button. */
  submit: string;
  target: ActionTarget;
  fields: FieldSpec[];
}

// Where a select's options come from and which inputs the server fills in.
const HINTS: Record<string, FieldHint> = {
  bayId: { kind: 'select', options: 'bays' },
  technicianId: { kind: 'select', options: 'staff:TECHNICIAN' },
  advisorId: { kind: 'select', options: 'staff:SERVICE_ADVISOR' },
  // R10: the customer's SMS names them, so the names come from the staff records, not from the form.
  advisorName: 'omit',
  technicianName: 'omit',
  // A care call's contact is the task's.
  contact: 'omit',
  toStoreId: { kind: 'select', options: 'stores' },
};

// R7: the confirmation call's usual answer is a confirmation.
const STEP_HINTS: Record<string, Record<string, FieldHint>> = {
  confirmation: { outcome: { value: 'CONFIRMED' } },
};

// The time a step books is offered with the free times of the slot search.
function bookingHint(step: LifecycleStep): Record<string, FieldHint> {
  return step.booking ? { [step.booking.field]: { books: { moving: step.booking.moving } } } : {};
}

function stepSpec(step: LifecycleStep): ActionSpec {
  return { id: step.path, title: `step.${step.path}`, submit: `submit.${step.path}`, target: { type: 'step', step }, fields: fieldsOfSchema(step.schema, { ...HINTS, ...bookingHint(step), ...STEP_HINTS[step.path] }) };
}

const STEP_SPECS = new Map(LIFECYCLE_STEPS.map((s) => [s.path, stepSpec(s)]));
const CARE_CALL: ActionSpec = { id: 'care-call', title: 'step.care-call', submit: 'send', target: { type: 'care' }, fields: fieldsOfSchema(careCallSchema, { ...HINTS, bookedFor: { books: { moving: false } } }) };
const TICKET_ANSWER: ActionSpec = { id: 'ticket-answer', title: 'step.ticket-answer', submit: 'send', target: { type: 'ticket' }, fields: fieldsOfSchema(ticketAnswerSchema, HINTS) };

/** A manager moves a closed vehicle to another store, which then reopens it there. */
export const TRANSFER: ActionSpec = { id: 'vehicle-transfer', title: 'step.vehicle-transfer', submit: 'submit.vehicle-transfer', target: { type: 'transfer' }, fields: fieldsOfSchema(transferVehicleSchema, HINTS) };

/** The form of a lifecycle step; a path without a step is a programming error. */
export function stepForm(path: string): ActionSpec {
  const spec = STEP_SPECS.get(path);
  if (!spec) throw new Error(`no lifecycle step ${path}`);
  return spec;
}

/** Every lifecycle step's form, in the catalogue's order. */
export function stepForms(): ActionSpec[] {
  return [...STEP_SPECS.values()];
}

const CARE_CONTACT: Partial<Record<TaskKind, string>> = {
  NEW_CAR_7DC_CALL: 'NEW_CAR_7DC',
  USAGE_FOLLOW_UP_CALL: 'USAGE_FOLLOW_UP',
  FIRST_SERVICE_CONFIRMATION_CALL: 'FIRST_SERVICE_CONFIRMATION',
  FIRST_SERVICE_FOLLOW_UP_CALL: 'FIRST_SERVICE_FOLLOW_UP',
  MONTHLY_CALLBACK_CALL: 'MONTHLY_CALLBACK',
  MANAGEMENT_CALLBACK_CALL: 'MANAGEMENT_CALLBACK',
  YEARLY_CALLBACK_CALL: 'YEARLY_CALLBACK',
};

/** The step a lifecycle's task asks for. */
const TASK_STEP: Partial<Record<TaskKind, string>> = {
  REMINDER_CALL: 'call-outcome',
  CONFIRMATION_CALL: 'confirmation',
  PREPARATION: 'preparation-complete',
  PARTS_DEPOSIT_CALL: 'parts-deposit',
  STAFF_ASSIGNMENT: 'staff-assignment',
  PROGRESS_CHECK: 'progress-check',
  ADDITIONAL_WORK_CALL: 'additional-work/decision',
  FOLLOW_UP_CALL: 'follow-up',
  SATISFACTION_CALL: 'sales-call',
};

/** The form of a task kind; undefined for tasks answered elsewhere (a no-show is answered by the car arriving). */
export function actionForTask(kind: TaskKind): ActionSpec | undefined {
  const path = TASK_STEP[kind];
  if (path) return stepForm(path);
  if (CARE_CONTACT[kind]) return CARE_CALL;
  return kind === 'FAILURE_TICKET_ANSWER' ? TICKET_ANSWER : undefined;
}

export function policyActionOf(spec: ActionSpec): Action {
  if (spec.target.type === 'care') return 'care.call';
  if (spec.target.type === 'ticket') return 'ticket.answer';
  if (spec.target.type === 'transfer') return 'vehicle.transfer';
  return stepAction(spec.target.step.path);
}

/** The request body from the form's strings, times in the store's zone: empty fields are left out, typed fields converted. */
export function bodyFromForm(spec: ActionSpec, form: Record<string, unknown>, utcOffsetMinutes: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...bodyFromFields(spec.fields, form, utcOffsetMinutes), ...extra };
}

export { CARE_CONTACT };

// The one action each inbox item offers: which Update it sends, the form fields a person fills in, and
// how the form's strings become the API's request body (the step's own schema then validates it).
import type { TaskKind } from '../generated/prisma/enums';
import { Action, stepAction } from '../api/auth/policy';
import { LIFECYCLE_STEPS, LifecycleStep } from '../commands/lifecycleSteps';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';

export type ActionTarget = { type: 'step'; step: LifecycleStep } | { type: 'care' } | { type: 'ticket' };

export interface FieldSpec {
  name: string;
  kind: 'select' | 'number' | 'datetime' | 'text' | 'hidden';
  label?: string;
  required?: boolean;
  value?: string;
  /** Options as value + i18n key or literal label; `staff:<ROLE>` and `bays` are filled from the store. */
  options?: { value: string; label: string }[] | 'bays' | `staff:${string}`;
  /** How the string becomes the body's value. */
  as?: 'number' | 'boolean' | 'instant';
}

export interface ActionSpec {
  id: string;
  submit: string;
  target: ActionTarget;
  fields: FieldSpec[];
}

function step(path: string): ActionTarget {
  const found = LIFECYCLE_STEPS.find((s) => s.path === path);
  if (!found) throw new Error(`no step ${path}`);
  return { type: 'step', step: found };
}

const ACTIONS: Record<string, ActionSpec> = {
  callOutcome: {
    id: 'call-outcome',
    submit: 'send',
    target: step('call-outcome'),
    fields: [
      { name: 'outcome', kind: 'select', label: 'outcome', required: true, options: ['BOOKED', 'UNDECIDED', 'DECLINED', 'UNREACHABLE'].map((v) => ({ value: v, label: v })) },
      { name: 'bookedFor', kind: 'datetime', label: 'bookedFor', as: 'instant' },
      { name: 'note', kind: 'text', label: 'note' },
    ],
  },
  confirm: { id: 'confirmation', submit: 'confirm', target: step('confirmation'), fields: [{ name: 'outcome', kind: 'hidden', value: 'CONFIRMED' }, { name: 'note', kind: 'text', label: 'note' }] },
  preparation: { id: 'preparation-complete', submit: 'done', target: step('preparation-complete'), fields: [{ name: 'bayId', kind: 'select', label: 'bay', options: 'bays' }] },
  staffAssignment: {
    id: 'staff-assignment',
    submit: 'send',
    target: step('staff-assignment'),
    fields: [
      { name: 'advisorId', kind: 'select', label: 'advisor', required: true, options: 'staff:SERVICE_ADVISOR' },
      { name: 'technicianId', kind: 'select', label: 'technician', required: true, options: 'staff:TECHNICIAN' },
    ],
  },
  checkIn: {
    id: 'check-in',
    submit: 'checkIn',
    target: step('check-in'),
    fields: [
      { name: 'mileageKm', kind: 'number', label: 'mileage', required: true, as: 'number' },
      { name: 'promisedReadyAt', kind: 'datetime', label: 'promisedReadyAt', required: true, as: 'instant' },
      { name: 'fuelLevel', kind: 'text', label: 'fuelLevel' },
    ],
  },
  progressCheck: {
    id: 'progress-check',
    submit: 'send',
    target: step('progress-check'),
    fields: [
      { name: 'onTime', kind: 'select', label: 'status', required: true, as: 'boolean', options: [{ value: 'true', label: 'onTime' }, { value: 'false', label: 'delayed' }] },
      { name: 'newPromisedReadyAt', kind: 'datetime', label: 'newPromisedReadyAt', as: 'instant' },
      { name: 'note', kind: 'text', label: 'note' },
    ],
  },
  additionalWorkDecision: {
    id: 'additional-work/decision',
    submit: 'send',
    target: step('additional-work/decision'),
    fields: [
      { name: 'approved', kind: 'select', label: 'outcome', required: true, as: 'boolean', options: [{ value: 'true', label: 'approved' }, { value: 'false', label: 'declined' }] },
      { name: 'note', kind: 'text', label: 'note' },
    ],
  },
  delivery: {
    id: 'delivery',
    submit: 'delivery',
    target: step('delivery'),
    fields: [
      { name: 'amountDueCny', kind: 'number', label: 'amountDue', required: true, as: 'number' },
      { name: 'amountPaidCny', kind: 'number', label: 'amountPaid', required: true, as: 'number' },
    ],
  },
  followUp: {
    id: 'follow-up',
    submit: 'send',
    target: step('follow-up'),
    fields: [
      { name: 'attitudeScore', kind: 'number', label: 'attitude', required: true, as: 'number' },
      { name: 'qualityScore', kind: 'number', label: 'quality', required: true, as: 'number' },
      { name: 'comment', kind: 'text', label: 'comment' },
    ],
  },
  salesCall: { id: 'sales-call', submit: 'send', target: step('sales-call'), fields: [{ name: 'realReason', kind: 'text', label: 'realReason', required: true }] },
  careCall: { id: 'care-call', submit: 'send', target: { type: 'care' }, fields: [{ name: 'outcome', kind: 'text', label: 'outcome', required: true }] },
  ticketAnswer: { id: 'ticket-answer', submit: 'send', target: { type: 'ticket' }, fields: [{ name: 'answer', kind: 'text', label: 'answer', required: true }] },
};

const CARE_CONTACT: Partial<Record<TaskKind, string>> = {
  NEW_CAR_7DC_CALL: 'NEW_CAR_7DC',
  USAGE_FOLLOW_UP_CALL: 'USAGE_FOLLOW_UP',
  FIRST_SERVICE_CONFIRMATION_CALL: 'FIRST_SERVICE_CONFIRMATION',
  MONTHLY_CALLBACK_CALL: 'MONTHLY_CALLBACK',
  MANAGEMENT_CALLBACK_CALL: 'MANAGEMENT_CALLBACK',
  YEARLY_CALLBACK_CALL: 'YEARLY_CALLBACK',
};

const BY_TASK: Partial<Record<TaskKind, ActionSpec>> = {
  REMINDER_CALL: ACTIONS.callOutcome,
  CONFIRMATION_CALL: ACTIONS.confirm,
  PREPARATION: ACTIONS.preparation,
  STAFF_ASSIGNMENT: ACTIONS.staffAssignment,
  PROGRESS_CHECK: ACTIONS.progressCheck,
  ADDITIONAL_WORK_CALL: ACTIONS.additionalWorkDecision,
  FOLLOW_UP_CALL: ACTIONS.followUp,
  SATISFACTION_CALL: ACTIONS.salesCall,
  NEW_CAR_7DC_CALL: ACTIONS.careCall,
  USAGE_FOLLOW_UP_CALL: ACTIONS.careCall,
  FIRST_SERVICE_CONFIRMATION_CALL: ACTIONS.careCall,
  MONTHLY_CALLBACK_CALL: ACTIONS.careCall,
  MANAGEMENT_CALLBACK_CALL: ACTIONS.careCall,
  YEARLY_CALLBACK_CALL: ACTIONS.careCall,
  FAILURE_TICKET_ANSWER: ACTIONS.ticketAnswer,
};

/** The action of a task kind; undefined for tasks answered elsewhere (a no-show is answered by the car arriving). */
export function actionForTask(kind: TaskKind): ActionSpec | undefined {
  return BY_TASK[kind];
}

export function actionById(id: string): ActionSpec | undefined {
  return Object.values(ACTIONS).find((a) => a.id === id);
}

export const STAGE_ACTIONS: Record<string, ActionSpec> = { AWAITING_CHECK_IN: ACTIONS.checkIn, IN_SERVICE: ACTIONS.delivery };

export function policyActionOf(spec: ActionSpec): Action {
  if (spec.target.type === 'care') return 'care.call';
  if (spec.target.type === 'ticket') return 'ticket.answer';
  return stepAction(spec.target.step.path);
}

/** `datetime-local` values carry no zone: they are the store's wall clock. */
export function storeLocalToInstant(value: string, utcOffsetMinutes = DEFAULT_STORE_SETTINGS.utcOffsetMinutes): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${value}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The request body from the form's strings: empty fields are left out, typed fields converted. */
export function bodyFromForm(spec: ActionSpec, form: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const raw = typeof form[f.name] === 'string' ? (form[f.name] as string).trim() : f.value;
    if (raw === undefined || raw === '') continue;
    if (f.as === 'number') body[f.name] = Number(raw);
    else if (f.as === 'boolean') body[f.name] = raw === 'true';
    else if (f.as === 'instant') body[f.name] = storeLocalToInstant(raw) ?? raw;
    else body[f.name] = raw;
  }
  return { ...body, ...extra };
}

export { CARE_CONTACT };

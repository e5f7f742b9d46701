// R20, R21, R22: one vehicle's care contacts beside its service cycles, for as long as it is looked after:
// the new-car 7DC survey and the sales consultant's first-three-services calls, each a task a person
// answers, and the yearly birthday greeting and inspection / insurance reminders, each an outbox message.
import * as wf from '@temporalio/workflow';
import type { CareActivities } from './activities';
import { addDays, CalendarDate, isCalendarDate, localDate } from '../../domain/calendar';
import { birthdayGreeting, CareOccurrence, firstServiceConfirmationCall, holidayGreeting, inspectionReminder, insuranceRenewalReminder, isMonthDay, managementCallback, missedFirstServiceFollowUp, monthlyCallback, newCarSurveyCall, usageFollowUpCall, yearlyCallback } from '../../domain/careSchedule';
import type { StoreSettings } from '../../domain/storeSettings';
import type { StaffRole, TaskKind } from '../../generated/prisma/enums';
import { CareCallContact, CareContact, CareMessageContact, CareState, CareWaiting, CustomerCareInput, firstServiceMissed, getCare, OpenCareCall, recordCareCall } from './contract';
import { storeSettingsChanged, DATA_ERROR_TYPE, REJECTION_TYPES, stepRefusal, iso } from '../shared';

// Unlimited attempts: an outage (or a vehicle row the lifecycle has not written yet) delays a contact, never drops it.
const retry: wf.RetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['UnknownStore'] };
const acts = wf.proxyActivities<CareActivities>({ startToCloseTimeout: '1 minute', retry });
/**
 * The same activities for a person's care call (the recordCareCall Update): data the database refuses is
 * final there, so the Update is refused (422) and the call stays open for corrected data; the activity is
 * told so in the call (`PersonsStep`, activities/auditedStep.ts: a remote activity does not always see its
 * retry policy) and records the refusal. The same commands as `acts`: only the retry policy differs.
 */
const stepActs = wf.proxyActivities<CareActivities>({ startToCloseTimeout: '1 minute', retry: { ...retry, nonRetryableErrorTypes: [...retry.nonRetryableErrorTypes!, DATA_ERROR_TYPE] } });

/** A run covers a year of contacts, so its history stays a few hundred events however long the car is cared for. */
const RUN_SPAN_MS = 365 * 24 * 3_600_000;

interface Plan {
  rule: 'R20' | 'R21' | 'R22';
  what: string;
  /** The occurrence still owed on or after `from`; undefined when the contact does not apply to this car or is over. */
  next(input: CustomerCareInput, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined;
}

interface MessagePlan extends Plan {
  template: string;
  payload(input: CustomerCareInput, occurrence: CareOccurrence & { holiday?: string }): Record<string, string>;
}

interface CallPlan extends Plan {
  kind: TaskKind;
  role: StaffRole;
}

const MESSAGES: Record<CareMessageContact, MessagePlan> = {
  BIRTHDAY_GREETING: {
    rule: 'R21',
    what: 'birthday greeting (SMS/e-mail)',
    template: 'birthday-greeting',
    next: (i, from, s) => (i.customer.birthday ? birthdayGreeting(i.customer.birthday, from, s) : undefined),
    payload: (i, o) => ({ name: i.customer.name, birthday: o.occasion }),
  },
  INSPECTION_REMINDER: {
    rule: 'R21',
    what: 'annual inspection reminder (SMS/e-mail)',
    template: 'inspection-reminder',
    next: (i, from, s) => (i.inspectionDate ? inspectionReminder(i.inspectionDate, from, s) : undefined),
    payload: (i, o) => ({ plate: i.plate, inspectionDate: o.occasion }),
  },
  INSURANCE_REMINDER: {
    rule: 'R21',
    what: 'insurance renewal reminder (SMS/e-mail)',
    template: 'insurance-renewal-reminder',
    next: (i, from, s) => (i.insuranceRenewalDate ? insuranceRenewalReminder(i.insuranceRenewalDate, from, s) : undefined),
    payload: (i, o) => ({ plate: i.plate, renewalDate: o.occasion }),
  },
  HOLIDAY_GREETING: {
    rule: 'R21',
    what: 'holiday greeting (SMS/e-mail)',
    template: 'holiday-greeting',
    next: (_i, from, s) => holidayGreeting(from, s),
    payload: (i, o) => ({ name: i.customer.name, holiday: o.holiday ?? '', holidayDate: o.occasion }),
  },
};

const CALLS: Record<CareCallContact, CallPlan> = {
  NEW_CAR_7DC: {
    rule: 'R20',
    what: '7DC new-car survey call',
    kind: 'NEW_CAR_7DC_CALL',
    role: 'CUSTOMER_RELATIONS',
    next: (i, from, s) => (i.newCar ? newCarSurveyCall(i.deliveryDate, i.secondaryDealer ?? false, from, s) : undefined),
  },
  USAGE_FOLLOW_UP: {
    rule: 'R22',
    what: "sales consultant's usage follow-up call (monthly mileage)",
    kind: 'USAGE_FOLLOW_UP_CALL',
    role: 'SALES_CONSULTANT',
    next: (i, from, s) => (i.newCar ? usageFollowUpCall(i.deliveryDate, from, s) : undefined),
  },
  FIRST_SERVICE_CONFIRMATION: {
    rule: 'R22',
    what: "sales consultant's first-service confirmation call",
    kind: 'FIRST_SERVICE_CONFIRMATION_CALL',
    role: 'SALES_CONSULTANT',
    next: (i, from, s) => (i.newCar ? firstServiceConfirmationCall(i.deliveryDate, from, s) : undefined),
  },
  FIRST_SERVICE_FOLLOW_UP: {
    rule: 'R22',
    what: "sales consultant's follow-up of a first service cancelled or missed",
    kind: 'FIRST_SERVICE_FOLLOW_UP_CALL',
    role: 'SALES_CONSULTANT',
    next: (i, from, s) => (i.newCar && i.firstServiceMissedOn ? missedFirstServiceFollowUp(i.firstServiceMissedOn, from, s) : undefined),
  },
  MONTHLY_CALLBACK: {
    rule: 'R20',
    what: 'one-month callback after delivery',
    kind: 'MONTHLY_CALLBACK_CALL',
    role: 'CUSTOMER_RELATIONS',
    next: (i, from, s) => (i.newCar ? monthlyCallback(i.deliveryDate, from, s) : undefined),
  },
  MANAGEMENT_CALLBACK: {
    rule: 'R20',
    what: "management's sampled quarterly callback",
    kind: 'MANAGEMENT_CALLBACK_CALL',
    role: 'GENERAL_MANAGER',
    next: (i, from, s) => (i.newCar ? managementCallback(i.vin, i.deliveryDate, from, s) : undefined),
  },
  YEARLY_CALLBACK: {
    rule: 'R20',
    what: 'one-year callback after delivery',
    kind: 'YEARLY_CALLBACK_CALL',
    role: 'CUSTOMER_RELATIONS',
    next: (i, from, s) => (i.newCar ? yearlyCallback(i.deliveryDate, from, s) : undefined),
  },
};

const isCall = (contact: string): contact is CareCallContact => Object.hasOwn(CALLS, contact);
const planOf = (contact: CareContact): Plan => (isCall(contact) ? CALLS[contact] : MESSAGES[contact]);
const ALL_CONTACTS = [...Object.keys(CALLS), ...Object.keys(MESSAGES)] as CareContact[];

const rejection = (type: string, message: string) => wf.ApplicationFailure.create({ message, type, nonRetryable: true });

/** Bad dates would fail every workflow task; failing the workflow tells the starter at once. */
function checkInput(input: CustomerCareInput): void {
  const dates = { deliveryDate: input.deliveryDate, inspectionDate: input.inspectionDate, insuranceRenewalDate: input.insuranceRenewalDate };
  for (const [field, value] of Object.entries(dates)) {
    if (value !== undefined && !isCalendarDate(value)) throw rejection(REJECTION_TYPES.invalidInput, `${field} must be a date YYYY-MM-DD: ${value}`);
  }
  if (input.customer.birthday !== undefined && !isMonthDay(input.customer.birthday)) {
    throw rejection(REJECTION_TYPES.invalidInput, `customer.birthday must be MM-DD: ${input.customer.birthday}`);
  }
}

export async function customerCare(given: CustomerCareInput): Promise<void> {
  checkInput(given);
  // The lifecycle's news (a first service missed) is laid over the facts care started with.
  const input: CustomerCareInput = { ...given };
  let replan = false;
  wf.setHandler(firstServiceMissed, (missed) => {
    input.firstServiceMissedOn = missed.on;
    replan = true;
  });
  const info = wf.workflowInfo();
  const runStartedAt = Date.now();
  const openCalls: OpenCareCall[] = [...(input.progress?.openCalls ?? [])];
  const recording = new Set<CareCallContact>();
  let next: { contact: CareContact; occurrence: CareOccurrence } | undefined;

  // The occasion's year keys the occurrence's task, message and audit event, so next year's is a new one.
  const ctxFor = (occasion: CalendarDate) => ({ workflowId: info.workflowId, runId: info.runId, vin: input.vin, cycle: Number(occasion.slice(0, 4)), at: iso(Date.now()) });
  const who = (contact: CareContact) => (isCall(contact) && CALLS[contact].role === 'SALES_CONSULTANT' && input.salesConsultantId ? { who: input.salesConsultantId } : {});

  const snapshot = (): CareState => {
    const waits: CareWaiting[] = openCalls.map((c) => ({ contact: c.contact, what: `${CALLS[c.contact].what}: outcome`, rule: CALLS[c.contact].rule, by: c.by, ...who(c.contact) }));
    if (next) {
      const plan = planOf(next.contact);
      waits.push({ contact: next.contact, what: isCall(next.contact) ? `${plan.what}: task` : plan.what, rule: plan.rule, by: iso(next.occurrence.at), ...who(next.contact) });
    }
    return { vin: input.vin, plate: input.plate, storeId: input.storeId, waitingFor: waits.sort((a, b) => a.by.localeCompare(b.by)) };
  };

  wf.setHandler(getCare, snapshot);
  wf.setHandler(
    recordCareCall,
    async (call) => {
      const open = openCalls.find((c) => c.contact === call.contact)!;
      const plan = CALLS[call.contact];
      recording.add(call.contact);
      try {
        await stepActs.recordCareCall(ctxFor(open.occasion), { contact: call.contact, kind: plan.kind, rule: plan.rule, actor: call.actor, outcome: call.outcome }, { dataErrorsFinal: true });
        openCalls.splice(openCalls.indexOf(open), 1);
      } catch (err) {
        // Refused (422): the call stays open, and no longer being recorded, for the corrected outcome.
        throw stepRefusal(err);
      } finally {
        recording.delete(call.contact);
      }
      return snapshot();
    },
    {
      validator: (call) => {
        const contact = String(call?.contact);
        if (!openCalls.some((c) => c.contact === contact)) {
          const waits = snapshot().waitingFor.map((w) => w.what).join(', ') || 'nothing';
          throw rejection(REJECTION_TYPES.wrongStage, `no ${contact} call is due now: care of ${input.vin} waits for ${waits}`);
        }
        if (recording.has(contact as CareCallContact)) throw rejection(REJECTION_TYPES.wrongStage, `the ${contact} call is already being recorded`);
        if (typeof call.actor !== 'string' || call.actor.trim() === '') throw rejection(REJECTION_TYPES.invalidInput, 'actor is required');
        if (typeof call.outcome !== 'string' || call.outcome.trim() === '') throw rejection(REJECTION_TYPES.invalidInput, 'outcome must say what the call achieved');
      },
    },
  );

  // New store settings plan every contact after the one already waited for; laid over a load in flight.
  let changedSettings: StoreSettings | undefined;
  wf.setHandler(storeSettingsChanged, async (change) => {
    changedSettings = change.settings;
    await acts.recordSettingsApplied(ctxFor(localDate(Date.now(), change.settings.utcOffsetMinutes)), change);
  });

  const loaded = await acts.loadStoreSettings(input.storeId);
  const settings = () => changedSettings ?? loaded;
  const today = localDate(Date.now(), settings().utcOffsetMinutes);
  const owedFrom: Record<CareContact, CalendarDate> = { ...(Object.fromEntries(ALL_CONTACTS.map((c) => [c, today])) as Record<CareContact, CalendarDate>), ...input.progress?.owedFrom };

  for (;;) {
    next = earliest(input, ALL_CONTACTS, owedFrom, settings());
    if (!next) break;
    const { contact, occurrence } = next;
    const remaining = occurrence.at - Date.now();
    // A contact the lifecycle's news made owed sooner is planned again.
    if (remaining > 0 && (await wf.condition(() => replan, remaining))) {
      replan = false;
      next = undefined;
      continue;
    }
    replan = false;
    const ctx = ctxFor(occurrence.occasion);
    if (isCall(contact)) {
      const plan = CALLS[contact];
      await acts.openTask(ctx, { kind: plan.kind, rule: plan.rule, dueAt: iso(occurrence.by), assigneeRole: plan.role });
      openCalls.push({ contact, occasion: occurrence.occasion, by: iso(occurrence.by) });
    } else {
      const plan = MESSAGES[contact];
      await acts.queueCustomerMessage(ctx, { template: plan.template, rule: plan.rule, customer: input.customer, payload: plan.payload(input, occurrence) });
    }
    owedFrom[contact] = addDays(occurrence.occasion, 1);
    next = undefined;
    if (Date.now() - runStartedAt >= RUN_SPAN_MS) {
      await wf.condition(wf.allHandlersFinished);
      // Calls still open travel with the progress: the next run keeps waiting for their outcome.
      await wf.continueAsNew<typeof customerCare>({ ...input, progress: { owedFrom, openCalls } });
    }
  }
  // Nothing yearly to send (no birthday, no dates): care ends once the last call is answered.
  await wf.condition(() => openCalls.length === 0 && wf.allHandlersFinished());
}

/** The contact owed first; ties go to the order of `contacts`, so a replay picks the same one. */
function earliest(
  input: CustomerCareInput,
  contacts: CareContact[],
  owedFrom: Record<CareContact, CalendarDate>,
  s: StoreSettings,
): { contact: CareContact; occurrence: CareOccurrence } | undefined {
  let first: { contact: CareContact; occurrence: CareOccurrence } | undefined;
  for (const contact of contacts) {
    const occurrence = planOf(contact).next(input, owedFrom[contact], s);
    if (occurrence && (!first || occurrence.at < first.occurrence.at)) first = { contact, occurrence };
  }
  return first;
}

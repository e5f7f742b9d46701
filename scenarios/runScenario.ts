// Runs a scenario on the time-skipping server with the real workflow code and real durations, the back
// office simulated, and returns the timeline: every event with its simulated time and the rule behind it.
import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { updateRejectionReason } from '../api/workflowErrors';
import { stepInputRefusal } from '../commands/lifecycleSteps';
import { careCallSchema } from '../commands/schemas';
import { addDays, addMonths, localDate } from '../domain/calendar';
import { resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import { lifecycleBundle } from '../runtime/timeSkippingServer';
import { CareCallContact, CareContact, careWorkflowId, CareState, CustomerCareInput, getCare } from '../workflows/care/contract';
import { FailureTicketState, getFailureTicket } from '../workflows/failureTicket/contract';
import { LIFECYCLE_TASK_QUEUE, LifecycleState, lifecycleWorkflowId, VehicleLifecycleInput } from '../workflows/lifecycle/contract';
import { advanceCare, advanceTo, isOpenCall, RehearsalStuck, WaitBound } from './advance';
import { CareStep, Scenario, ScenarioVehicle } from './scenario';
import { RecordedCall, recordingActivities } from './simulatedActivities';
import { durationMs, resolveInput } from './timeExpressions';

export interface TimelineEvent {
  at: string;
  event: string;
  rule?: string;
  actor?: string;
  detail?: unknown;
}

export interface VehicleOutcome {
  vin: string;
  /** The first run of the vehicle's lifecycle in this rehearsal, for reading its Temporal history. */
  workflowId: string;
  firstRunId: string;
  timeline: TimelineEvent[];
  finalState: LifecycleState;
  failureTicket?: FailureTicketState;
  /** Where the vehicle's care stood at the end, when the scenario rehearsed it. */
  care?: CareState;
}

/** The outbox template of each message care sends (workflows/customerCare.ts). */
const CARE_TEMPLATES: Record<Exclude<CareContact, CareCallContact>, string> = {
  BIRTHDAY_GREETING: 'birthday-greeting',
  HOLIDAY_GREETING: 'holiday-greeting',
  INSPECTION_REMINDER: 'inspection-reminder',
  INSURANCE_REMINDER: 'insurance-renewal-reminder',
};
const isCareMessage = (contact: CareContact): contact is keyof typeof CARE_TEMPLATES => Object.hasOwn(CARE_TEMPLATES, contact);

/** The rule each back-office step carries out, for activities whose input does not name it. */
const ACTIVITY_RULES: Record<string, string> = {
  registerVehicle: 'R1',
  scheduleCycle: 'R1',
  recordCallOutcome: 'R3',
  bookInbound: 'R5',
  prepareWorkOrder: 'R6',
  completePreparation: 'R6',
  confirmBooking: 'R7',
  rescheduleBooking: 'R7',
  cancelBooking: 'R9',
  assignStaff: 'R10',
  markNoShow: 'R11',
  checkIn: 'R12',
  reportAdditionalWork: 'R13',
  decideAdditionalWork: 'R13',
  recordProgressCheck: 'R14',
  deliverVehicle: 'R16',
  recordFollowUp: 'R17',
  openFailureTicket: 'R18',
  pageEscalationLevel: 'R18',
  recordLateAnswer: 'R18',
  answerFailureTicket: 'R18',
  recordSalesCall: 'R19',
  closeCycleWithoutService: 'R3',
};

/** The rule behind each step a person performs. */
const UPDATE_RULES: Record<string, string> = {
  recordCallOutcome: 'R3',
  bookInbound: 'R5',
  completePreparation: 'R6',
  confirmBooking: 'R7',
  assignStaff: 'R10',
  checkIn: 'R12',
  reportAdditionalWork: 'R13',
  decideAdditionalWork: 'R13',
  recordProgressCheck: 'R14',
  deliver: 'R16',
  recordFollowUp: 'R17',
  answerFailureTicket: 'R18',
  recordSalesCall: 'R19',
};

const UNTIMED = new Set(['loadCyclePolicy', 'loadStoreSettings']);

export async function runScenario(env: TestWorkflowEnvironment, scenario: Scenario): Promise<VehicleOutcome[]> {
  const settings = resolveStoreSettings(scenario.storeSettings);
  const withinMs = durationMs(scenario.within);
  const outcomes: VehicleOutcome[] = [];
  for (const vehicle of scenario.vehicles) outcomes.push(await runVehicle(env, vehicle, settings, withinMs));
  return outcomes;
}

async function runVehicle(env: TestWorkflowEnvironment, v: ScenarioVehicle, settings: StoreSettings, withinMs: number): Promise<VehicleOutcome> {
  const { activities, calls } = recordingActivities({ settings, intervalMonths: v.intervalMonths, intervalKm: v.intervalKm, servicePlanId: null });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  const steps: TimelineEvent[] = [];
  return worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const today = localDate(now, settings.utcOffsetMinutes);
    const handle = await env.client.workflow.start('vehicleLifecycle', {
      taskQueue: LIFECYCLE_TASK_QUEUE,
      workflowId: lifecycleWorkflowId(v.vin),
      args: [vehicleInput(v, today)],
    });
    // Care starts after the lifecycle, as at registration (commands/registration.ts).
    const care = v.care && (await env.client.workflow.start('customerCare', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: careWorkflowId(v.vin), args: [careInput(v, today)] }));
    // Messages care sent that an earlier step already expected: a message step waits for the next one.
    const expectedMessages = new Map<string, number>();
    let last: LifecycleState | undefined;
    let ticketId: string | undefined;
    const seen = (s: LifecycleState) => {
      last = s;
      ticketId = s.failureTicket ?? ticketId;
    };
    // The last events say why a vehicle stopped short (a refused step, a timer not yet fired).
    const withLastEvents = (err: unknown) => {
      if (err instanceof RehearsalStuck) err.message += `; the last events: ${JSON.stringify(timeline(calls, steps).slice(-5))}`;
      throw err;
    };
    try {
      for (const [index, step] of v.script.entries()) {
        const bound = { step: `step ${index + 1} (${'care' in step ? step.care : step.send})`, withinMs: step.within ? durationMs(step.within) : withinMs };
        if ('care' in step) {
          await careStep(env, requireCare(care), step, bound, calls, steps, expectedMessages).catch(withLastEvents);
          continue;
        }
        await advanceTo(env, handle, step.at, seen, bound).catch(withLastEvents);
        if (step.wait) await env.sleep(step.wait === 'booked' ? Math.max(0, Date.parse(last!.bookedFor!) - (await env.currentTimeMs())) : durationMs(step.wait));
        const at = await env.currentTimeMs();
        const input = { ...resolveInput(step.input, { now: at, dueDate: last?.dueDate, bookedFor: last?.bookedFor ? Date.parse(last.bookedFor) : undefined, utcOffsetMinutes: settings.utcOffsetMinutes }), actor: step.actor };
        const target: WorkflowHandle = step.toTicket ? env.client.workflow.getHandle(requireTicket(ticketId)) : handle;
        // The store's doors check a step's input before the workflow sees it; so does the rehearsal.
        const refused = step.toTicket ? undefined : stepInputRefusal(step.send, input, at, { ...settings, openingHours: [], holidays: [] });
        if (refused) {
          steps.push({ at: new Date(at).toISOString(), event: `update:${step.send}`, rule: UPDATE_RULES[step.send], actor: step.actor, detail: { input, accepted: false, reason: refused } });
          continue;
        }
        try {
          const result = (await target.executeUpdate(step.send, { args: [input] })) as { stage?: string };
          steps.push({ at: new Date(at).toISOString(), event: `update:${step.send}`, rule: UPDATE_RULES[step.send], actor: step.actor, detail: { input, accepted: true, stage: result.stage } });
          if (!step.toTicket) seen(result as LifecycleState);
        } catch (err) {
          const reason = updateRejectionReason(err);
          if (reason === undefined) throw err;
          steps.push({ at: new Date(at).toISOString(), event: `update:${step.send}`, rule: UPDATE_RULES[step.send], actor: step.actor, detail: { input, accepted: false, reason } });
        }
      }
      const finalState = await advanceTo(env, handle, v.until, seen, { step: 'until', withinMs }).catch(withLastEvents);
      const failureTicket = ticketId ? await env.client.workflow.getHandle(ticketId).query(getFailureTicket) : undefined;
      const careState = care && (await care.query(getCare));
      return { vin: v.vin, workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId, timeline: timeline(calls, steps), finalState, failureTicket, ...(careState ? { care: careState } : {}) };
    } finally {
      await handle.terminate('scenario over').catch(() => undefined);
      await care?.terminate('scenario over').catch(() => undefined);
      if (ticketId) await env.client.workflow.getHandle(ticketId).terminate('scenario over').catch(() => undefined);
    }
  });
}

/**
 * A care step: waits (bounded) for the call to come due or the message to go, then records the call's
 * outcome through the same check as the care-call door (commands/careCall.ts).
 */
async function careStep(env: TestWorkflowEnvironment, care: WorkflowHandle, step: CareStep, bound: WaitBound, calls: RecordedCall[], steps: TimelineEvent[], expectedMessages: Map<string, number>): Promise<void> {
  const contact = step.care;
  if (isCareMessage(contact)) {
    const template = CARE_TEMPLATES[contact];
    const already = expectedMessages.get(template) ?? 0;
    const sent = () => calls.filter((c) => c.name === 'queueCustomerMessage' && (c.args[0] as { template?: string }).template === template && c.workflowId === care.workflowId).length;
    await advanceCare(env, care, `care message ${contact}`, () => sent() > already, bound);
    expectedMessages.set(template, already + 1);
    if (step.wait) await env.sleep(durationMs(step.wait));
    return;
  }
  const due = await advanceCare(env, care, `care call ${contact} (its outcome owed)`, (s) => s.waitingFor.some((w) => w.contact === contact && isOpenCall(w)), bound);
  if (step.wait) await env.sleep(durationMs(step.wait));
  if (step.outcome === undefined) return;
  const at = new Date(await env.currentTimeMs()).toISOString();
  const rule = due.waitingFor.find((w) => w.contact === contact)?.rule;
  const input = { contact, outcome: step.outcome, actor: step.actor };
  const parsed = careCallSchema.safeParse({ contact, outcome: step.outcome });
  if (!parsed.success) {
    steps.push({ at, event: 'update:recordCareCall', rule, actor: step.actor, detail: { input, accepted: false, reason: parsed.error.issues.map((i) => i.message).join('; ') } });
    return;
  }
  try {
    await care.executeUpdate('recordCareCall', { args: [{ ...parsed.data, actor: step.actor }] });
    steps.push({ at, event: 'update:recordCareCall', rule, actor: step.actor, detail: { input, accepted: true } });
  } catch (err) {
    const reason = updateRejectionReason(err);
    if (reason === undefined) throw err;
    steps.push({ at, event: 'update:recordCareCall', rule, actor: step.actor, detail: { input, accepted: false, reason } });
  }
}

function requireCare(care: WorkflowHandle | undefined): WorkflowHandle {
  if (!care) throw new Error('a care step needs the vehicle\'s `care` facts, which start its care workflow');
  return care;
}

function careInput(v: ScenarioVehicle, today: string): CustomerCareInput {
  const c = v.care!;
  return {
    vin: v.vin,
    storeId: 'scenario-store',
    plate: v.plate,
    deliveryDate: addMonths(today, -v.deliveredMonthsAgo),
    newCar: c.newCar,
    secondaryDealer: c.secondaryDealer,
    customer: { ...v.customer, birthday: c.birthday },
    inspectionDate: c.inspectionInDays === undefined ? undefined : addDays(today, c.inspectionInDays),
    insuranceRenewalDate: c.insuranceRenewalInDays === undefined ? undefined : addDays(today, c.insuranceRenewalInDays),
    salesConsultantId: c.salesConsultantId,
  };
}

function requireTicket(ticketId: string | undefined): string {
  if (!ticketId) throw new Error('a ticket step came before any service-failure ticket was opened');
  return ticketId;
}

function vehicleInput(v: ScenarioVehicle, today: string): VehicleLifecycleInput {
  return {
    vehicle: {
      vin: v.vin,
      plate: v.plate,
      model: v.model,
      storeId: 'scenario-store',
      deliveryDate: addMonths(today, -v.deliveredMonthsAgo),
      mileageKm: v.mileageKm,
      mileageRecordedOn: today,
    },
    customer: v.customer,
    history:
      v.lastServiceMonthsAgo === undefined
        ? { cycle: 1 }
        : { cycle: 2, lastServiceDate: addMonths(today, -v.lastServiceMonthsAgo), lastServiceKm: v.lastServiceKm ?? Math.max(0, v.mileageKm - 3000) },
    registeredBy: 'scenario',
  };
}

/** The back office's record and the people's steps, in simulated time order. */
function timeline(calls: RecordedCall[], steps: TimelineEvent[]): TimelineEvent[] {
  const work = calls
    .filter((c) => !UNTIMED.has(c.name) && c.at)
    .map((c): TimelineEvent => {
      // A step given as named options shows what the person entered, as a step given positionally does.
      const given = c.args[0] as { input?: unknown } | undefined;
      const detail = given && typeof given === 'object' && 'input' in given ? given.input : given;
      const first = detail as { rule?: string; kind?: string; template?: string } | undefined;
      const what = c.name === 'openTask' ? `task:${first?.kind}` : c.name === 'queueCustomerMessage' ? `message:${first?.template}` : c.name;
      return { at: c.at!, event: what, rule: first?.rule ?? ACTIVITY_RULES[c.name], detail };
    });
  return [...work, ...steps].sort((a, b) => a.at.localeCompare(b.at));
}

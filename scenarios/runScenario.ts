// Runs a scenario on the time-skipping server with the real workflow code and real durations, the back
// office simulated, and returns the timeline: every event with its simulated time and the rule behind it.
import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { updateRejectionReason } from '../api/workflowErrors';
import { stepInputRefusal } from '../commands/lifecycleSteps';
import { addMonths, localDate } from '../domain/calendar';
import { resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import { lifecycleBundle } from '../runtime/timeSkippingServer';
import { FailureTicketState, getFailureTicket } from '../workflows/failureTicket/contract';
import { LIFECYCLE_TASK_QUEUE, LifecycleState, lifecycleWorkflowId, VehicleLifecycleInput } from '../workflows/lifecycle/contract';
import { advanceTo } from './advance';
import { Scenario, ScenarioVehicle } from './scenario';
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
}

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
  const outcomes: VehicleOutcome[] = [];
  for (const vehicle of scenario.vehicles) outcomes.push(await runVehicle(env, vehicle, settings));
  return outcomes;
}

async function runVehicle(env: TestWorkflowEnvironment, v: ScenarioVehicle, settings: StoreSettings): Promise<VehicleOutcome> {
  const { activities, calls } = recordingActivities({ settings, intervalMonths: v.intervalMonths, intervalKm: v.intervalKm, servicePlanId: null });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  const steps: TimelineEvent[] = [];
  return worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const handle = await env.client.workflow.start('vehicleLifecycle', {
      taskQueue: LIFECYCLE_TASK_QUEUE,
      workflowId: lifecycleWorkflowId(v.vin),
      args: [vehicleInput(v, localDate(now, settings.utcOffsetMinutes))],
    });
    let last: LifecycleState | undefined;
    let ticketId: string | undefined;
    const seen = (s: LifecycleState) => {
      last = s;
      ticketId = s.failureTicket ?? ticketId;
    };
    try {
      for (const step of v.script) {
        await advanceTo(env, handle, step.at, seen).catch((err: Error) => {
          // The last events say why a vehicle stopped short (a refused step, a timer not yet fired).
          throw new Error(`${v.vin}: ${err.message}; the last events: ${JSON.stringify(timeline(calls, steps).slice(-5))}`);
        });
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
      const finalState = await advanceTo(env, handle, v.until, seen);
      const failureTicket = ticketId ? await env.client.workflow.getHandle(ticketId).query(getFailureTicket) : undefined;
      return { vin: v.vin, workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId, timeline: timeline(calls, steps), finalState, failureTicket };
    } finally {
      await handle.terminate('scenario over').catch(() => undefined);
      if (ticketId) await env.client.workflow.getHandle(ticketId).terminate('scenario over').catch(() => undefined);
    }
  });
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

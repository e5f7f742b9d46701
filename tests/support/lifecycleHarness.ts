// Shared moves of the time-skipping lifecycle tests: start a vehicle, let simulated time run to a stage.
import { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { updateRejectionReason } from '../../api/workflowErrors';
import { addMonths } from '../../domain/calendar';
import { getState, LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, Stage, VehicleLifecycleInput } from '../../workflows/definitions';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Lets simulated time run to each timer the workflow reports until it is at `stage`. */
export async function advanceTo(env: TestWorkflowEnvironment, handle: WorkflowHandle, stage: Stage): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const state = await handle.query(getState);
    if (state.stage === stage) return;
    const now = await env.currentTimeMs();
    const next = state.waitingFor.map((w) => Date.parse(w.by)).filter((t) => t > now).sort((a, b) => a - b)[0];
    await env.sleep(next === undefined ? 1000 : next - now + 1000);
  }
  throw new Error(`workflow never reached ${stage}`);
}

/** The store's local calendar date (+08:00) at an instant. */
export function localDay(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
}

export function isoDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Timers fire a few milliseconds after their instant (the workflow task's own time); compare to the minute. */
export function toMinute(iso: string | undefined): string | undefined {
  return iso?.slice(0, 16);
}

export async function rejection(update: Promise<unknown>): Promise<string | undefined> {
  try {
    await update;
  } catch (err) {
    return updateRejectionReason(err) ?? String(err);
  }
  throw new Error('the update was accepted');
}

/** A car serviced 5 months ago on a 6-month plan: due one month after `today` by time (R1). */
export function vehicleInput(today: string, vin = 'LSVAU2180N2183294'): VehicleLifecycleInput {
  return {
    vehicle: {
      vin,
      plate: '苏F12345',
      model: 'Lavida',
      storeId: 'store-nt',
      deliveryDate: addMonths(today, -17),
      mileageKm: 12000,
      mileageRecordedOn: today,
      advisorId: 'sa-li',
    },
    customer: { name: '王先生', phone: '13800000000', email: 'wang@example.com' },
    history: { cycle: 3, lastServiceDate: addMonths(today, -5), lastServiceKm: 10000 },
    registeredBy: 'booking-specialist-1',
  };
}

export async function startLifecycle(env: TestWorkflowEnvironment, input: VehicleLifecycleInput): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return env.client.workflow.start('vehicleLifecycle', {
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowId: lifecycleWorkflowId(input.vehicle.vin),
    args: [input],
  });
}

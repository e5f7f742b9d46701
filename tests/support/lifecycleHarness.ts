// Shared moves of the time-skipping lifecycle tests: start a vehicle, let simulated time run to a stage.
import { temporal } from '@temporalio/proto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId, WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { updateRejectionReason } from '../../api/workflowErrors';
import { addMonths } from '../../domain/calendar';
import { RecordedCall, recordingActivities } from '../../scenarios/simulatedActivities';
import { lifecycleBundle } from '../../runtime/timeSkippingServer';
import { advanceTo } from '../../scenarios/advance';
import { checkIn, completePreparation, confirmBooking, LIFECYCLE_TASK_QUEUE, recordCallOutcome, lifecycleWorkflowId, VehicleLifecycleInput } from '../../workflows/lifecycle/contract';

export { advanceTo };

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;


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

/**
 * Runs `body` against one fresh lifecycle with a worker whose activities record their calls; the
 * lifecycle is terminated afterwards so later tests' time skips do not drive it.
 */
export async function withLifecycle(
  env: TestWorkflowEnvironment,
  vin: string,
  body: (handle: WorkflowHandle, calls: RecordedCall[], now: number) => Promise<void>,
  adjust: (input: VehicleLifecycleInput) => VehicleLifecycleInput = (input) => input,
): Promise<void> {
  const { activities, calls } = recordingActivities();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  await worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const handle = await startLifecycle(env, adjust(vehicleInput(localDay(now), vin)));
    try {
      await body(handle, calls, now);
      await recordHistoryIfAsked(env.client, handle.workflowId, handle.firstExecutionRunId, `branch-${vin}`);
    } finally {
      // A lifecycle the test closed has completed already.
      await handle.terminate('test over').catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    }
  });
}

export function tasksOpened(calls: RecordedCall[]): Array<{ kind: string; rule: string; attempt?: number; dueAt: string; ruleAt?: string; at?: string }> {
  type Opened = { kind: string; rule: string; attempt?: number; dueAt: string; ruleAt?: string };
  // The first preparation task is opened with the booking, in its transaction.
  const specOf: Partial<Record<RecordedCall['name'], (args: unknown[]) => unknown>> = {
    openTask: (args) => args[0],
    recordCallOutcome: (args) => (args[0] as { preparation?: { task: Opened } }).preparation?.task,
    bookInbound: (args) => (args[0] as { preparation?: { task: Opened } }).preparation?.task,
  };
  return calls.flatMap((c) => {
    const spec = specOf[c.name]?.(c.args);
    return spec ? [{ ...(spec as Opened), at: c.at }] : [];
  });
}

export function messagesQueued(calls: RecordedCall[]): Array<{ template: string; rule: string; at?: string }> {
  return calls.filter((c) => c.name === 'queueCustomerMessage').map((c) => ({ ...(c.args[0] as { template: string; rule: string }), at: c.at }));
}

/**
 * `RECORD_HISTORIES=1 npm test` (or `=<tag>`) adds replay fixtures (tests/replay/histories) from this run. A fixture
 * stands for the code that recorded it, so an existing one is never overwritten: a new shape of history
 * gets a new name.
 */
export async function recordHistoryIfAsked(client: Client, workflowId: string, runId: string, name: string): Promise<void> {
  const tag = process.env.RECORD_HISTORIES;
  if (!tag) return;
  // RECORD_HISTORIES=<tag> (anything but 1) records a new generation of fixtures beside the old ones.
  const file = path.join(__dirname, '../replay/histories', tag === '1' ? `${name}.history.bin` : `${name}@${tag}.history.bin`);
  if (existsSync(file)) return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  await writeFile(file, temporal.api.history.v1.History.encode(history).finish());
}

/**
 * Drives a fresh lifecycle (see vehicleInput) to its R7 confirmation call: booked the day before due at
 * 10:00 local, preparation complete.
 */
export async function bookAndPrepare(env: TestWorkflowEnvironment, handle: WorkflowHandle, now: number): Promise<{ due: string; bookedFor: string }> {
  const due = addMonths(localDay(now), 1);
  const bookedFor = `${isoDay(due, -1)}T02:00:00.000Z`;
  await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
  await handle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor }] });
  await handle.executeUpdate(completePreparation, { args: [{ actor: 'td-chen' }] });
  await advanceTo(env, handle, 'AWAITING_CONFIRMATION');
  return { due, bookedFor };
}

/** bookAndPrepare, then confirmed and checked in on time with a job of `jobHours`. */
export async function driveToInService(env: TestWorkflowEnvironment, handle: WorkflowHandle, now: number, jobHours: number): Promise<{ checkedInAt: number; promisedReadyAt: number }> {
  const { bookedFor } = await bookAndPrepare(env, handle, now);
  await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] });
  await env.sleep(Date.parse(bookedFor) - (await env.currentTimeMs()));
  const checkedInAt = await env.currentTimeMs();
  const promisedReadyAt = checkedInAt + jobHours * HOUR;
  await handle.executeUpdate(checkIn, { args: [{ actor: 'sa-li', mileageKm: 12150, promisedReadyAt: new Date(promisedReadyAt).toISOString() }] });
  return { checkedInAt, promisedReadyAt };
}

// How a cycle opens (R1, R1b): registering the car, reading the store's policy and recording the due date
// are one local activity, so a lifecycle replayed after leaving the worker's cache has two activations
// fewer to go through; settings that change while the cycle opens still decide its due date.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addMonths } from '../../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { recordingActivities } from '../../scenarios/simulatedActivities';
import { getState, LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, VehicleLifecycleInput } from '../../workflows/lifecycle/contract';
import { storeSettingsChanged } from '../../workflows/shared';
import { advanceTo, localDay, vehicleInput } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/** Delivered a month ago, never serviced: R1b dates the first service from the delivery. */
function newCar(today: string, vin: string): VehicleLifecycleInput {
  const input = vehicleInput(today, vin);
  return { ...input, vehicle: { ...input.vehicle, deliveryDate: addMonths(today, -1), mileageKm: 600 }, history: { cycle: 1 } };
}

test('R1b: a first cycle opens with one local activity before it sleeps until the reminder', async () => {
  const { activities, calls } = recordingActivities();
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  await worker.runUntil(async () => {
    const today = localDay(await env.currentTimeMs());
    const handle = await env.client.workflow.start('vehicleLifecycle', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: lifecycleWorkflowId('LSVOPEN1NG0000001'), args: [newCar(today, 'LSVOPEN1NG0000001')] });
    try {
      await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
      expect(await handle.query(getState)).toMatchObject({ dueDate: addMonths(today, 2), dueReason: 'first-service' });
      expect(calls.map((c) => c.name).slice(0, 3)).toEqual(['registerVehicle', 'loadCyclePolicy', 'scheduleCycle']);

      const events = (await handle.fetchHistory()).events ?? [];
      const firstTimer = events.findIndex((e) => e.timerStartedEventAttributes);
      const markers = events.slice(0, firstTimer).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      expect(markers).toHaveLength(1);
    } finally {
      await handle.terminate('test over');
    }
  });
});

test('R1b: store settings that change while the cycle opens decide its due date, recorded as a second revision', async () => {
  const { activities, calls } = recordingActivities();
  let opening!: () => void;
  const started = new Promise<void>((resolve) => (opening = resolve));
  // Slower than the workflow task's heartbeat: the signal reaches the workflow while the step is under way.
  const slowOpening: typeof activities.openCycle = async (ctx, input, register) => {
    opening();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    return activities.openCycle(ctx, input, register);
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities: { ...activities, openCycle: slowOpening } });
  await worker.runUntil(async () => {
    const today = localDay(await env.currentTimeMs());
    const handle = await env.client.workflow.start('vehicleLifecycle', {
      taskQueue: LIFECYCLE_TASK_QUEUE,
      workflowId: lifecycleWorkflowId('LSVOPEN1NG0000002'),
      args: [newCar(today, 'LSVOPEN1NG0000002')],
      workflowTaskTimeout: '2s',
    });
    try {
      await started;
      const settings = { ...DEFAULT_STORE_SETTINGS, firstServiceWithinMonths: 2 };
      await handle.signal(storeSettingsChanged, { version: '2026-11-22T17:00:00.000Z', changedBy: 'sm-wang', changed: { firstServiceWithinMonths: 2 }, settings });
      await advanceTo(env, handle, 'WAITING_FOR_REMINDER');

      expect(await handle.query(getState)).toMatchObject({ dueDate: addMonths(today, 1), dueReason: 'first-service' });
      const decisions = calls.filter((c) => c.name === 'scheduleCycle').map((c) => c.args[0]);
      expect(decisions).toEqual([
        expect.objectContaining({ dueDate: addMonths(today, 2), reason: 'first-service' }),
        expect.objectContaining({ dueDate: addMonths(today, 1), reason: 'first-service', revision: 2 }),
      ]);
    } finally {
      await handle.terminate('test over');
    }
  });
});

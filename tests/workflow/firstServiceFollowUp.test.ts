// R1b / R22: a first service cancelled or missed is followed up by the sales consultant within the store's
// days (3 by default), through the vehicle's care workflow — not left until the next cycle's reminder.
import { WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addDays, addMonths } from '../../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { RecordedCall, recordingActivities } from '../../scenarios/simulatedActivities';
import { careWorkflowId, getCare, recordCareCall } from '../../workflows/care/contract';
import { completePreparation, confirmBooking, LIFECYCLE_TASK_QUEUE, recordCallOutcome, VehicleLifecycleInput } from '../../workflows/lifecycle/contract';
import { advanceTo, DAY, isoDay, localDay, recordHistoryIfAsked, startLifecycle, tasksOpened, vehicleInput } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

/** 18:00 at the store (+08:00) on a day. */
const sixPm = (day: string) => `${day}T10:00:00.000Z`;

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never became true');
}

/**
 * A new car delivered two months ago, never serviced: its lifecycle is on its first service (R1b), its care
 * on the first-three-services programme with its sales consultant (R22). `body` gets both, booked the day
 * before the first service's deadline and prepared.
 */
async function withFirstService(vin: string, body: (lifecycle: WorkflowHandle, care: WorkflowHandle, calls: RecordedCall[], bookedFor: string) => Promise<void>): Promise<void> {
  const settings = { ...DEFAULT_STORE_SETTINGS, holidayGreetings: '', managementCallbackSampleEvery: 0 };
  const { activities, calls } = recordingActivities({ settings });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  await worker.runUntil(async () => {
    const today = localDay(await env.currentTimeMs());
    const deliveryDate = addMonths(today, -2);
    const base = vehicleInput(today, vin);
    const input: VehicleLifecycleInput = { ...base, vehicle: { ...base.vehicle, deliveryDate, mileageKm: 2500 }, history: { cycle: 1 } };
    const care = await env.client.workflow.start('customerCare', {
      taskQueue: LIFECYCLE_TASK_QUEUE,
      workflowId: careWorkflowId(vin),
      args: [{ vin, storeId: 'store-nt', plate: base.vehicle.plate, deliveryDate, newCar: true, salesConsultantId: 'sc-zhou', customer: base.customer }],
    });
    const lifecycle = await startLifecycle(env, input);
    try {
      const bookedFor = `${isoDay(addMonths(deliveryDate, 3), -1)}T02:00:00.000Z`;
      await advanceTo(env, lifecycle, 'AWAITING_CALL_OUTCOME');
      await lifecycle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor }] });
      await lifecycle.executeUpdate(completePreparation, { args: [{ actor: 'td-chen' }] });
      await advanceTo(env, lifecycle, 'AWAITING_CONFIRMATION');
      await body(lifecycle, care, calls, bookedFor);
      await recordHistoryIfAsked(env.client, lifecycle.workflowId, lifecycle.firstExecutionRunId, `branch-${vin}`);
      await recordHistoryIfAsked(env.client, care.workflowId, care.firstExecutionRunId, `care-${vin}`);
    } finally {
      for (const handle of [lifecycle, care]) {
        await handle.terminate('test over').catch((err) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
      }
    }
  });
}

const followUpTask = (calls: RecordedCall[]) => tasksOpened(calls).find((t) => t.kind === 'FIRST_SERVICE_FOLLOW_UP_CALL');

test('R1b R22: a first service cancelled at the confirmation call gives the sales consultant a follow-up task at once, due within 3 days', async () => {
  await withFirstService('LSVFIRSTCANCEL001', async (lifecycle, care, calls) => {
    expect(followUpTask(calls)).toBeUndefined();
    await lifecycle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li', outcome: 'CANCEL', reason: '客户出差' }] });
    const cancelledAt = await env.currentTimeMs();
    const cancelledOn = localDay(cancelledAt);

    const task = await until(() => followUpTask(calls));
    expect(task).toMatchObject({ rule: 'R22', assigneeRole: 'SALES_CONSULTANT', dueAt: sixPm(addDays(cancelledOn, 2)) });
    expect(Date.parse(task.at!) - cancelledAt).toBeLessThan(60_000);
    const owed = (await care.query(getCare)).waitingFor.find((w) => w.contact === 'FIRST_SERVICE_FOLLOW_UP');
    expect(owed).toMatchObject({ rule: 'R22', who: 'sc-zhou', by: sixPm(addDays(cancelledOn, 2)) });

    const after = await care.executeUpdate(recordCareCall, { args: [{ actor: 'sc-zhou', contact: 'FIRST_SERVICE_FOLLOW_UP', outcome: '客户下周回来，已约首保' }] });
    expect(after.waitingFor.map((w) => w.contact)).not.toContain('FIRST_SERVICE_FOLLOW_UP');
    expect(calls.find((c) => c.name === 'recordCareCall')!.args[0]).toMatchObject({ contact: 'FIRST_SERVICE_FOLLOW_UP', kind: 'FIRST_SERVICE_FOLLOW_UP_CALL', rule: 'R22', actor: 'sc-zhou' });
  });
});

test('R1b R22: a customer who does not come to the first service is followed up by the sales consultant, not left to the next interval', async () => {
  await withFirstService('LSVFIRSTNOSHOW001', async (lifecycle, care, calls, bookedFor) => {
    await lifecycle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] });
    await advanceTo(env, lifecycle, 'NO_SHOW');
    const task = await until(() => followUpTask(calls));
    const missedOn = localDay(Date.parse(bookedFor));
    expect(task).toMatchObject({ rule: 'R22', assigneeRole: 'SALES_CONSULTANT', dueAt: sixPm(addDays(missedOn, 2)) });
    // Opened with the no-show, an hour after the booked time, while the booking stays open for a late arrival.
    expect(Date.parse(task.at!) - Date.parse(bookedFor)).toBeLessThan(DAY);
    expect((await care.query(getCare)).waitingFor.map((w) => w.contact)).toContain('FIRST_SERVICE_FOLLOW_UP');
  });
});

// R6b: expensive parts ordered for a booking wait for the customer's deposit of at least half their price.
import { WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addMonths } from '../../domain/calendar';
import type { PartToOrder } from '../../domain/partsDeposit';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { RecordedCall, recordingActivities } from '../../scenarios/simulatedActivities';
import { getState, LIFECYCLE_TASK_QUEUE, recordCallOutcome, recordPartsDeposit } from '../../workflows/lifecycle/contract';
import { advanceTo, DAY, isoDay, localDay, recordHistoryIfAsked, rejection, startLifecycle, tasksOpened, toMinute, vehicleInput } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const turbo: PartToOrder = { partNumber: 'TURBO-06K', quantity: 1, priceCny: 4801, leadDays: 5 };
const filter: PartToOrder = { partNumber: 'OIL-FILTER', quantity: 1, priceCny: 60, leadDays: 2 };

/** A lifecycle whose simulated back office must order `partsToOrder` for its booking, booked by the reminder call. */
async function withBooking(vin: string, partsToOrder: PartToOrder[], body: (handle: WorkflowHandle, calls: RecordedCall[], bookedFor: string) => Promise<void>): Promise<void> {
  const { activities, calls } = recordingActivities({}, partsToOrder);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  await worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const handle = await startLifecycle(env, vehicleInput(localDay(now), vin));
    try {
      const due = addMonths(localDay(now), 1);
      const bookedFor = `${isoDay(due, -1)}T02:00:00.000Z`;
      await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
      await handle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor }] });
      await body(handle, calls, bookedFor);
      await recordHistoryIfAsked(env.client, handle.workflowId, handle.firstExecutionRunId, `branch-${vin}`);
    } finally {
      await handle.terminate('test over').catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    }
  });
}

test('R6b: expensive parts to order ask half their price; unpaid, the SA gets a call the day before the order must go out; less than half is refused', async () => {
  await withBooking('LSVDEPOSIT0000001', [turbo, filter], async (handle, calls, bookedFor) => {
    const orderBy = new Date(Date.parse(bookedFor) - 5 * DAY).toISOString();
    const booked = await handle.query(getState);
    // 4,861 CNY of parts to order: half, rounded up to the yuan.
    expect(booked.partsDeposit).toEqual({ depositCny: 2431, partsCny: 4861, orderBy });
    expect(booked.accepts).toContain('recordPartsDeposit');
    expect(booked.waitingFor.find((w) => w.rule === 'R6b' && !w.timer)).toMatchObject({ by: orderBy });
    expect(tasksOpened(calls).map((t) => t.kind)).not.toContain('PARTS_DEPOSIT_CALL');

    // 09:00 store time on the day before the order must go out.
    const callAt = `${isoDay(localDay(Date.parse(orderBy)), -1)}T01:00`;
    await env.sleep(Date.parse(`${callAt}:00.000Z`) + 60_000 - (await env.currentTimeMs()));
    const call = tasksOpened(calls).find((t) => t.kind === 'PARTS_DEPOSIT_CALL')!;
    expect(call).toMatchObject({ rule: 'R6b', assigneeRole: 'SERVICE_ADVISOR', dueAt: orderBy });
    expect(toMinute(call.at)).toBe(callAt);

    expect(await rejection(handle.executeUpdate(recordPartsDeposit, { args: [{ actor: 'sa-li', amountCny: 2000 }] }))).toBe(
      'amountCny must be at least the deposit asked: 2431 CNY, half the price of the parts to order (4861 CNY)',
    );
    expect(calls.some((c) => c.name === 'recordPartsDeposit')).toBe(false);
    const paid = await handle.executeUpdate(recordPartsDeposit, { args: [{ actor: 'sa-li', amountCny: 2431, note: '微信转账' }] });
    expect(paid.partsDeposit).toEqual({ depositCny: 2431, partsCny: 4861, orderBy, paidCny: 2431 });
    expect(paid.waitingFor.filter((w) => w.rule === 'R6b')).toEqual([]);
    expect(paid.accepts).not.toContain('recordPartsDeposit');
    expect(calls.find((c) => c.name === 'recordPartsDeposit')!.args).toEqual([{ actor: 'sa-li', amountCny: 2431, note: '微信转账' }, 'booking-1']);
  });
});

test('R6b: a deposit paid when booking leaves the SA no call to make', async () => {
  await withBooking('LSVDEPOSITPAID001', [turbo], async (handle, calls, bookedFor) => {
    await handle.executeUpdate(recordPartsDeposit, { args: [{ actor: 'sa-li', amountCny: 2401 }] });
    await env.sleep(Date.parse(bookedFor) - 4 * DAY - (await env.currentTimeMs()));
    expect(tasksOpened(calls).map((t) => t.kind)).not.toContain('PARTS_DEPOSIT_CALL');
    expect((await handle.query(getState)).partsDeposit?.paidCny).toBe(2401);
  });
});

test('R6b: parts to order that are not expensive ask no deposit', async () => {
  await withBooking('LSVDEPOSITNONE001', [filter], async (handle) => {
    const state = await handle.query(getState);
    expect(state.partsDeposit).toBeUndefined();
    expect(state.waitingFor.map((w) => w.rule)).not.toContain('R6b');
    expect(await rejection(handle.executeUpdate(recordPartsDeposit, { args: [{ actor: 'sa-li', amountCny: 30 }] }))).toMatch(/recordPartsDeposit is not possible now/);
  });
});

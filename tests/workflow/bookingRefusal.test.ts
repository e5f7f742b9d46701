// R7/R8: when the workshop plan refuses a booked time (the bay is taken), the person gets the reason with
// the next free slots and the cycle keeps waiting for another time — by the same call or another channel.
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { recordingActivities } from '../../scenarios/simulatedActivities';
import { bookInbound, getState, LIFECYCLE_TASK_QUEUE, recordCallOutcome } from '../../workflows/definitions';
import { advanceTo, DAY, localDay, recordHistoryIfAsked, rejection, startLifecycle, vehicleInput } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const TAKEN = 'slot 2026-01-01T02:00:00.000Z is not available (BAY_BUSY); next free: 2026-01-01T02:15:00.000Z on bay-1';

test('R7 R8: a booked time the workshop cannot take is refused with the next free slots; the call and inbound booking stay open', async () => {
  const { activities, calls } = recordingActivities();
  let refusals = 2;
  const refuseFirst = <A extends unknown[], R>(name: string, real: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    if (refusals-- > 0) {
      calls.push({ name: name as never, args: a.slice(1) });
      throw ApplicationFailure.nonRetryable(TAKEN, 'SlotUnavailable');
    }
    return real(...a);
  };
  activities.recordCallOutcome = refuseFirst('recordCallOutcome', activities.recordCallOutcome);
  activities.bookInbound = refuseFirst('bookInbound', activities.bookInbound);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities });
  await worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const handle = await startLifecycle(env, vehicleInput(localDay(now), 'LSVREFUSED0000001'));
    try {
      await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
      const bookedFor = new Date(now + 30 * DAY).toISOString();
      const call = { actor: 'cr-zhao', outcome: 'BOOKED' as const, bookedFor };
      expect(await rejection(handle.executeUpdate(recordCallOutcome, { args: [call] }))).toBe(TAKEN);
      expect(await handle.query(getState)).toMatchObject({ stage: 'AWAITING_CALL_OUTCOME' });

      const inbound = { actor: 'sa-li', channel: 'PHONE' as const, bookedFor, faultDescription: '保养和刹车检查', contactPhone: '13800000000' };
      expect(await rejection(handle.executeUpdate(bookInbound, { args: [inbound] }))).toBe(TAKEN);
      expect(await handle.query(getState)).toMatchObject({ stage: 'AWAITING_CALL_OUTCOME' });

      const booked = await handle.executeUpdate(recordCallOutcome, { args: [{ ...call, bookedFor: new Date(now + 31 * DAY).toISOString() }] });
      expect(booked.stage).toBe('AWAITING_PREPARATION');
      expect(calls.filter((c) => c.name === 'recordCallOutcome' || c.name === 'bookInbound').map((c) => c.name)).toEqual(['recordCallOutcome', 'bookInbound', 'recordCallOutcome']);
      await recordHistoryIfAsked(env.client, handle.workflowId, handle.firstExecutionRunId, 'branch-LSVREFUSED0000001');
    } finally {
      await handle.terminate('test over');
    }
  });
});

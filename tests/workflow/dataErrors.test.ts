// Issue 14 in the workflow: data the database refuses goes back to the person whose step it was (422, the
// step stays open) — and nowhere else fails the lifecycle: an automatic step or a manager's CLOSE keeps
// retrying it. The stand-in activities refuse data the way the real ones do (activities/dataErrors.ts):
// final only when their caller's retry policy says DataError is not retryable.
import { Context } from '@temporalio/activity';
import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { dataErrorsAreFinal, dataFailure } from '../../activities/dataErrors';
import type { LifecycleActivities } from '../../workflows/lifecycle/activities';
import { updateRejection } from '../../api/workflowErrors';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { recordingActivities } from '../../scenarios/simulatedActivities';
import { correctLifecycle, getState, LIFECYCLE_TASK_QUEUE, recordCallOutcome } from '../../workflows/lifecycle/contract';
import { advanceTo, localDay, startLifecycle, vehicleInput } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const NUL_REFUSED = 'the database refused the data: unsupported Unicode escape sequence (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]';

interface Seen {
  activity: string;
  attempt: number;
  final: boolean;
  local: boolean;
}

/** A worker whose activities record calls; `refuse(name, args)` makes an attempt fail as the database would refuse its data. */
async function withVehicle(
  vin: string,
  refuse: (name: keyof LifecycleActivities, args: unknown[], attempt: number) => boolean,
  body: (handle: WorkflowHandle, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const { activities } = recordingActivities();
  const seen: Seen[] = [];
  const wrapped = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        const { attempt, isLocal } = Context.current().info;
        seen.push({ activity: name, attempt, final: dataErrorsAreFinal(), local: isLocal });
        if (refuse(name as keyof LifecycleActivities, args, attempt)) throw dataFailure({ message: NUL_REFUSED, sqlState: '22P05' }, dataErrorsAreFinal());
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  );
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities: wrapped });
  await worker.runUntil(async () => {
    const handle = await startLifecycle(env, vehicleInput(localDay(await env.currentTimeMs()), vin));
    try {
      await body(handle, seen);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
}

const hasNul = (args: unknown[]) => JSON.stringify(args).includes('\\u0000');

test("a data error in a person's step answers 422 and the step stays open for a corrected one", async () => {
  await withVehicle('LSVDATAERR0000001', (name, args) => name === 'recordCallOutcome' && hasNul(args), async (handle, seen) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const refused = await handle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'UNDECIDED', note: '客户\u0000再想想' }] }).catch(updateRejection);
    expect(refused).toEqual({ status: 422, reason: NUL_REFUSED });
    // Tried once, not retried: the activity knew it was a person's step.
    expect(seen.filter((s) => s.activity === 'recordCallOutcome')).toEqual([{ activity: 'recordCallOutcome', attempt: 1, final: true, local: true }]);

    const state = await handle.query(getState);
    expect(state.stage).toBe('AWAITING_CALL_OUTCOME');
    expect(state.waitingFor.map((w) => w.what)).toContain('reminder call outcome');
    // Not jammed: the same step with corrected data goes through.
    const corrected = await handle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'UNDECIDED', note: '客户再想想' }] });
    expect(corrected.stage).toBe('WAITING_FOR_SECOND_CALL');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // Automatic steps are not a person's: their data errors are retried.
    expect(seen.filter((s) => s.activity === 'openTask').every((s) => !s.final)).toBe(true);
  });
});

test('a data error in an automatic step is retried and never fails the lifecycle', async () => {
  // The reminder call task is refused twice, then the database takes it (someone fixed the data).
  await withVehicle('LSVDATAERR0000002', (name, _args, attempt) => name === 'openTask' && attempt <= 2, async (handle, seen) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    expect(seen.filter((s) => s.activity === 'openTask').map((s) => [s.attempt, s.final])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

test("a data error in a manager's CLOSE is retried until it goes through; the lifecycle closes, never fails", async () => {
  await withVehicle('LSVDATAERR0000003', (name, _args, attempt) => name === 'closeLifecycle' && attempt <= 2, async (handle, seen) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const closed = await handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'CLOSE', reason: '车辆已出售' }] });
    expect(closed.stage).toBe('CLOSED');
    expect(seen.filter((s) => s.activity === 'closeLifecycle').map((s) => [s.attempt, s.final])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

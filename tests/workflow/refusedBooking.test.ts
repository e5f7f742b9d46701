// Issue 14: a booking the database refuses (a data error, an unknown bay …) must not jam or end the cycle.
// One booking path at a time holds the claim to book, so a call outcome, an inbound booking and a walk-in
// can never both book; a refused booking gives the claim back, and every booking path stays open for a
// corrected step. The stand-in booking activities refuse their first attempt as the database would (a
// non-retryable ApplicationFailure of type DataError), then take the corrected step.
import { WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { dataErrorsAreFinal, dataFailure } from '../../activities/dataErrors';
import type { LifecycleActivities } from '../../workflows/lifecycle/activities';
import { updateRejection } from '../../api/workflowErrors';
import { addMonths } from '../../domain/calendar';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { RecordedCall, recordingActivities } from '../../scenarios/simulatedActivities';
import { bookInbound, CallOutcomeInput, correctLifecycle, getState, InboundBookingInput, LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, recordCallOutcome, walkIn, WalkInInput } from '../../workflows/lifecycle/contract';
import { advanceTo, DAY, isoDay, localDay, recordHistoryIfAsked, vehicleInput } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const REFUSED = 'the database refused the data: value too long for type character varying(500) [SQLSTATE 22001]';
const BOOKING_ACTIVITIES: Array<keyof LifecycleActivities> = ['recordCallOutcome', 'bookInbound', 'receiveWalkIn'];

interface Attempt {
  activity: keyof LifecycleActivities;
  final: boolean;
}

interface Stand {
  /** Every attempt of a booking activity, refused or not. */
  attempts: Attempt[];
  calls: RecordedCall[];
  /** Until it resolves, the next booking activity waits before it answers (a slow database). */
  hold?: Promise<void>;
  /** Resolved when a held booking activity has started. */
  held?: () => void;
}

/**
 * A worker whose booking activities refuse their first attempt (`refuseFirst`), then book; the vehicle's
 * lifecycle starts with a short workflow-task timeout only where a test needs an Update delivered while a
 * booking is still being applied.
 */
async function withVehicle(
  vin: string,
  refuseFirst: Array<keyof LifecycleActivities>,
  body: (handle: WorkflowHandle, stand: Stand, now: number) => Promise<void>,
  options: { workflowTaskTimeout?: Duration } = {},
): Promise<void> {
  const { activities, calls } = recordingActivities();
  const stand: Stand = { attempts: [], calls };
  const refused = new Set<string>();
  const wrapped = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        const activity = name as keyof LifecycleActivities;
        if (BOOKING_ACTIVITIES.includes(activity)) {
          stand.attempts.push({ activity, final: dataErrorsAreFinal() });
          const hold = stand.hold;
          if (hold) {
            stand.held?.();
            await hold;
          }
          if (refuseFirst.includes(activity) && !refused.has(activity)) {
            refused.add(activity);
            // Data the database refuses, final at once: a non-retryable ApplicationFailure of type DataError.
            throw dataFailure({ message: REFUSED, sqlState: '22001' }, true);
          }
        }
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  );
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities: wrapped });
  await worker.runUntil(async () => {
    const now = await env.currentTimeMs();
    const input = vehicleInput(localDay(now), vin);
    const handle = await env.client.workflow.start('vehicleLifecycle', { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: lifecycleWorkflowId(vin), args: [input], ...options });
    try {
      await body(handle, stand, now);
      await recordHistoryIfAsked(env.client, handle.workflowId, handle.firstExecutionRunId, `branch-${vin}`);
    } finally {
      await handle.terminate('test over').catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    }
  });
}

const refusal = (update: Promise<unknown>) =>
  update.then(
    () => {
      throw new Error('the update was accepted');
    },
    (err) => updateRejection(err) ?? err,
  );

const inbound = (bookedFor: string): { args: [InboundBookingInput] } => ({
  args: [{ actor: 'bk-sun', channel: 'PHONE', bookedFor, faultDescription: '保养 + 刹车异响', contactPhone: '13800000000' }],
});
const booked = (bookedFor: string): { args: [CallOutcomeInput] } => ({ args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor }] });
const walkedIn = (promisedReadyAt: string): { args: [WalkInInput] } => ({ args: [{ actor: 'sa-li', mileageKm: 12400, promisedReadyAt, complaint: '仪表盘故障灯亮' }] });

const waits = async (handle: WorkflowHandle) => (await handle.query(getState)).waitingFor.map((w) => w.what);
const named = (calls: RecordedCall[], name: string) => calls.filter((c) => c.name === name);

test('a refused BOOKED call outcome keeps the call open and the cycle running: the corrected booking books, no cycle closes without a service', async () => {
  await withVehicle('LSVREFUSEDCALL001', ['recordCallOutcome'], async (handle, stand, now) => {
    const bookedFor = `${isoDay(addMonths(localDay(now), 1), -1)}T02:00:00.000Z`;
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    expect(await refusal(handle.executeUpdate(recordCallOutcome, booked(bookedFor)))).toEqual({ status: 422, reason: REFUSED });
    expect(stand.attempts).toEqual([{ activity: 'recordCallOutcome', final: true }]);

    // The claim to book was given back: the call, an inbound booking and the cycle are all still there.
    const state = await handle.query(getState);
    expect(state).toMatchObject({ cycle: 3, stage: 'AWAITING_CALL_OUTCOME' });
    expect(state.bookedFor).toBeUndefined();
    expect(state.waitingFor.map((w) => w.what)).toEqual(expect.arrayContaining(['reminder call outcome', 'inbound booking (phone, web/app, counter)']));
    expect(named(stand.calls, 'closeCycleWithoutService')).toEqual([]);

    const corrected = await handle.executeUpdate(recordCallOutcome, booked(bookedFor));
    expect(corrected).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });
    expect(named(stand.calls, 'recordCallOutcome')).toHaveLength(1);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

test('a refused BOOKED call outcome leaves the inbound booking and walk-in open: the customer can still book by phone', async () => {
  await withVehicle('LSVREFUSEDCALL002', ['recordCallOutcome'], async (handle, stand, now) => {
    const bookedFor = new Date(now + 40 * DAY).toISOString();
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    expect(await refusal(handle.executeUpdate(recordCallOutcome, booked(bookedFor)))).toMatchObject({ status: 422 });
    const viaPhone = await handle.executeUpdate(bookInbound, inbound(bookedFor));
    expect(viaPhone).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });
    // Booked once: the call path ended with the booking.
    expect(await refusal(handle.executeUpdate(recordCallOutcome, booked(bookedFor)))).toMatchObject({ status: 409 });
    expect(named(stand.calls, 'bookInbound')).toHaveLength(1);
    expect(named(stand.calls, 'recordCallOutcome')).toHaveLength(0);
  });
});

test('a refused inbound booking gives the claim back: the reminder wait and the call go on, and a corrected inbound booking books', async () => {
  await withVehicle('LSVREFUSEDINBND01', ['bookInbound'], async (handle, stand, now) => {
    await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
    const reminderBy = (await handle.query(getState)).waitingFor.find((w) => w.rule === 'R2')!.by;
    const bookedFor = new Date(now + 3 * DAY).toISOString();
    expect(await refusal(handle.executeUpdate(bookInbound, inbound(bookedFor)))).toEqual({ status: 422, reason: REFUSED });
    expect(stand.attempts).toEqual([{ activity: 'bookInbound', final: true }]);

    // Still waiting for the reminder, at the same time, and still taking an inbound booking.
    const state = await handle.query(getState);
    expect(state.stage).toBe('WAITING_FOR_REMINDER');
    expect(state.waitingFor.find((w) => w.rule === 'R2')?.by).toBe(reminderBy);
    expect(state.waitingFor.map((w) => w.what)).toContain('inbound booking (phone, web/app, counter)');

    // The reminder goes out and the call is owed, as if nothing had been tried.
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    expect(named(stand.calls, 'queueCustomerMessage').map((c) => (c.args[0] as { template: string }).template)).toEqual(['maintenance-reminder']);
    expect(await waits(handle)).toEqual(expect.arrayContaining(['reminder call outcome', 'inbound booking (phone, web/app, counter)']));

    const later = new Date((await env.currentTimeMs()) + 3 * DAY).toISOString();
    expect(await handle.executeUpdate(bookInbound, inbound(later))).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor: later });
    expect(named(stand.calls, 'closeCycleWithoutService')).toEqual([]);
  });
});

test('a refused inbound booking after calling stopped keeps the cycle open for booking until it closes', async () => {
  await withVehicle('LSVREFUSEDINBND02', ['bookInbound'], async (handle, stand) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const declined = await handle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'DECLINED', note: '再说' }] });
    expect(declined.stage).toBe('OPEN_FOR_BOOKING');
    const closesBy = declined.waitingFor.find((w) => w.timer)!.by;

    const bookedFor = new Date((await env.currentTimeMs()) + 3 * DAY).toISOString();
    expect(await refusal(handle.executeUpdate(bookInbound, inbound(bookedFor)))).toMatchObject({ status: 422 });
    const state = await handle.query(getState);
    expect(state.stage).toBe('OPEN_FOR_BOOKING');
    expect(state.waitingFor.map((w) => w.by)).toContain(closesBy);
    expect(named(stand.calls, 'closeCycleWithoutService')).toEqual([]);

    expect(await handle.executeUpdate(bookInbound, inbound(bookedFor))).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });
  });
});

test('a refused walk-in gives the claim back: the car is received with corrected data, the call still open until then', async () => {
  await withVehicle('LSVREFUSEDWALKIN1', ['receiveWalkIn'], async (handle, stand, now) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const promisedReadyAt = new Date(now + 40 * DAY).toISOString();
    expect(await refusal(handle.executeUpdate(walkIn, walkedIn(promisedReadyAt)))).toEqual({ status: 422, reason: REFUSED });
    expect(stand.attempts).toEqual([{ activity: 'receiveWalkIn', final: true }]);
    const state = await handle.query(getState);
    expect(state.stage).toBe('AWAITING_CALL_OUTCOME');
    expect(state.waitingFor.map((w) => w.what)).toEqual(expect.arrayContaining(['reminder call outcome', 'inbound booking (phone, web/app, counter)']));

    expect(await handle.executeUpdate(walkIn, walkedIn(promisedReadyAt))).toMatchObject({ stage: 'IN_SERVICE', promisedReadyAt });
    expect(named(stand.calls, 'receiveWalkIn')).toHaveLength(1);
    expect(named(stand.calls, 'closeCycleWithoutService')).toEqual([]);
  });
});

test('while one booking is being applied the other booking paths are refused as out of turn (409); once it is refused they are open again, and only one path ever books', async () => {
  // A workflow task timeout of 2 s: the worker reports a slow local activity after about 1.6 s, and the
  // server then delivers Updates that arrived meanwhile while the booking is still being applied.
  await withVehicle(
    'LSVREFUSEDRACE001',
    ['recordCallOutcome'],
    async (handle, stand, now) => {
      const bookedFor = new Date(now + 40 * DAY).toISOString();
      await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
      let release!: () => void;
      stand.hold = new Promise<void>((resolve) => (release = resolve));
      const started = new Promise<void>((resolve) => (stand.held = resolve));
      const call = refusal(handle.executeUpdate(recordCallOutcome, booked(bookedFor)));
      await started;

      // The call's booking holds the claim: an inbound booking and a walk-in are out of turn, not queued.
      const [phone, walk] = await Promise.all([
        refusal(handle.executeUpdate(bookInbound, inbound(bookedFor))),
        refusal(handle.executeUpdate(walkIn, walkedIn(bookedFor))),
      ]);
      expect(phone).toMatchObject({ status: 409 });
      expect(walk).toMatchObject({ status: 409 });

      stand.hold = undefined;
      release();
      expect(await call).toEqual({ status: 422, reason: REFUSED });
      expect(await handle.query(getState)).toMatchObject({ cycle: 3, stage: 'AWAITING_CALL_OUTCOME' });

      // The claim is back: the phone booking goes through, and after it no other path books.
      expect(await handle.executeUpdate(bookInbound, inbound(bookedFor))).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });
      expect(await refusal(handle.executeUpdate(recordCallOutcome, booked(bookedFor)))).toMatchObject({ status: 409 });
      expect(await refusal(handle.executeUpdate(walkIn, walkedIn(bookedFor)))).toMatchObject({ status: 409 });
      expect(stand.attempts.map((a) => a.activity)).toEqual(['recordCallOutcome', 'bookInbound']);
      expect(named(stand.calls, 'bookInbound')).toHaveLength(1);
      expect(named(stand.calls, 'recordCallOutcome')).toHaveLength(0);
      expect(named(stand.calls, 'receiveWalkIn')).toHaveLength(0);
    },
    { workflowTaskTimeout: '2 seconds' },
  );
}, 60_000);

test("a manager's CLOSE while a booking is being applied closes the lifecycle: the step hears it was not applied and the lifecycle completes", async () => {
  await withVehicle(
    'LSVREFUSEDCLOSE01',
    [],
    async (handle, stand, now) => {
      await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
      let release!: () => void;
      stand.hold = new Promise<void>((resolve) => (release = resolve));
      const started = new Promise<void>((resolve) => (stand.held = resolve));
      const call = refusal(handle.executeUpdate(recordCallOutcome, booked(new Date(now + 40 * DAY).toISOString())));
      await started;
      try {
        const closed = await handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'CLOSE', reason: '车辆已出售' }] });
        expect(closed.stage).toBe('CLOSED');
        expect(await call).toEqual({ status: 422, reason: 'recordCallOutcome was not applied: vehicle LSVREFUSEDCLOSE01 was closed meanwhile' });
        await handle.result();
        expect((await handle.describe()).status.name).toBe('COMPLETED');
        expect(named(stand.calls, 'closeCycleWithoutService')).toEqual([]);
      } finally {
        stand.hold = undefined;
        release();
      }
    },
    { workflowTaskTimeout: '2 seconds' },
  );
}, 60_000);

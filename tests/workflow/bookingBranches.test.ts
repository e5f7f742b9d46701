// The ways a cycle reaches (or misses) a booking: R3 outcomes, R4 second call, R5 inbound bookings.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { addMonths } from '../../domain/calendar';
import { bookInbound, correctLifecycle, getState, recordCallOutcome, walkIn } from '../../workflows/lifecycle/contract';
import { storeSettingsChanged } from '../../workflows/shared';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { advanceTo, DAY, HOUR, isoDay, localDay, rejection, tasksOpened, toMinute, withLifecycle } from '../support/lifecycleHarness';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});


const callOutcome = (outcome: string, extra: object = {}) => ({ args: [{ actor: 'cr-zhao', outcome, ...extra }] as never });

test('R4: an undecided customer is called again the day before parts must be ordered, then books', async () => {
  await withLifecycle(env, 'LSVUNDEC1DED00001', async (handle, calls, now) => {
    const today = localDay(now);
    const due = addMonths(today, 1);
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const afterFirst = await handle.executeUpdate(recordCallOutcome, callOutcome('UNDECIDED', { mileageKm: 12100 }));
    expect(afterFirst.stage).toBe('WAITING_FOR_SECOND_CALL');
    expect(toMinute(afterFirst.waitingFor.find((w) => w.rule === 'R4')!.by)).toBe(`${isoDay(due, -8)}T01:00`);

    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const second = calls.filter((c) => c.name === 'openTask').at(-1)!;
    expect(second.args[0]).toMatchObject({ kind: 'REMINDER_CALL', rule: 'R4', attempt: 2 });
    expect(toMinute(second.at)).toBe(`${isoDay(due, -8)}T01:00`);
    const bookedFor = `${isoDay(due, -1)}T02:00:00.000Z`;
    expect((await handle.executeUpdate(recordCallOutcome, callOutcome('BOOKED', { bookedFor }))).stage).toBe('AWAITING_PREPARATION');
    expect(calls.filter((c) => c.name === 'recordCallOutcome').map((c) => (c.args[0] as { attempt?: number }).attempt)).toEqual([undefined, 2]);
  });
});

test('R4: a customer who declines gets no second call; the cycle stays open for booking, then the next counts from the skipped due date', async () => {
  await withLifecycle(env, 'LSVDECL1NED000001', async (handle, calls, now) => {
    const today = localDay(now);
    const due = addMonths(today, 1);
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const declined = await handle.executeUpdate(recordCallOutcome, callOutcome('DECLINED', { note: '已在外面保养' }));
    expect(declined).toMatchObject({ stage: 'OPEN_FOR_BOOKING', unresolvedReason: 'customer declined (R4: no second call)' });
    expect(toMinute(declined.waitingFor[0].by)).toBe(`${isoDay(due, 30)}T10:00`);

    await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
    expect(tasksOpened(calls).filter((t) => t.kind === 'REMINDER_CALL')).toHaveLength(1);
    expect(calls.find((c) => c.name === 'closeCycleWithoutService')!.args[0]).toBe('customer declined (R4: no second call)');
    // Cycle 4 counts six months from the declined due date, not from the old service.
    expect(await handle.query(getState)).toMatchObject({ cycle: 4, dueDate: addMonths(due, 6) });
  });
});

test('R3: an unreachable customer is called again every 24 hours, 3 calls in all; an online booking (R5) then still takes the car in', async () => {
  await withLifecycle(env, 'LSVUNREACHAB00001', async (handle, calls) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const firstCallAt = Date.parse(calls.find((c) => c.name === 'openTask')!.at!);
    for (const attempt of [1, 2]) {
      expect((await handle.executeUpdate(recordCallOutcome, callOutcome('UNREACHABLE'))).stage).toBe('WAITING_FOR_CALL_RETRY');
      await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
      const retry = calls.filter((c) => c.name === 'openTask').at(-1)!;
      expect(retry.args[0]).toMatchObject({ kind: 'REMINDER_CALL', attempt: attempt + 1 });
      expect(Math.round((Date.parse(retry.at!) - firstCallAt) / HOUR)).toBe(24 * attempt);
    }
    const third = await handle.executeUpdate(recordCallOutcome, callOutcome('UNREACHABLE'));
    expect(third).toMatchObject({ stage: 'OPEN_FOR_BOOKING', unresolvedReason: 'customer unreachable after 3 calls' });

    const bookedFor = new Date((await env.currentTimeMs()) + 5 * DAY).toISOString();
    const booked = await handle.executeUpdate(bookInbound, {
      args: [{ actor: 'web', channel: 'WEB', bookedFor, faultDescription: '保养 + 空调异味', contactPhone: '13800000000' }],
    });
    expect(booked).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });
    expect(calls.find((c) => c.name === 'closeCycleWithoutService')).toBeUndefined();
  });
});

test('R5: a booking made at the counter before the reminder skips the reminder and the call; a late call outcome is refused', async () => {
  await withLifecycle(env, 'LSVCOUNTER0000001', async (handle, calls, now) => {
    await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
    expect(await rejection(handle.executeUpdate(bookInbound, { args: [{ actor: 'sa-li', channel: 'COUNTER', bookedFor: new Date(now + 2 * DAY).toISOString(), faultDescription: 'x', contactPhone: '138' }] }))).toBe(
      'faultDescription must describe the need (R5)',
    );
    const bookedFor = new Date(now + 3 * DAY).toISOString();
    const booked = await handle.executeUpdate(bookInbound, {
      args: [{ actor: 'sa-li', channel: 'COUNTER', bookedFor, faultDescription: '刹车异响', contactPhone: '13800000000', mileageKm: 12500 }],
    });
    expect(booked.stage).toBe('AWAITING_PREPARATION');
    expect(calls.map((c) => c.name)).not.toContain('queueCustomerMessage');
    expect(tasksOpened(calls).map((t) => t.kind)).toEqual(['PREPARATION']);
    expect(await rejection(handle.executeUpdate(recordCallOutcome, callOutcome('BOOKED', { bookedFor })))).toMatch(/recordCallOutcome is not possible now/);
    expect(await rejection(handle.executeUpdate(bookInbound, { args: [{ actor: 'web', channel: 'WEB', bookedFor, faultDescription: '保养保养', contactPhone: '13800000000' }] }))).toMatch(
      /bookInbound is not possible now/,
    );
  });
});

test('R3: a call outcome that is not BOOKED must not carry a booking time', async () => {
  await withLifecycle(env, 'LSVVAL1DAT1ON0001', async (handle, _calls, now) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    expect(await rejection(handle.executeUpdate(recordCallOutcome, callOutcome('DECLINED', { bookedFor: new Date(now + 2 * DAY).toISOString() })))).toBe(
      'bookedFor only goes with outcome BOOKED',
    );
    expect(await rejection(handle.executeUpdate(recordCallOutcome, callOutcome('MAYBE')))).toMatch(/^outcome must be one of/);
  });
});

test('R12: a car that walks in without a booking is received at once, kept apart from booked arrivals, and pending calls become moot', async () => {
  await withLifecycle(env, 'LSVWALK1N00000001', async (handle, calls, now) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const promisedReadyAt = new Date(now + 40 * DAY).toISOString();
    const received = await handle.executeUpdate(walkIn, { args: [{ actor: 'sa-li', mileageKm: 12400, promisedReadyAt, complaint: '仪表盘故障灯亮' }] });
    expect(received).toMatchObject({ stage: 'IN_SERVICE', promisedReadyAt });
    expect(calls.find((c) => c.name === 'receiveWalkIn')!.args[0]).toMatchObject({ complaint: '仪表盘故障灯亮' });
    expect(calls.map((c) => c.name)).not.toContain('prepareWorkOrder');
    expect(await rejection(handle.executeUpdate(recordCallOutcome, callOutcome('BOOKED', { bookedFor: promisedReadyAt })))).toMatch(/recordCallOutcome is not possible now/);
  });
});

test('a manager closes the lifecycle of a car that was sold: open work is cancelled with the reason and nothing more happens', async () => {
  await withLifecycle(env, 'LSVSOLD0000000001', async (handle, calls) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    expect(await rejection(handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'CLOSE', reason: '' }] }))).toBe('a correction needs its reason');
    const closed = await handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'CLOSE', reason: '车已卖 / car sold' }] });
    expect(closed.stage).toBe('CLOSED');
    expect(calls.find((c) => c.name === 'closeLifecycle')!.args[0]).toMatchObject({ actor: 'sm-wang', reason: '车已卖 / car sold' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

test("a store's new settings apply to the vehicle's next decision and are recorded with who changed them (R3 retry policy)", async () => {
  await withLifecycle(env, 'LSVSETTINGS000001', async (handle, calls) => {
    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    const change = { version: '2026-11-22T09:00:00.000Z', changedBy: 'sm-wang', changed: { unreachableMaxAttempts: 1 }, settings: { ...DEFAULT_STORE_SETTINGS, unreachableMaxAttempts: 1 } };
    await handle.signal(storeSettingsChanged, change);
    await until(() => calls.some((c) => c.name === 'recordSettingsApplied'));
    expect(calls.find((c) => c.name === 'recordSettingsApplied')!.args).toEqual([change]);

    // With the store's default of 3 attempts this would be a retry the next day (see the R3 test above).
    const first = await handle.executeUpdate(recordCallOutcome, callOutcome('UNREACHABLE'));
    expect(first).toMatchObject({ stage: 'OPEN_FOR_BOOKING', unresolvedReason: 'customer unreachable after 1 calls' });
  });
});

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !probe(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(probe()).toBe(true);
}

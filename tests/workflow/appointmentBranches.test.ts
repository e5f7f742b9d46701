// What can happen between a booking and the car in the workshop: R7 outcomes, R9 cancellation,
// R10/R11 around the appointment, and the customer who does not come.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { addMonths } from '../../domain/calendar';
import { checkIn, completePreparation, confirmBooking, correctLifecycle, getState } from '../../workflows/lifecycle/contract';
import { updateRejection } from '../../api/workflowErrors';
import { advanceTo, bookAndPrepare, DAY, HOUR, isoDay, messagesQueued, rejection, tasksOpened, toMinute, withLifecycle } from '../support/lifecycleHarness';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('R7 R8: the customer asks for another time: the booking moves, preparation is checked again, and the next confirmation call is 2 days before the new time', async () => {
  await withLifecycle(env, 'LSVRESCHEDULE0001', async (handle, calls, now) => {
    const { due } = await bookAndPrepare(env, handle, now);
    expect(await rejection(handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li', outcome: 'RESCHEDULE' }] }))).toBe('newBookedFor must be an ISO date-time');
    const newBookedFor = `${isoDay(due, 6)}T06:00:00.000Z`; // 14:00 local
    const moved = await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li', outcome: 'RESCHEDULE', newBookedFor, reason: '出差' }] });
    expect(moved).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor: newBookedFor });
    expect(calls.find((c) => c.name === 'rescheduleBooking')!.args[2]).toBe(1);
    expect(tasksOpened(calls).filter((t) => t.kind === 'PREPARATION').map((t) => t.attempt)).toEqual([undefined, 2]);

    expect((await handle.executeUpdate(completePreparation, { args: [{ actor: 'td-chen' }] })).stage).toBe('WAITING_FOR_CONFIRMATION_CALL');
    await advanceTo(env, handle, 'AWAITING_CONFIRMATION');
    const secondCall = tasksOpened(calls).filter((t) => t.kind === 'CONFIRMATION_CALL').at(-1)!;
    expect(secondCall).toMatchObject({ attempt: 2 });
    expect(toMinute(secondCall.at)).toBe(`${isoDay(due, 4)}T01:00`);
    expect((await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] })).stage).toBe('AWAITING_CHECK_IN');
    expect(calls.filter((c) => c.name === 'confirmBooking').map((c) => (c.args[0] as { round?: number }).round)).toEqual([2]);
  });
});

test('R9: a cancellation needs its reason, releases the booking and closes the cycle; the next one counts from this due date', async () => {
  await withLifecycle(env, 'LSVCANCEL00000001', async (handle, calls, now) => {
    const { due } = await bookAndPrepare(env, handle, now);
    expect(await rejection(handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li', outcome: 'CANCEL' }] }))).toBe('a cancellation needs its reason (R9)');
    const cancelled = await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li', outcome: 'CANCEL', reason: '车已卖' }] });
    expect(cancelled.unresolvedReason).toBe('booking cancelled by the customer: 车已卖');
    expect(calls.find((c) => c.name === 'cancelBooking')!.args.slice(1)).toEqual(['booking-1', 'ro-1', 1]);
    await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
    expect(calls.find((c) => c.name === 'closeCycleWithoutService')!.args[0]).toBe('booking cancelled by the customer: 车已卖');
    expect(await handle.query(getState)).toMatchObject({ cycle: 4, dueDate: addMonths(due, 6) });
  });
});

test('R10 R11: a customer who does not come is a no-show after the grace hour: the SA gets a call, and a late arrival is still received', async () => {
  await withLifecycle(env, 'LSVNOSHOW00000001', async (handle, calls, now) => {
    const { bookedFor } = await bookAndPrepare(env, handle, now);
    await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] });
    await advanceTo(env, handle, 'NO_SHOW');
    const noShow = calls.find((c) => c.name === 'markNoShow')!;
    expect(toMinute(noShow.at)).toBe(toMinute(new Date(Date.parse(bookedFor) + HOUR).toISOString()));
    expect(messagesQueued(calls).map((m) => m.rule)).toEqual(['R2', 'R11']); // no R10 SMS: nobody was assigned
    expect(tasksOpened(calls).map((t) => t.kind)).toContain('STAFF_ASSIGNMENT');

    const late = await env.currentTimeMs();
    const received = await handle.executeUpdate(checkIn, { args: [{ actor: 'sa-li', mileageKm: 12300, promisedReadyAt: new Date(late + 3 * HOUR).toISOString() }] });
    expect(received.stage).toBe('IN_SERVICE');
  });
});

test('a no-show who never comes closes the cycle when the booking window ends', async () => {
  await withLifecycle(env, 'LSVNEVERCAME00001', async (handle, calls, now) => {
    const { due } = await bookAndPrepare(env, handle, now);
    await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] });
    await advanceTo(env, handle, 'NO_SHOW');
    await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
    const closed = calls.find((c) => c.name === 'closeCycleWithoutService')!;
    expect(closed.args[0]).toBe('customer did not come to the booked appointment');
    expect(toMinute(closed.at)).toBe(`${isoDay(due, 30)}T10:00`);
    expect(Date.parse(closed.at!) - now).toBeGreaterThan(30 * DAY);
  });
});

test("a manager takes a booking confirmed by mistake back to the confirmation call (audited correction): arrival tasks stop, the SA calls again, and the car is still received", async () => {
  await withLifecycle(env, 'LSVBACKTOCONFIRM1', async (handle, calls, now) => {
    await bookAndPrepare(env, handle, now);
    const tooEarly = await handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'BACK_TO_CONFIRMATION', reason: '客户来电改约' }] }).catch(updateRejection);
    expect(tooEarly).toEqual({ status: 409, reason: expect.stringContaining('BACK_TO_CONFIRMATION is possible only for a confirmed booking before check-in') });

    expect((await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] })).stage).toBe('AWAITING_CHECK_IN');
    expect(await rejection(handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'BACK_TO_CONFIRMATION', reason: '' }] }))).toBe('a correction needs its reason');

    const reopened = await handle.executeUpdate(correctLifecycle, { args: [{ actor: 'sm-wang', action: 'BACK_TO_CONFIRMATION', reason: '误点确认，客户未接电话' }] });
    expect(reopened.stage).toBe('AWAITING_CONFIRMATION');
    expect(reopened.waitingFor.map((w) => w.rule)).toEqual(['R7']);
    const correction = calls.find((c) => c.name === 'reopenConfirmation')!;
    expect(correction.args).toEqual([{ actor: 'sm-wang', action: 'BACK_TO_CONFIRMATION', reason: '误点确认，客户未接电话' }, 'booking-1', 2]);
    expect(tasksOpened(calls).filter((t) => t.kind === 'CONFIRMATION_CALL').map((t) => t.attempt)).toEqual([undefined, 2]);

    expect((await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] })).stage).toBe('AWAITING_CHECK_IN');
    expect(calls.filter((c) => c.name === 'confirmBooking').map((c) => (c.args[0] as { round?: number }).round)).toEqual([undefined, 2]);
    await advanceTo(env, handle, 'AWAITING_CHECK_IN');
    const arrived = await env.currentTimeMs();
    const received = await handle.executeUpdate(checkIn, { args: [{ actor: 'sa-li', mileageKm: 12300, promisedReadyAt: new Date(arrived + 3 * HOUR).toISOString() }] });
    expect(received.stage).toBe('IN_SERVICE');
  });
});

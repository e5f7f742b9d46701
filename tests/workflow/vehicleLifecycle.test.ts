// A whole service cycle on the time-skipping server with the real durations (13 days, 11 days …),
// database activities replaced by recorders: asserts what the workflow did and when.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addMonths } from '../../domain/calendar';
import { assignStaff, checkIn, completePreparation, confirmBooking, deliver, getState, LIFECYCLE_TASK_QUEUE, recordCallOutcome, recordFollowUp, recordProgressCheck } from '../../workflows/lifecycle/contract';
import { advanceTo, HOUR, recordHistoryIfAsked, isoDay, localDay, rejection, startLifecycle, toMinute, vehicleInput } from '../support/lifecycleHarness';
import { OBSERVED, sortedAccepts } from '../support/stageAccepts';
import type { WorkflowHandle } from '@temporalio/client';
import { recordingActivities } from '../../scenarios/simulatedActivities';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/** The pages offer what the lifecycle accepts: the states their tests use are the ones observed here. */
async function observed(handle: WorkflowHandle, name: keyof typeof OBSERVED): Promise<void> {
  const { stage, accepts } = await handle.query(getState);
  expect({ name, stage, accepts: sortedAccepts(accepts) }).toEqual({ name, stage: OBSERVED[name].stage, accepts: sortedAccepts(OBSERVED[name].accepts) });
}

test('R1 R2 R3 R5 R6 R7 R10 R11 R12 R14 R15 R16 R17: one whole cycle with real durations, then the next cycle', async () => {
  const { activities, calls } = recordingActivities();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowBundle: await lifecycleBundle(),
    activities,
  });
  await worker.runUntil(async () => {
    const startMs = await env.currentTimeMs();
    const today = localDay(startMs);
    const input = vehicleInput(today);
    // 5 months since the last service, 6-month interval, ~9 km/day: the time rule decides (R1).
    const dueDate = addMonths(today, 1);
    const handle = await startLifecycle(env, input);

    await advanceTo(env, handle, 'AWAITING_CALL_OUTCOME');
    await observed(handle, 'reminderCall');
    const scheduled = calls.find((c) => c.name === 'scheduleCycle')!;
    expect(scheduled.args[0]).toMatchObject({ dueDate, reason: 'time' });
    expect(calls.find((c) => c.name === 'registerVehicle')).toBeUndefined(); // cycle 3: registered long ago

    const reminder = calls.find((c) => c.name === 'queueCustomerMessage')!;
    expect(reminder.args[0]).toMatchObject({ template: 'maintenance-reminder', rule: 'R2' });
    expect(toMinute(reminder.at)).toBe(`${isoDay(dueDate, -13)}T01:00`); // 09:00 in Nantong

    const callTask = calls.find((c) => c.name === 'openTask')!;
    expect(toMinute(callTask.at)).toBe(`${isoDay(dueDate, -11)}T01:00`);
    expect(callTask.args[0]).toMatchObject({ kind: 'REMINDER_CALL', rule: 'R3', dueAt: `${isoDay(dueDate, -11)}T10:00:00.000Z` });

    // A step the vehicle does not wait for is refused with a reason.
    expect(await rejection(handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] }))).toMatch(/not possible now.*AWAITING_CALL_OUTCOME/);
    expect(
      await rejection(handle.executeUpdate(recordCallOutcome, { args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor: '2001-01-01T01:00:00Z' }] })),
    ).toBe('bookedFor must be in the future');

    const bookedFor = `${isoDay(dueDate, -1)}T02:00:00.000Z`; // 10:00 local, the day before due
    const afterCall = await handle.executeUpdate(recordCallOutcome, {
      args: [{ actor: 'cr-zhao', outcome: 'BOOKED', bookedFor, mileageKm: 12100 }],
    });
    expect(afterCall).toMatchObject({ stage: 'AWAITING_PREPARATION', bookedFor });
    await observed(handle, 'preparation');
    // R6: the work order and the technical director's task, due before the R7 call, come with the booking.
    const { preparation } = calls.find((c) => c.name === 'recordCallOutcome')!.args[0] as { preparation: { servicePlanId: string; task: { dueAt: string } } };
    expect(preparation).toMatchObject({ servicePlanId: 'plan-1', task: { kind: 'PREPARATION', rule: 'R6', assigneeRole: 'TECHNICAL_DIRECTOR' } });
    expect(toMinute(preparation.task.dueAt)).toBe(`${isoDay(dueDate, -3)}T01:00`);
    expect(calls.map((c) => c.name)).not.toContain('prepareWorkOrder');

    const afterPrep = await handle.executeUpdate(completePreparation, { args: [{ actor: 'td-chen' }] });
    expect(afterPrep.stage).toBe('WAITING_FOR_CONFIRMATION_CALL');
    await observed(handle, 'beforeConfirmation');

    await advanceTo(env, handle, 'AWAITING_CONFIRMATION');
    await observed(handle, 'confirmation');
    const confirmTask = calls.filter((c) => c.name === 'openTask').find((c) => (c.args[0] as { kind: string }).kind === 'CONFIRMATION_CALL')!;
    expect(toMinute(confirmTask.at)).toBe(`${isoDay(dueDate, -3)}T01:00`); // R7: 2 days before the booked day
    expect((await handle.executeUpdate(confirmBooking, { args: [{ actor: 'sa-li' }] })).stage).toBe('AWAITING_CHECK_IN');

    // R10: the day before, the service manager names SA and technician; the customer's SMS names them.
    await advanceTo(env, handle, 'AWAITING_CHECK_IN');
    await env.sleep(Date.parse(`${isoDay(dueDate, -2)}T01:01:00Z`) - (await env.currentTimeMs()));
    const assignmentTask = calls.find((c) => c.name === 'openTask' && (c.args[0] as { kind: string }).kind === 'STAFF_ASSIGNMENT')!;
    expect(toMinute(assignmentTask.at)).toBe(`${isoDay(dueDate, -2)}T01:00`);
    await observed(handle, 'staffAssignment');
    await handle.executeUpdate(assignStaff, { args: [{ actor: 'sm-wang', advisorId: 'sa-li', advisorName: '李顾问', technicianId: 'tech-9', technicianName: '周师傅' }] });
    const staffSms = calls.find((c) => c.name === 'queueCustomerMessage' && (c.args[0] as { rule: string }).rule === 'R10')!;
    expect(staffSms.args[0]).toMatchObject({ template: 'appointment-staff', payload: { advisorName: '李顾问', technicianName: '周师傅' } });

    await env.sleep(Date.parse(bookedFor) - (await env.currentTimeMs()));
    // R11: the reminder on the day, 1 hour before the booked arrival.
    const dayOf = calls.find((c) => c.name === 'queueCustomerMessage' && (c.args[0] as { rule: string }).rule === 'R11')!;
    expect(toMinute(dayOf.at)).toBe(toMinute(new Date(Date.parse(bookedFor) - HOUR).toISOString()));
    const checkedInAt = await env.currentTimeMs();
    const promisedReadyAt = new Date(checkedInAt + 4 * HOUR).toISOString();
    const inService = await handle.executeUpdate(checkIn, { args: [{ actor: 'sa-li', mileageKm: 12150, promisedReadyAt }] });
    expect(inService.stage).toBe('IN_SERVICE');
    await observed(handle, 'inService');
    expect(inService.waitingFor.map((w) => w.rule).sort()).toEqual(['R14', 'R15', 'R16']);

    // R14 before R15: on a 4-hour job the check moves from 80% (3 h 12 min) to half an hour before the
    // pickup notice (1 hour before ready), and the notice goes out once the workshop has answered.
    await env.sleep(2 * HOUR + 31 * 60_000);
    const check = calls.find((c) => c.name === 'openTask' && (c.args[0] as { kind: string }).kind === 'PROGRESS_CHECK')!;
    expect(minutesBetween(checkedInAt, check.at)).toBe(150);
    await observed(handle, 'progressCheck');

    await handle.executeUpdate(recordProgressCheck, { args: [{ actor: 'sa-li', onTime: true }] });
    await env.sleep(checkedInAt + 3 * HOUR + 60_000 - (await env.currentTimeMs()));
    const pickup = calls.find((c) => c.name === 'queueCustomerMessage' && (c.args[0] as { rule: string }).rule === 'R15')!;
    expect(minutesBetween(checkedInAt, pickup.at)).toBe(180);
    expect(await rejection(handle.executeUpdate(deliver, { args: [{ actor: 'sa-li', amountDueCny: -1, amountPaidCny: 0 }] }))).toBe(
      'amountDueCny must be a non-negative amount',
    );
    await env.sleep(50 * 60_000);
    const afterDelivery = await handle.executeUpdate(deliver, { args: [{ actor: 'sa-li', amountDueCny: 680, amountPaidCny: 680 }] });
    expect(afterDelivery.stage).toBe('WAITING_FOR_FOLLOW_UP');
    await observed(handle, 'afterDelivery');
    const deliveredOn = new Date((await env.currentTimeMs()) + 8 * HOUR).toISOString().slice(0, 10);

    await advanceTo(env, handle, 'AWAITING_FOLLOW_UP');
    await observed(handle, 'followUp');
    const followUpTask = calls.find((c) => c.name === 'openTask' && (c.args[0] as { kind: string }).kind === 'FOLLOW_UP_CALL')!;
    expect(toMinute(followUpTask.at)).toBe(`${isoDay(deliveredOn, 3)}T01:00`); // R17
    expect(followUpTask.args[0]).toMatchObject({ dueAt: `${isoDay(deliveredOn, 5)}T10:00:00.000Z` });

    const done = await handle.executeUpdate(recordFollowUp, { args: [{ actor: 'cr-zhao', attitudeScore: 10, qualityScore: 9 }] });
    expect(done.stage).toBe('CYCLE_COMPLETE');

    // Continue-as-new: cycle 4 is due 6 months after this service (R1).
    await advanceTo(env, handle, 'WAITING_FOR_REMINDER');
    const next = await handle.query(getState);
    await observed(handle, 'nextCycle');
    expect(next).toMatchObject({ cycle: 4, dueDate: addMonths(deliveredOn, 6), stage: 'WAITING_FOR_REMINDER' });
    const delivered = calls.find((c) => c.name === 'deliverVehicle')!;
    expect(delivered.args[2]).toEqual({ serviceDate: deliveredOn, mileageKm: 12150 });

    await recordHistoryIfAsked(env.client, handle.workflowId, handle.firstExecutionRunId, 'happy-cycle-with-arrival-steps');
  });
});




function minutesBetween(fromMs: number, toIso: string | undefined): number {
  return Math.floor((Date.parse(toIso!) - fromMs) / 60_000);
}


// R14 before R15, at every job length: the customer is never told "your car will be ready, please come"
// while the workshop's 80% check is still open, nor "sorry, it will be late" after it. The store works its
// contact hours (09:00–18:00 every day); the car is checked in at 10:00 store time.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';
import { RecordedCall } from '../../scenarios/simulatedActivities';
import { getState, recordProgressCheck } from '../../workflows/lifecycle/contract';
import { driveToInService, HOUR, messagesQueued, tasksOpened, withLifecycle } from '../support/lifecycleHarness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const MINUTE = 60_000;
const minutesAfter = (fromMs: number, iso: string | undefined) => Math.floor((Date.parse(iso!) - fromMs) / MINUTE);
const pickupNotices = (calls: RecordedCall[]) => messagesQueued(calls).filter((m) => m.template === 'pickup-notice');

test.each([
  // job, VIN, check opens (min after check-in), its rule time when that was outside working hours, pickup notice (min)
  ['1-hour', 'LSVSEQUENCE1H0001', 1, 48, undefined, 49], // 80%; the notice (due at check-in) follows the answer
  ['3-hour', 'LSVSEQUENCE3H0001', 3, 90, undefined, 120], // half an hour before the notice, not at 80% (2 h 24)
  ['5-hour', 'LSVSEQUENCE5H0001', 5, 210, undefined, 240], // half an hour before the notice, not at 80% (4 h)
  ['2-day', 'LSVSEQUENCE2D0001', 48, 47 * 60, 2304, 47 * 60 + 1], // 80% at 00:24: opens at 09:00; the notice due then follows the answer
  ['3-day', 'LSVSEQUENCE3D0001', 72, 71 * 60, 3456, 71 * 60 + 1], // 80% at 19:36: opens at 09:00 on the last morning; the notice (due 06:00) follows the answer
] as const)('R14 R15: a %s job: the check opens first, the customer is told to come only after its answer', async (_job, vin, hours, checkOpens, ruleAtMinute, noticeMinute) => {
  await withLifecycle(env, vin, async (handle, calls, now) => {
    const { checkedInAt } = await driveToInService(env, handle, now, hours);
    await env.sleep(checkedInAt + (checkOpens + 1) * MINUTE - (await env.currentTimeMs()));
    const check = tasksOpened(calls).find((t) => t.kind === 'PROGRESS_CHECK')!;
    expect(minutesAfter(checkedInAt, check.at)).toBe(checkOpens);
    expect(check.ruleAt === undefined ? undefined : minutesAfter(checkedInAt, check.ruleAt)).toBe(ruleAtMinute);
    // The check is open: no "please come" yet, whatever the notice's own time.
    expect(pickupNotices(calls)).toEqual([]);

    const answered = await handle.executeUpdate(recordProgressCheck, { args: [{ actor: 'sa-li', onTime: true }] });
    expect(answered.stage).toBe('IN_SERVICE');
    await env.sleep(Math.max(0, checkedInAt + (noticeMinute + 1) * MINUTE - (await env.currentTimeMs())));
    const notices = pickupNotices(calls);
    expect(notices).toHaveLength(1);
    expect(minutesAfter(checkedInAt, notices[0].at)).toBe(noticeMinute);
    expect(messagesQueued(calls).map((m) => m.template)).not.toContain('late-notice');
  });
});

test('R14 R15: a delay answered at the check is announced at once, and "please come" follows for the new time, never before', async () => {
  await withLifecycle(env, 'LSVSEQUENCELATE01', async (handle, calls, now) => {
    const { checkedInAt, promisedReadyAt } = await driveToInService(env, handle, now, 3);
    // Past the notice's own time (2 h) with the check (1 h 30) unanswered: the notice waits.
    await env.sleep(checkedInAt + 2 * HOUR + 5 * MINUTE - (await env.currentTimeMs()));
    expect(pickupNotices(calls)).toEqual([]);
    expect((await handle.query(getState)).waitingFor.map((w) => w.rule)).toContain('R14');

    const later = new Date(promisedReadyAt + 2 * HOUR).toISOString();
    await handle.executeUpdate(recordProgressCheck, { args: [{ actor: 'sa-li', onTime: false, newPromisedReadyAt: later, note: '配件晚到' }] });
    expect(messagesQueued(calls).map((m) => m.template)).toEqual(expect.arrayContaining(['late-notice']));
    expect(pickupNotices(calls)).toEqual([]);

    // The new ready time is 5 h after check-in: "please come" 1 h before it.
    await env.sleep(checkedInAt + 4 * HOUR + MINUTE - (await env.currentTimeMs()));
    const customerMessages = messagesQueued(calls).filter((m) => m.rule === 'R15');
    expect(customerMessages.map((m) => m.template)).toEqual(['late-notice', 'pickup-notice']);
    expect(minutesAfter(checkedInAt, customerMessages[1].at)).toBe(4 * 60);
    expect(customerMessages[1]).toMatchObject({ payload: { readyAt: later } });
  });
});

// While the car is in the workshop: R13 additional work, R14 delays and the R15 late notice.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { decideAdditionalWork, deliver, getState, recordProgressCheck, reportAdditionalWork } from '../../workflows/lifecycle/contract';
import { driveToInService, HOUR, messagesQueued, rejection, tasksOpened, withLifecycle } from '../support/lifecycleHarness';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const brakePads = { description: '前刹车片磨损 / front brake pads worn', priceCny: 680, laborHours: 1, safety: true };

test('R13: additional work waits for the customer; approval adds it and moves the promised time, and the pickup notice (R15) follows', async () => {
  await withLifecycle(env, 'LSVADDWORKYES0001', async (handle, calls, now) => {
    const { checkedInAt, promisedReadyAt } = await driveToInService(env, handle, now, 4);
    expect(await rejection(handle.executeUpdate(decideAdditionalWork, { args: [{ actor: 'sa-li', approved: true }] }))).toMatch(/decideAdditionalWork is not possible now/);
    expect(await rejection(handle.executeUpdate(reportAdditionalWork, { args: [{ actor: 'tech-9', items: [], extraHours: 1 }] }))).toBe('items must list at least one additional item');

    await env.sleep(HOUR);
    const found = await handle.executeUpdate(reportAdditionalWork, { args: [{ actor: 'tech-9', items: [brakePads], extraHours: 2 }] });
    expect(found.waitingFor.find((w) => w.rule === 'R13')!.what).toMatch(/customer's decision on additional work/);
    expect(tasksOpened(calls).map((t) => t.kind)).not.toContain('ADDITIONAL_WORK_CALL'); // the activity itself opens the SA's call
    expect(calls.find((c) => c.name === 'reportAdditionalWork')!.args[2]).toBe(1);

    const approved = await handle.executeUpdate(decideAdditionalWork, { args: [{ actor: 'sa-li', approved: true, note: '客户同意' }] });
    const newPromise = new Date(promisedReadyAt + 2 * HOUR).toISOString();
    expect(approved.promisedReadyAt).toBe(newPromise);
    const decision = calls.find((c) => c.name === 'decideAdditionalWork')!;
    expect(decision.args.slice(2)).toEqual([1, [brakePads.description], newPromise]);

    // R14 before R15: the check (half an hour before the original notice) is answered before any notice goes out.
    await env.sleep(checkedInAt + 2.5 * HOUR + 60_000 - (await env.currentTimeMs()));
    expect(messagesQueued(calls).filter((m) => m.rule === 'R15')).toEqual([]);
    await handle.executeUpdate(recordProgressCheck, { args: [{ actor: 'sa-li', onTime: true }] });
    // The pickup notice moves with the promise: 1 hour before the new ready time, not the old one.
    await env.sleep(promisedReadyAt + 2 * HOUR - (await env.currentTimeMs()));
    const notice = messagesQueued(calls).find((m) => m.rule === 'R15')!;
    expect(Math.round((Date.parse(notice.at!) - checkedInAt) / 60_000)).toBe(5 * 60);
    expect((await handle.executeUpdate(deliver, { args: [{ actor: 'sa-li', amountDueCny: 1360, amountPaidCny: 1360 }] })).stage).toBe('WAITING_FOR_FOLLOW_UP');
  });
});

test('R13: a customer who declines is never forced; the promised time stays', async () => {
  await withLifecycle(env, 'LSVADDWORKNO00001', async (handle, calls, now) => {
    const { promisedReadyAt } = await driveToInService(env, handle, now, 4);
    await handle.executeUpdate(reportAdditionalWork, { args: [{ actor: 'tech-9', items: [brakePads], extraHours: 2 }] });
    const declined = await handle.executeUpdate(decideAdditionalWork, { args: [{ actor: 'sa-li', approved: false }] });
    expect(declined.promisedReadyAt).toBe(new Date(promisedReadyAt).toISOString());
    expect(calls.find((c) => c.name === 'decideAdditionalWork')!.args[0]).toMatchObject({ approved: false });
    // The workshop may report again; that is a second round.
    await handle.executeUpdate(reportAdditionalWork, { args: [{ actor: 'tech-9', items: [{ description: '雨刮片', priceCny: 120 }], extraHours: 0 }] });
    expect(calls.filter((c) => c.name === 'reportAdditionalWork').map((c) => c.args[2])).toEqual([1, 2]);
  });
});

test('R14 R15: a delay reported at the 80% check moves the promise and the customer hears at once, with the reason', async () => {
  await withLifecycle(env, 'LSVDELAYED0000001', async (handle, calls, now) => {
    const { checkedInAt, promisedReadyAt } = await driveToInService(env, handle, now, 10);
    await env.sleep(8 * HOUR + 60_000); // 80% of 10 hours
    expect(tasksOpened(calls).map((t) => t.kind)).toContain('PROGRESS_CHECK');
    const later = new Date(promisedReadyAt + 3 * HOUR).toISOString();
    const delayed = await handle.executeUpdate(recordProgressCheck, { args: [{ actor: 'sa-li', onTime: false, newPromisedReadyAt: later, note: '配件晚到' }] });
    expect(delayed.promisedReadyAt).toBe(later);
    const late = messagesQueued(calls).find((m) => m.template === 'late-notice')!;
    expect(late).toMatchObject({ rule: 'R15', payload: { readyAt: later, reason: '配件晚到' } });
    expect(Math.round((Date.parse(late.at!) - checkedInAt) / 60_000)).toBe(8 * 60 + 1);
    expect((await handle.query(getState)).stage).toBe('IN_SERVICE');
  });
});

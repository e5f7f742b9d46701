// After the follow-up call: R18 service-failure tickets that climb the ladder, R24 quality incidents,
// R19 the sales consultant's call to a first-service customer who was not fully satisfied.
import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { answerFailureTicket, failureTicketWorkflowId, FailureTicketState, getFailureTicket, acknowledgePage } from '../../workflows/failureTicket/contract';
import { deliver, getState, recordFollowUp, recordSalesCall } from '../../workflows/lifecycle/contract';
import { advanceTo, DAY, driveToInService, HOUR, recordHistoryIfAsked, rejection, tasksOpened, withLifecycle } from '../support/lifecycleHarness';
import { createTimeSkippingEnv } from '../../runtime/timeSkippingServer';

// A server per test: with a ticket child workflow alive across tests, the Java time-skipping server
// sometimes stops skipping time for the next test, which then waits in real time.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition never became true');
}

/** The ticket starts as a child and pages on its own; wait until it has opened. */
async function openedTicket(vin: string): Promise<{ handle: WorkflowHandle; state: FailureTicketState }> {
  const handle = env.client.workflow.getHandle(failureTicketWorkflowId(vin, 3));
  for (let i = 0; i < 100; i++) {
    const state = await handle.query(getFailureTicket);
    if (state.answerBy) return { handle, state };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the ticket never opened');
}

async function driveToFollowUp(handle: WorkflowHandle, now: number): Promise<void> {
  await driveToInService(env, handle, now, 2);
  await env.sleep(2 * HOUR);
  await handle.executeUpdate(deliver, { args: [{ actor: 'sa-li', amountDueCny: 680, amountPaidCny: 680 }] });
  await advanceTo(env, handle, 'AWAITING_FOLLOW_UP');
}

test('R18: a ticket nobody acknowledges or answers climbs a level per unacknowledged page to the general manager and keeps paging there', async () => {
  await withLifecycle(env, 'LSVFAILURENOANS01', async (handle, calls, now) => {
    await driveToFollowUp(handle, now);
    await handle.executeUpdate(recordFollowUp, { args: [{ actor: 'cr-zhao', attitudeScore: 3, qualityScore: 5 }] });
    const { handle: ticket, state } = await openedTicket('LSVFAILURENOANS01');
    expect(state.grade).toBe('C');
    // The top is paged again at each deadline, 24 working hours apart: the store works 09:00–18:00.
    const paging = () => calls.filter((c) => c.name === 'pageEscalationLevel');
    await env.sleep(3 * HOUR);
    for (let round = 1; round <= 3; round++) {
      const { answerBy } = await ticket.query(getFailureTicket);
      await env.sleep(Date.parse(answerBy) + 60_000 - (await env.currentTimeMs()));
      await until(async () => paging().length >= 3 + round);
    }
    const pages = paging().map((c) => c.args[0] as { level: number; round: number; roles: string[] });
    expect(pages.map((p) => [p.level, p.round, p.roles.join('+')])).toEqual([
      [0, 0, 'SERVICE_SUPERVISOR'],
      [1, 0, 'SERVICE_MANAGER+CUSTOMER_MANAGER'],
      [2, 0, 'GENERAL_MANAGER'],
      [2, 1, 'GENERAL_MANAGER'],
      [2, 2, 'GENERAL_MANAGER'],
      [2, 3, 'GENERAL_MANAGER'],
    ]);
    // Supervisor and managers let their pages go unacknowledged for an hour each; the top answers to deadlines.
    const late = calls.filter((c) => c.name === 'recordLateAnswer').map((c) => c.args[0] as { level: number; points: number; unacknowledged?: boolean });
    expect(late.map((l) => [l.level, l.points, l.unacknowledged ?? false])).toEqual([
      [0, 20, true],
      [1, 25, true],
      [2, 25, false],
      [2, 25, false],
      [2, 25, false],
    ]);
    const paged = calls.filter((c) => c.name === 'pageEscalationLevel').map((c) => Date.parse(c.at!));
    expect(paged[1] - paged[0]).toBeGreaterThanOrEqual(HOUR);
    expect(paged[1] - paged[0]).toBeLessThan(HOUR + 60_000);
    // 24 working hours of nine a day: more than two days between the top's pages, not one.
    expect(paged[4] - paged[3]).toBeGreaterThan(2 * DAY);
    await ticket.terminate('test over');
  });
});

test('R24: a quality incident over 20,000 CNY goes to the general manager and the service manager at once', async () => {
  await withLifecycle(env, 'LSVQUALITYLOSS001', async (handle, calls, now) => {
    await driveToFollowUp(handle, now);
    await handle.executeUpdate(recordFollowUp, { args: [{ actor: 'cr-zhao', attitudeScore: 9, qualityScore: 8, qualityLossCny: 26000, comment: '发动机返修' }] });
    const { handle: ticket, state } = await openedTicket('LSVQUALITYLOSS001');
    expect(state).toMatchObject({ grade: 'A', owners: ['GENERAL_MANAGER', 'SERVICE_MANAGER'] });
    expect(calls.find((c) => c.name === 'openFailureTicket')!.args[0]).toMatchObject({ rule: 'R24' });
    await ticket.terminate('test over');
  });
});

test('R19: a first-service customer not fully satisfied gets the sales consultant\'s call within a week; satisfied ones do not open a ticket', async () => {
  await withLifecycle(
    env,
    'LSVFIRSTSERVICE01',
    async (handle, calls, now) => {
      await driveToFollowUp(handle, now);
      const waiting = await handle.executeUpdate(recordFollowUp, { args: [{ actor: 'cr-zhao', attitudeScore: 9, qualityScore: 10 }] });
      expect(waiting.stage).toBe('AWAITING_SALES_CALL');
      expect(waiting.failureTicket).toBeUndefined();
      const task = tasksOpened(calls).find((t) => t.kind === 'SATISFACTION_CALL')!;
      expect(task).toMatchObject({ rule: 'R19' });
      expect(Date.parse(task.dueAt) - Date.parse(task.at!)).toBe(7 * DAY);
      expect((await handle.executeUpdate(recordSalesCall, { args: [{ actor: 'sales-zhou', realReason: '等待时间长' }] })).stage).toBe('CYCLE_COMPLETE');
    },
    (input) => ({ ...input, history: { cycle: 1 }, vehicle: { ...input.vehicle, deliveryDate: input.vehicle.mileageRecordedOn } }),
  );
});

test('R18: a score below 8 opens a D ticket; unanswered by the SA by the next evening it costs 10 points and pages the supervisor, who answers', async () => {
  await withLifecycle(env, 'LSVFAILURED000001', async (handle, calls, now) => {
    await driveToFollowUp(handle, now);
    const done = await handle.executeUpdate(recordFollowUp, { args: [{ actor: 'cr-zhao', attitudeScore: 6, qualityScore: 9, comment: '接待态度冷淡' }] });
    const ticketId = failureTicketWorkflowId('LSVFAILURED000001', 3);
    expect(done).toMatchObject({ stage: 'CYCLE_COMPLETE', failureTicket: ticketId });
    const { handle: ticket, state: opened } = await openedTicket('LSVFAILURED000001');
    expect(opened).toMatchObject({ grade: 'D', level: 0, owners: ['SERVICE_ADVISOR'], answered: false });
    // The SA acknowledges the page (its link), which stops the hour's escalation timer: the ticket stays
    // with the SA until the answer deadline.
    await ticket.signal(acknowledgePage, { level: 0, round: 0, by: 'sa-li', at: new Date(await env.currentTimeMs()).toISOString() });
    await env.sleep(2 * HOUR);
    expect(await ticket.query(getFailureTicket)).toMatchObject({ level: 0, acknowledgements: [{ level: 0, round: 0, by: 'sa-li' }] });
    expect(calls.find((c) => c.name === 'openFailureTicket')!.args[0]).toMatchObject({ grade: 'D', rule: 'R18', reason: '接待态度冷淡' });

    await env.sleep(Date.parse(opened.answerBy) - (await env.currentTimeMs()) + 60_000);
    const climbed = await ticket.query(getFailureTicket);
    expect(climbed).toMatchObject({ level: 1, owners: ['SERVICE_SUPERVISOR'] });
    expect(calls.find((c) => c.name === 'recordLateAnswer')!.args[0]).toEqual({ level: 0, round: 0, points: 10, roles: ['SERVICE_ADVISOR'] });
    expect(calls.filter((c) => c.name === 'pageEscalationLevel').map((c) => (c.args[0] as { roles: string[] }).roles)).toEqual([['SERVICE_ADVISOR'], ['SERVICE_SUPERVISOR']]);

    expect(await rejection(ticket.executeUpdate(answerFailureTicket, { args: [{ actor: 'sup-1', answer: '' }] }))).toBe('answer must say what was done for the customer');
    const answered = await ticket.executeUpdate(answerFailureTicket, { args: [{ actor: 'sup-1', answer: '主管致电道歉并赠送保养券' }] });
    expect(answered.answered).toBe(true);
    await until(async () => (await ticket.describe()).status.name === 'COMPLETED');
    await recordHistoryIfAsked(env.client, ticketId, (await ticket.describe()).runId, 'ticket-LSVFAILURED000001');
    // The vehicle's lifecycle went on to its next cycle meanwhile.
    expect((await handle.query(getState)).cycle).toBe(4);
  });
});

// Issue 14 on the running product (real Temporal dev server, real PostgreSQL, real activities), with the
// API's door bypassed through the raw Temporal client: data the database refuses answers the person's
// step with 422 and leaves the step open, and an activity that keeps failing outside a person's step
// (a manager's CLOSE) keeps retrying, never fails the lifecycle, and is listed for managers after 10 minutes.
import { WorkflowUpdateStage } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { activityTrouble } from '../../activities/activityTrouble';
import { createDb } from '../../activities/database';
import { dataFailure, DATA_ERROR_TYPE } from '../../activities/dataErrors';
import { openSession } from '../../api/auth/sessions';
import { createApp } from '../../api/app';
import { updateRejection } from '../../api/workflowErrors';
import { settableClock } from '../../runtime/clock';
import { createWebRouter } from '../../web/router';
import { correctLifecycle, lifecycleWorkflowId, recordCallOutcome } from '../../workflows/lifecycle/contract';
import { ProductStack, startProductStack } from '../support/productStack';
import { addStaff, signIn } from '../support/staff';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const VIN_STEP = 'LSVSTUCK000000001';
const VIN_CLOSE = 'LSVSTUCK000000002';
const CR = staffIdOf('CUSTOMER_RELATIONS');
const SM = staffIdOf('SERVICE_MANAGER');
const SM_B = staffIdOf('SERVICE_MANAGER', 'b');
const MINUTE = 60_000;

let stack: ProductStack;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startProductStack(async (db) => {
    await seedWebStores(db);
    await addStaff(db, [{ id: SM_B, storeId: STORE_B, role: 'SERVICE_MANAGER' }]);
  });
  api = new ApiDriver(stack.base);
  await api.register(VIN_STEP, STORE_A, '苏F50001', '13900000501');
  await api.register(VIN_CLOSE, STORE_A, '苏F50002', '13900000502');
  await Promise.all([api.waitForStage(VIN_STEP, 'AWAITING_CALL_OUTCOME'), api.waitForStage(VIN_CLOSE, 'AWAITING_CALL_OUTCOME')]);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const stageOf = async (vin: string) => (await api.call(SM, 'GET', `/api/vehicles/${vin}`)).json.state.stage;

test("a data error in a person's step answers 422 and the step stays open for a corrected one", async () => {
  const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(VIN_STEP));
  const started = Date.now();
  const nulReason = 'the database refused the data: unsupported Unicode escape sequence (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]';
  const nul = await handle.executeUpdate(recordCallOutcome, { args: [{ actor: CR, outcome: 'UNDECIDED', note: '客户\u0000再想想' }] }).catch(updateRejection);
  expect(nul).toEqual({ status: 422, reason: nulReason });
  expect(Date.now() - started).toBeLessThan(10_000); // answered at once, not after retries
  expect(await stageOf(VIN_STEP)).toBe('AWAITING_CALL_OUTCOME');

  // Not jammed ("already being processed"): the next try is heard, and refused for its own reason.
  const tooFarReason = 'the database refused the data: value "3000000000" is out of range for type integer [SQLSTATE 22003]';
  const tooFar = await handle.executeUpdate(recordCallOutcome, { args: [{ actor: CR, outcome: 'UNDECIDED', mileageKm: 3_000_000_000 }] }).catch(updateRejection);
  expect(tooFar).toEqual({ status: 422, reason: tooFarReason });

  // The refusals are on record, and the person has a task to do the step again.
  const history = (await api.call(SM, 'GET', `/api/vehicles/${VIN_STEP}/history`)).json.events as { action: string; actor: string; data: { reason?: string } }[];
  expect(history.filter((e) => e.action === 'step.refused').map((e) => [e.actor, e.data.reason])).toEqual([
    [CR, nulReason],
    [CR, tooFarReason],
  ]);
  expect(await stack.db.task.findMany({ where: { vin: VIN_STEP, kind: 'REFUSED_STEP' }, select: { status: true, assigneeRole: true, rule: true } })).toEqual([{ status: 'OPEN', assigneeRole: 'CUSTOMER_RELATIONS', rule: 'R4' }]);

  // Corrected, through the API's door: applied, and the refusal's task is done.
  const corrected = await api.call(CR, 'POST', `/api/vehicles/${VIN_STEP}/call-outcome`, { outcome: 'UNDECIDED', note: '客户再想想' });
  expect(corrected.status).toBe(200);
  const after = (await api.call(SM, 'GET', `/api/vehicles/${VIN_STEP}/history`)).json.events as { action: string; actor: string }[];
  expect(after.filter((e) => e.action === 'call.undecided').map((e) => e.actor)).toEqual([CR]);
  expect(await stack.db.task.findFirstOrThrow({ where: { vin: VIN_STEP, kind: 'REFUSED_STEP' } })).toMatchObject({ status: 'DONE', completedBy: CR });
});

test('a lifecycle whose activity keeps failing is listed for managers after 10 minutes', async () => {
  // A manager's CLOSE whose reason the database refuses: not a person's step, so it is retried — the
  // lifecycle must neither fail nor close half-way.
  const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(VIN_CLOSE));
  await handle.startUpdate(correctLifecycle, { args: [{ actor: SM, action: 'CLOSE', reason: '车辆已出售\u0000' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  const deadline = Date.now() + 30_000;
  let trouble;
  while (!(trouble = await stack.db.activityTrouble.findFirst({ where: { vin: VIN_CLOSE } })) || trouble.attempts < 2) {
    if (Date.now() > deadline) throw new Error(`no repeated failure recorded: ${JSON.stringify(trouble)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(trouble).toMatchObject({ workflowId: lifecycleWorkflowId(VIN_CLOSE), activityType: 'closeLifecycle', workflowType: 'vehicleLifecycle' });
  expect(trouble.lastError).toMatch(/^the database refused the data: unsupported Unicode escape sequence/);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // The API and the manager page on a clock of their own: 10 minutes after the first failure, not before.
  const clock = settableClock(new Date());
  const app = createApp({ client: stack.client, db: stack.db, clock, routers: [createWebRouter({ client: stack.client, db: stack.db, temporalUiUrl: stack.temporalUiUrl, clock })] });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tokens = { [SM]: await signIn(base, SM), [SM_B]: await signIn(base, SM_B), [CR]: await signIn(base, CR) };
    const stuck = async (who: string) => {
      const res = await fetch(`${base}/api/workflows/stuck`, { headers: { authorization: `Bearer ${tokens[who]}` } });
      return { status: res.status, json: (await res.json()) as { lifecycles?: { vin: string }[] } };
    };
    expect((await stuck(SM)).json.lifecycles!.map((l) => l.vin)).not.toContain(VIN_CLOSE);

    clock.set(new Date(trouble.firstFailedAt.getTime() + 10 * MINUTE + 1_000));
    const listed = await stuck(SM);
    expect(listed.status).toBe(200);
    expect(listed.json.lifecycles!.filter((l) => l.vin === VIN_CLOSE)).toEqual([
      expect.objectContaining({ workflowId: lifecycleWorkflowId(VIN_CLOSE), plate: '苏F50002', storeId: STORE_A, activityType: 'closeLifecycle', failingForMinutes: 10 }),
    ]);
    // Another store's manager does not see it; a role without the manager view is refused.
    expect((await stuck(SM_B)).json.lifecycles).toEqual([]);
    expect((await stuck(CR)).status).toBe(403);

    const web = await openSession(stack.db, SM, 'WEB', clock.now());
    const page = async (lang: 'zh' | 'en') => (await fetch(`${base}/manager`, { headers: { cookie: `sl_session=${web.token}; sl_lang=${lang}` } })).text();
    const en = await page('en');
    expect(en).toContain('Stuck lifecycles (1)');
    expect(en).toMatch(new RegExp(`<table id="stuck-lifecycles">.*<a href="/vehicles/${VIN_CLOSE}">苏F50002</a>.*closeLifecycle`, 's'));
    expect(await page('zh')).toContain('卡住的生命周期 (1)');
  } finally {
    await new Promise((r) => server.close(r));
  }
  expect((await handle.describe()).status.name).toBe('RUNNING');
});

test('the worker keeps a failing activity on record while it fails and forgets it when it succeeds; a refused person\'s step is no trouble', async () => {
  const systemPolicy = { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000, nonRetryableErrorTypes: ['UnknownStore', 'UnknownBay'] };
  const scheduled = Date.parse('2026-12-01T02:00:00.000Z');
  const attemptOf = (attempt: number, retryPolicy = systemPolicy, activityId = '9') =>
    new MockActivityEnvironment(
      { workflowExecution: { workflowId: lifecycleWorkflowId(VIN_STEP), runId: 'run-trouble' }, workflowType: 'vehicleLifecycle', activityId, activityType: 'openTask', attempt, retryPolicy, scheduledTimestampMs: scheduled, currentAttemptScheduledTimestampMs: scheduled + attempt * MINUTE },
      { interceptors: [activityTrouble(stack.db)] },
    );
  const outage = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  };
  const row = () => stack.db.activityTrouble.findUnique({ where: { workflowId_runId_activityId: { workflowId: lifecycleWorkflowId(VIN_STEP), runId: 'run-trouble', activityId: '9' } } });

  await expect(attemptOf(1).run(outage)).rejects.toThrow('ECONNREFUSED');
  await expect(attemptOf(2).run(outage)).rejects.toThrow('ECONNREFUSED');
  expect(await row()).toMatchObject({ vin: VIN_STEP, attempts: 2, firstFailedAt: new Date(scheduled), lastFailedAt: new Date(scheduled + 2 * MINUTE), lastError: 'Error: connect ECONNREFUSED 127.0.0.1:5432' });
  await expect(attemptOf(3).run(async () => 'done')).resolves.toBe('done');
  expect(await row()).toBeNull();

  // A person's step refused for its data fails once, finally: nothing is stuck.
  const refused = async () => {
    throw dataFailure({ message: 'the database refused the data: x' }, true);
  };
  await expect(attemptOf(1, { ...systemPolicy, nonRetryableErrorTypes: [...systemPolicy.nonRetryableErrorTypes, DATA_ERROR_TYPE] }, '10').run(refused)).rejects.toThrow('refused');
  expect(await stack.db.activityTrouble.count({ where: { runId: 'run-trouble' } })).toBe(0);

  // With the database itself down the record cannot be written: the activity's own failure still goes back.
  const down = createDb('postgresql://postgres@127.0.0.1:1/nowhere');
  try {
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'w', runId: 'r' }, attempt: 1, retryPolicy: systemPolicy }, { interceptors: [activityTrouble(down)] });
    await expect(env.run(outage)).rejects.toThrow('ECONNREFUSED');
  } finally {
    await down.$disconnect();
  }
});

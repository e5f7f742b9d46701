// R25 a fleet request's answer deadline on the time-skipping server, with the real commands and activities
// on a real PostgreSQL: unanswered for 24 hours it goes to the service manager (page and task); answered in
// time nobody is paged and the advisors' task is done.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createDb, Db } from '../../activities/database';
import { fleetRequestActivities } from '../../activities/fleetRequests';
import type { Principal } from '../../api/auth/principal';
import { CommandDeps, createCommandDeps, runCommand } from '../../commands/command';
import { answerFleetRequestCommand, attachFleetVehicleCommand, createFleetCommand, recordFleetRequestCommand } from '../../commands/fleets';
import type { StaffRole } from '../../generated/prisma/enums';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { createTimeSkippingEnv, lifecycleBundle } from '../../runtime/timeSkippingServer';
import { LIFECYCLE_TASK_QUEUE } from '../../workflows/lifecycle/contract';
import { FleetRequestState, getFleetRequest } from '../../workflows/fleetRequest/definitions';
import { recordHistoryIfAsked } from '../support/lifecycleHarness';
import { startPostgres, TestPostgres } from '../support/postgres';

const STORE = 'store-fleet-wf';
const HOUR = 3_600_000;

let postgres: TestPostgres;
let db: Db;
beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '车队门店', timeZone: 'Asia/Shanghai' } });
  await db.staff.createMany({
    data: [
      { id: 'sa-fleet', storeId: STORE, name: '李顾问', role: 'SERVICE_ADVISOR', email: 'sa@fleet.example' },
      { id: 'sm-fleet', storeId: STORE, name: '王经理', role: 'SERVICE_MANAGER', email: 'sm@fleet.example' },
    ],
  });
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await postgres?.stop();
});

// A server per test: a workflow left from one test can stop the next test's time skipping.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

const person = (id: string, role: StaffRole): Principal => ({ id, name: id, role, storeId: STORE, allStores: false, session: { id: `s-${id}`, kind: 'API', csrfToken: 'x', expiresAt: new Date(Date.UTC(2199, 0, 1)) } });
const SA = person('sa-fleet', 'SERVICE_ADVISOR');
const SM = person('sm-fleet', 'SERVICE_MANAGER');

/** A fleet of the store's vehicles (the company is their customer); the product clock follows the server's time. */
async function fleetWithVehicles(...vins: string[]): Promise<{ deps: CommandDeps; fleetId: string; now: () => Promise<void> }> {
  const clock = settableClock(new Date(await env.currentTimeMs()));
  const deps = createCommandDeps({ client: env.client, db, clock });
  const customer = await db.customer.create({ data: { storeId: STORE, name: `物流公司 ${vins[0]}`, phone: `139${vins[0].slice(-8)}` } });
  const { id: fleetId } = await runCommand(deps, SM, createFleetCommand, { storeId: STORE }, { name: `顺达物流 ${vins[0]}`, contacts: [{ name: '陈经理', phone: '13800001111', email: 'chen@shunda.example' }] });
  for (const vin of vins) {
    await db.vehicle.create({
      data: { vin, plate: `苏E${vin.slice(-5)}`, model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 30000, mileageRecordedAt: new Date('2026-11-01'), avgDailyKm: 120, workflowId: `vehicle-${vin}` },
    });
    await runCommand(deps, SM, attachFleetVehicleCommand, { storeId: STORE, fleetId }, { vin });
  }
  return { deps, fleetId, now: async () => clock.set(new Date(await env.currentTimeMs())) };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

test('R25: a request unanswered for 24 hours pages the service manager and gives them the task; a late answer still closes it', async () => {
  const vin = 'LSVFLEETLATE00001';
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities: fleetRequestActivities(db) });
  await worker.runUntil(async () => {
    const { deps, fleetId, now } = await fleetWithVehicles(vin);
    const requestedFor = new Date((await env.currentTimeMs()) + 72 * HOUR).toISOString();
    const recorded = await runCommand(deps, SA, recordFleetRequestCommand, { storeId: STORE, fleetId }, { vins: [vin], requestedFor, service: '季度保养' });
    const saTask = await until('the advisors’ task', () => db.task.findFirst({ where: { workflowId: recorded.workflowId, assigneeRole: 'SERVICE_ADVISOR' } }));
    const request = await db.fleetRequest.findUniqueOrThrow({ where: { id: recorded.id } });
    expect(saTask).toMatchObject({ kind: 'FLEET_REQUEST_ANSWER', rule: 'R25', status: 'OPEN', vin, dueAt: request.answerBy });
    expect(request.answerBy.getTime() - request.receivedAt.getTime()).toBeGreaterThanOrEqual(24 * HOUR - 60_000);

    // Waiting for the workflow's end skips the 24 hours.
    const handle = env.client.workflow.getHandle(recorded.workflowId);
    await handle.result();
    await recordHistoryIfAsked(env.client, recorded.workflowId, (await handle.describe()).runId, 'fleet-request-escalated');
    expect((await handle.query(getFleetRequest)) as FleetRequestState).toMatchObject({ answered: false, escalated: true });
    const pages = await db.notification.findMany({ where: { workflowId: recorded.workflowId } });
    expect(pages.map((p) => [p.channel, p.recipient, p.template, p.rule])).toEqual([['PAGE', 'sm@fleet.example', 'fleet-request-page', 'R25']]);
    expect(pages[0].payload).toMatchObject({ fleetName: `顺达物流 ${vin}`, vins: vin, service: '季度保养' });
    const smTask = await db.task.findFirstOrThrow({ where: { workflowId: recorded.workflowId, assigneeRole: 'SERVICE_MANAGER' } });
    expect(smTask).toMatchObject({ kind: 'FLEET_REQUEST_ANSWER', status: 'OPEN' });
    expect((await db.fleetRequest.findUniqueOrThrow({ where: { id: recorded.id } })).escalatedAt).not.toBeNull();
    const storeEvents = await db.storeAuditEvent.findMany({ where: { storeId: STORE, action: { startsWith: 'fleet-request.' } }, orderBy: { id: 'asc' } });
    expect(storeEvents.map((e) => [e.action, e.actor])).toEqual([
      ['fleet-request.received', 'sa-fleet'],
      ['fleet-request.escalated', 'system'],
    ]);

    await now();
    const answer = await runCommand(deps, SM, answerFleetRequestCommand, { storeId: STORE, fleetId, requestId: recorded.id }, { time: new Date((await env.currentTimeMs()) + 24 * HOUR).toISOString(), place: '二号工位' });
    expect(answer.late).toBe(true);
    const tasks = await db.task.findMany({ where: { workflowId: recorded.workflowId } });
    expect(tasks.map((t) => [t.assigneeRole, t.status, t.completedBy])).toEqual(
      expect.arrayContaining([
        ['SERVICE_ADVISOR', 'DONE', 'sm-fleet'],
        ['SERVICE_MANAGER', 'DONE', 'sm-fleet'],
      ]),
    );
  });
});

test('R25: a request answered within 24 hours pages nobody, and its task is done by the advisor who answered', async () => {
  const vin = 'LSVFLEETNTTME0001';
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: LIFECYCLE_TASK_QUEUE, workflowBundle: await lifecycleBundle(), activities: fleetRequestActivities(db) });
  await worker.runUntil(async () => {
    const second = 'LSVFLEETNTTME0002';
    const { deps, fleetId, now } = await fleetWithVehicles(vin, second);
    const requestedFor = new Date((await env.currentTimeMs()) + 48 * HOUR).toISOString();
    const recorded = await runCommand(deps, SA, recordFleetRequestCommand, { storeId: STORE, fleetId }, { vins: [vin, second], requestedFor, service: '更换轮胎' });
    await until('the advisors’ task', () => db.task.findFirst({ where: { workflowId: recorded.workflowId } }));
    await env.sleep(20 * HOUR);
    await now();
    const answer = await runCommand(deps, SA, answerFleetRequestCommand, { storeId: STORE, fleetId, requestId: recorded.id }, { time: requestedFor, place: '快修工位 3' });
    expect(answer.late).toBe(false);

    const handle = env.client.workflow.getHandle(recorded.workflowId);
    await handle.result();
    await recordHistoryIfAsked(env.client, recorded.workflowId, (await handle.describe()).runId, 'fleet-request-answered');
    expect((await handle.query(getFleetRequest)) as FleetRequestState).toMatchObject({ answered: true, escalated: false });
    expect(await db.notification.count({ where: { workflowId: recorded.workflowId } })).toBe(0);
    const request = await db.fleetRequest.findUniqueOrThrow({ where: { id: recorded.id } });
    expect(request).toMatchObject({ status: 'ANSWERED', answeredPlace: '快修工位 3', answeredBy: 'sa-fleet', escalatedAt: null });
    expect(request.answeredTime?.toISOString()).toBe(requestedFor);
    const [task] = await db.task.findMany({ where: { workflowId: recorded.workflowId } });
    expect(task).toMatchObject({ assigneeRole: 'SERVICE_ADVISOR', status: 'DONE', completedBy: 'sa-fleet' });
    const history = await db.auditEvent.findMany({ where: { vin, workflowId: recorded.workflowId }, orderBy: { id: 'asc' } });
    expect(history.map((e) => [e.action, e.actor])).toEqual([
      ['task.opened', 'system'],
      ['fleet-request.received', 'sa-fleet'],
      ['fleet-request.answered', 'sa-fleet'],
    ]);
    // The request's second vehicle carries it in its history too.
    const secondHistory = await db.auditEvent.findMany({ where: { vin: second, workflowId: recorded.workflowId }, orderBy: { id: 'asc' } });
    expect(secondHistory.map((e) => [e.action, e.actor])).toEqual([
      ['fleet-request.received', 'sa-fleet'],
      ['fleet-request.answered', 'sa-fleet'],
    ]);
  });
});

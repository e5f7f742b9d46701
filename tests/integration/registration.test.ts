// Issue 14, "Registration": a VIN belongs to one store. Another store's registration is refused alike
// whether that store's lifecycle runs or was closed; a closed lifecycle starts again only when its own
// store asks for it (`reopen: true`), audited, at a fresh cycle whose steps are really done; a manager
// moves a closed vehicle to another store, which then reopens it there.
import { startInputOf } from '../support/workflowInput';
import { CLOSED_NEEDS_REOPEN, REGISTERED_ELSEWHERE } from '../../commands/registration';
import { careWorkflowId } from '../../workflows/care/contract';
import { lifecycleWorkflowId, SA_STORE } from '../../workflows/lifecycle/contract';
import { ProductStack, startProductStack } from '../support/productStack';
import { addStaff } from '../support/staff';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const SA_A = staffIdOf('SERVICE_ADVISOR');
const SM_A = staffIdOf('SERVICE_MANAGER');
const SA_B = staffIdOf('SERVICE_ADVISOR', 'b');
const SM_B = staffIdOf('SERVICE_MANAGER', 'b');
const DAY = 86_400_000;

const VIN_CLOSED = 'LSVREG0000000C001';
const VIN_RUNNING = 'LSVREG0000000R001';
const VIN_REOPEN = 'LSVREG0000000P001';
const VIN_MOVE = 'LSVREG0000000M001';
const VIN_SIBLING = 'LSVREG0000000M002';
const VIN_ALONE = 'LSVREG0000000M003';

let stack: ProductStack;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startProductStack(async (db) => {
    await seedWebStores(db);
    await addStaff(db, [{ id: SM_B, storeId: STORE_B, role: 'SERVICE_MANAGER', name: 'SM B' }]);
  });
  api = new ApiDriver(stack.base);
  await api.register(VIN_CLOSED, STORE_A, '苏F50001', '13900000501');
  await api.register(VIN_RUNNING, STORE_A, '苏F50002', '13900000502');
  await api.register(VIN_REOPEN, STORE_A, '苏F50003', '13900000503');
  await api.register(VIN_MOVE, STORE_A, '苏F50004', '13900000504');
  // The same customer's second car: the transfer copies the customer instead of moving them.
  await api.register(VIN_SIBLING, STORE_A, '苏F50005', '13900000504');
  await api.register(VIN_ALONE, STORE_A, '苏F50006', '13900000506');
  for (const vin of [VIN_CLOSED, VIN_RUNNING, VIN_REOPEN, VIN_MOVE, VIN_SIBLING, VIN_ALONE]) await api.waitForStage(vin, 'AWAITING_CALL_OUTCOME');
  await closeLifecycle(VIN_CLOSED);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

/** A registration body as a store's advisor sends it. */
function registration(vin: string, storeId: string, plate: string, customer: { name: string; phone: string }, extra: Record<string, unknown> = {}) {
  return { vin, plate, model: 'Sagitar', storeId, deliveryDate: new Date(Date.now() - 92 * DAY).toISOString().slice(0, 10), mileageKm: 4200, customer, ...extra };
}

/** The manager's CLOSE, then until the run has ended (the Update answers once the stage is CLOSED). */
async function closeLifecycle(vin: string): Promise<void> {
  const closed = await api.call(SM_A, 'POST', `/api/vehicles/${vin}/correction`, { action: 'CLOSE', reason: '车主搬走 moved away' });
  expect(closed).toMatchObject({ status: 200, json: { stage: 'CLOSED' } });
  const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(vin));
  const deadline = Date.now() + 30_000;
  while ((await handle.describe()).status.name === 'RUNNING') {
    if (Date.now() > deadline) throw new Error(`${vin} still running after CLOSE`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function lifecycle(vin: string) {
  const d = await stack.client.workflow.getHandle(lifecycleWorkflowId(vin)).describe();
  return { status: d.status.name, store: d.typedSearchAttributes.get(SA_STORE), runId: d.runId };
}

async function history(vin: string): Promise<Array<{ action: string; actor: string; cycle: number; workflowId: string; runId: string; data: any }>> {
  const res = await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${vin}/history`);
  expect(res.status).toBe(200);
  return res.json.events;
}

const startInput = (vin: string) => startInputOf(stack.client, lifecycleWorkflowId(vin));

test('another store cannot take over a closed VIN: 409 with a neutral reason, the records stay store A\'s', async () => {
  const before = await lifecycle(VIN_CLOSED);
  expect(before).toMatchObject({ status: 'COMPLETED', store: STORE_A });
  const takeover = registration(VIN_CLOSED, STORE_B, '苏E99999', { name: '张先生', phone: '13700000999' }, { advisorId: SA_B });
  for (const body of [takeover, { ...takeover, reopen: true }]) {
    const refused = await api.call(SA_B, 'POST', '/api/vehicles', body);
    expect(refused).toEqual({ status: 409, json: { error: REGISTERED_ELSEWHERE } });
    // It names neither the store nor the customer it belongs to.
    expect(JSON.stringify(refused.json)).not.toMatch(/store-a|Store A|刘女士|13900000501/);
  }

  const row = await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_CLOSED }, include: { customer: true } });
  expect(row).toMatchObject({ storeId: STORE_A, plate: '苏F50001', cycle: 1, customer: { storeId: STORE_A, phone: '13900000501' } });
  // No new run: the closed one is still the latest, of store A.
  expect(await lifecycle(VIN_CLOSED)).toEqual(before);
  expect(await stack.db.customer.count({ where: { phone: '13700000999' } })).toBe(0);
  expect((await history(VIN_CLOSED)).filter((e) => e.actor === SA_B)).toEqual([]);
  // Store A still sees its vehicle, closed; store B does not see it at all.
  expect(await api.call(SA_A, 'GET', `/api/vehicles/${VIN_CLOSED}`)).toMatchObject({ status: 200, json: { vehicle: { storeId: STORE_A }, state: { stage: 'CLOSED' } } });
  expect((await api.call(SA_B, 'GET', `/api/vehicles/${VIN_CLOSED}`)).status).toBe(404);
});

test("registering another store's running VIN is 409, not an existence oracle", async () => {
  const body = (vin: string) => registration(vin, STORE_B, '苏E88888', { name: '张先生', phone: '13700000888' });
  const running = await api.call(SA_B, 'POST', '/api/vehicles', body(VIN_RUNNING));
  const closed = await api.call(SA_B, 'POST', '/api/vehicles', body(VIN_CLOSED));
  // Running or closed in the other store: one and the same answer.
  expect(running).toEqual({ status: 409, json: { error: REGISTERED_ELSEWHERE } });
  expect(closed).toEqual(running);
  // Nor does the other store's manager get further, with or without `reopen`.
  expect(await api.call(SM_B, 'POST', '/api/vehicles', { ...body(VIN_RUNNING), reopen: true })).toEqual(running);

  expect(await lifecycle(VIN_RUNNING)).toMatchObject({ status: 'RUNNING', store: STORE_A });
  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_RUNNING } })).toMatchObject({ storeId: STORE_A });
  // Its own store registering it again is harmless and idempotent, as before.
  const again = await api.call(SA_A, 'POST', '/api/vehicles', registration(VIN_RUNNING, STORE_A, '苏F50002', { name: '刘女士', phone: '13900000502' }, { reopen: true }));
  expect(again).toMatchObject({ status: 200, json: { created: false, vin: VIN_RUNNING } });
  expect(again.json.reopened).toBeUndefined();
});

test('a closed lifecycle is reopened only explicitly, audited, and its new run does its own steps', async () => {
  await closeLifecycle(VIN_REOPEN);
  const closedRun = (await lifecycle(VIN_REOPEN)).runId;
  // The car changed hands: the new owner comes with it.
  const body = registration(VIN_REOPEN, STORE_A, '苏F50003', { name: '陈先生', phone: '13900000603' }, { advisorId: SA_A });

  expect(await api.call(SA_A, 'POST', '/api/vehicles', body)).toEqual({ status: 409, json: { error: CLOSED_NEEDS_REOPEN } });
  expect((await lifecycle(VIN_REOPEN)).runId).toBe(closedRun);

  const reopened = await api.call(SA_A, 'POST', '/api/vehicles', { ...body, reopen: true });
  expect(reopened).toEqual({
    status: 201,
    json: { vin: VIN_REOPEN, workflowId: lifecycleWorkflowId(VIN_REOPEN), careWorkflowId: careWorkflowId(VIN_REOPEN), created: true, reopened: true },
  });
  await api.waitForStage(VIN_REOPEN, 'AWAITING_CALL_OUTCOME');
  const now = await lifecycle(VIN_REOPEN);
  expect(now).toMatchObject({ status: 'RUNNING', store: STORE_A });
  expect(now.runId).not.toBe(closedRun);

  // The new run counts on from the closed one's cycle; `reopen` is the command's, not the workflow's.
  const input = await startInput(VIN_REOPEN);
  expect(input).not.toHaveProperty('reopen');
  expect(input.history).toEqual({ cycle: 2 });
  expect(input.customer).toEqual({ name: '陈先生', phone: '13900000603' });
  const { json: seen } = await api.call(SA_A, 'GET', `/api/vehicles/${VIN_REOPEN}`);
  expect(seen.state).toMatchObject({ cycle: 2, stage: 'AWAITING_CALL_OUTCOME' });
  expect(seen.vehicle).toMatchObject({ storeId: STORE_A, cycle: 2, customer: { phone: '13900000603', name: '陈先生' } });

  // Its own steps: the due date of cycle 2, a new reminder call task and reminder message; cycle 1's stay cancelled.
  const events = await history(VIN_REOPEN);
  const reopenEvent = events.find((e) => e.action === 'lifecycle.reopened');
  expect(reopenEvent).toMatchObject({ actor: SA_A, cycle: 2, workflowId: lifecycleWorkflowId(VIN_REOPEN), runId: 'api', data: { closedCycle: 1, cycle: 2, storeId: STORE_A, customerId: seen.vehicle.customerId, previousCustomerId: expect.any(String) } });
  expect(events.map((e) => `${e.cycle} ${e.action}`)).toEqual(expect.arrayContaining(['1 vehicle.registered', '1 cycle.scheduled', '1 lifecycle.closed', '2 lifecycle.reopened', '2 cycle.scheduled']));
  expect(events.filter((e) => e.cycle === 2 && e.action === 'cycle.scheduled')[0].runId).toBe(now.runId);
  const calls = await stack.db.task.findMany({ where: { vin: VIN_REOPEN, kind: 'REMINDER_CALL' }, orderBy: { cycle: 'asc' } });
  expect(calls.map((t) => [t.cycle, t.status])).toEqual([
    [1, 'CANCELLED'],
    [2, 'OPEN'],
  ]);
  expect(await stack.db.notification.count({ where: { vin: VIN_REOPEN, cycle: 2, recipient: '13900000603' } })).toBeGreaterThan(0);
  // Care contacts were never closed by the CLOSE: the same run goes on.
  expect((await stack.client.workflow.getHandle(careWorkflowId(VIN_REOPEN)).describe()).status.name).toBe('RUNNING');

  // Once running again, another registration is the idempotent 200, reopen or not.
  expect(await api.call(SA_A, 'POST', '/api/vehicles', { ...body, reopen: true })).toMatchObject({ status: 200, json: { created: false } });
  expect((await history(VIN_REOPEN)).filter((e) => e.action === 'lifecycle.reopened')).toHaveLength(1);
  // And the reopened run moves on like any other.
  // In three days, 10:00 in the store's time zone (Shanghai), within its hours.
  const bookedFor = `${new Date(Date.now() + 8 * 3_600_000 + 3 * DAY).toISOString().slice(0, 10)}T02:00:00Z`;
  const booked = await api.call(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${VIN_REOPEN}/call-outcome`, { outcome: 'BOOKED', bookedFor });
  expect(booked).toMatchObject({ status: 200, json: { stage: 'AWAITING_PREPARATION', cycle: 2 } });
});

test('a manager transfers a closed vehicle to another store, which reopens it', async () => {
  const transfer = { toStoreId: STORE_B, reason: '客户搬到苏州 moved to store B' };
  // Store A has looked at it: this process remembers its store.
  expect((await api.call(SA_A, 'GET', `/api/vehicles/${VIN_MOVE}`)).status).toBe(200);

  expect(await api.call(SM_A, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, transfer)).toEqual({
    status: 409,
    json: { error: "the vehicle's lifecycle is running; close the lifecycle first (correction CLOSE)" },
  });
  await closeLifecycle(VIN_MOVE);
  // Managers only; the receiving store's manager cannot pull another store's vehicle (it does not exist for them).
  expect((await api.call(SA_A, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, transfer)).status).toBe(403);
  expect((await api.call(SM_B, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, transfer)).status).toBe(404);
  expect(await api.call(SM_A, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, { ...transfer, toStoreId: 'store-nowhere' })).toEqual({ status: 422, json: { error: 'unknown store store-nowhere' } });
  expect((await api.call(SM_A, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, { ...transfer, toStoreId: STORE_A })).status).toBe(409);
  expect((await api.call(SM_A, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, { toStoreId: STORE_B, reason: 'x' })).status).toBe(400);
  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_MOVE } })).toMatchObject({ storeId: STORE_A });

  const oldCustomer = (await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_MOVE } })).customerId;
  const moved = await api.call(SM_A, 'POST', `/api/vehicles/${VIN_MOVE}/transfer`, transfer);
  expect(moved).toMatchObject({ status: 200, json: { vin: VIN_MOVE, fromStoreId: STORE_A, toStoreId: STORE_B, customer: 'copied' } });

  // The customer keeps their other car in store A; store B has its own copy for this one.
  const row = await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_MOVE }, include: { customer: true } });
  expect(row).toMatchObject({ storeId: STORE_B, advisorId: null, customer: { storeId: STORE_B, phone: '13900000504', name: '刘女士' } });
  expect(row.customerId).not.toBe(oldCustomer);
  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_SIBLING }, include: { customer: true } })).toMatchObject({ customerId: oldCustomer, customer: { storeId: STORE_A } });

  // At once, in this process: store B sees it, store A no longer does.
  expect((await api.call(SA_A, 'GET', `/api/vehicles/${VIN_MOVE}`)).status).toBe(404);
  expect(await api.call(SA_B, 'GET', `/api/vehicles/${VIN_MOVE}`)).toMatchObject({ status: 200, json: { vehicle: { storeId: STORE_B } } });

  // Store B reopens it there: explicitly, like any closed lifecycle of its own.
  const body = registration(VIN_MOVE, STORE_B, '苏E50004', { name: '刘女士', phone: '13900000504' }, { advisorId: SA_B });
  expect(await api.call(SA_B, 'POST', '/api/vehicles', body)).toEqual({ status: 409, json: { error: CLOSED_NEEDS_REOPEN } });
  expect(await api.call(SA_B, 'POST', '/api/vehicles', { ...body, reopen: true })).toMatchObject({ status: 201, json: { created: true, reopened: true } });
  await api.waitForStage(VIN_MOVE, 'AWAITING_CALL_OUTCOME', SA_B);
  expect(await lifecycle(VIN_MOVE)).toMatchObject({ status: 'RUNNING', store: STORE_B });
  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_MOVE } })).toMatchObject({ storeId: STORE_B, plate: '苏E50004', advisorId: SA_B, cycle: 2 });
  expect(await stack.db.task.findFirst({ where: { vin: VIN_MOVE, kind: 'REMINDER_CALL', cycle: 2, status: 'OPEN' } })).not.toBeNull();
  expect((await api.call(SA_A, 'GET', `/api/vehicles/${VIN_MOVE}`)).status).toBe(404);
  expect((await api.call(SM_A, 'GET', `/api/vehicles/${VIN_MOVE}/history`)).status).toBe(404);
  const { json: list } = await api.call(SA_B, 'GET', '/api/workflows');
  expect(list.workflows.map((w: { vin: string }) => w.vin)).toContain(VIN_MOVE);

  const events = await history(VIN_MOVE);
  expect(events.find((e) => e.action === 'vehicle.transferred')).toMatchObject({ actor: SM_A, runId: 'api', data: { from: STORE_A, to: STORE_B, reason: transfer.reason, customer: 'copied', previousCustomerId: oldCustomer } });
  expect(events.find((e) => e.action === 'lifecycle.reopened')).toMatchObject({ actor: SA_B, cycle: 2, data: { storeId: STORE_B } });

  // A customer without another car moves along with it.
  await closeLifecycle(VIN_ALONE);
  const alone = (await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_ALONE } })).customerId;
  expect(await api.call(staffIdOf('GENERAL_MANAGER'), 'POST', `/api/vehicles/${VIN_ALONE}/transfer`, transfer)).toMatchObject({ status: 200, json: { customer: 'moved', customerId: alone } });
  expect(await stack.db.customer.findUniqueOrThrow({ where: { id: alone } })).toMatchObject({ storeId: STORE_B });
});

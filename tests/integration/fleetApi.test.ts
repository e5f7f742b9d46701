// R25 corporate fleets over the real API, with the real worker on the Temporal dev server and a real
// PostgreSQL: a manager keeps the account and its vehicles, an advisor's request less than 24 h ahead is
// refused in the caller's language, one in time is recorded with its deadline and answered with time and
// place; every change is in the store's audit chain with who and when.
import { Db } from '../../activities/database';
import { ProductStack, startProductStack } from '../support/productStack';
import { addStaff, signIn } from '../support/staff';

const STORE = 'store-fleet-api';
const OTHER = 'store-fleet-other';
const VIN = 'LSVFLEETAP1000001';
const HOUR = 3_600_000;

let stack: ProductStack;
let db: Db;
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startProductStack(async (seeded) => {
    db = seeded;
    await db.store.createMany({ data: [{ id: STORE, name: '车队门店' }, { id: OTHER, name: '别的门店' }] });
    await addStaff(db, [
      { id: 'sm-fleet', storeId: STORE, role: 'SERVICE_MANAGER' },
      { id: 'sa-fleet', storeId: STORE, role: 'SERVICE_ADVISOR' },
      { id: 'tech-fleet', storeId: STORE, role: 'TECHNICIAN' },
      { id: 'sm-other', storeId: OTHER, role: 'SERVICE_MANAGER' },
    ]);
    const customer = await db.customer.create({ data: { storeId: STORE, name: '顺达物流有限公司', phone: '051200000001' } });
    await db.vehicle.create({
      data: { vin: VIN, plate: '苏E12345', model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 30000, mileageRecordedAt: new Date('2026-11-01'), avgDailyKm: 120, workflowId: `vehicle-${VIN}` },
    });
  });
  for (const id of ['sm-fleet', 'sa-fleet', 'tech-fleet', 'sm-other']) tokens.set(id, await signIn(stack.base, id));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(who: string, method: string, path: string, body?: unknown, lang?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(who)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (lang) headers['accept-language'] = lang;
  const res = await fetch(`${stack.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`never: ${what}`);
}

const fleets = `/api/stores/${STORE}/fleets`;
const account = { name: '顺达物流', note: '月结', contacts: [{ name: '陈经理', phone: '13800001111', email: 'chen@shunda.example' }] };

test('R25: a fleet account, its vehicle, a request refused under 24 h ahead, one recorded in time and answered with time and place; all audited', async () => {
  // A fleet needs a contact; the reason reads in Chinese for a Chinese caller.
  const noContact = await call('sm-fleet', 'POST', fleets, { ...account, contacts: [] }, 'zh-CN');
  expect(noContact).toMatchObject({ status: 400, body: { error: 'contacts: 至少填写一位车队联系人' } });
  expect((await call('sa-fleet', 'POST', fleets, account)).status).toBe(403);
  const created = await call('sm-fleet', 'POST', fleets, account);
  expect(created.status).toBe(201);
  const fleetId = created.body.id as string;
  const fleet = `${fleets}/${fleetId}`;
  expect((await call('sm-fleet', 'POST', fleets, account)).body).toMatchObject({ error: 'name: another fleet of this store has this name' });
  expect((await call('sm-fleet', 'POST', `${fleet}/vehicles`, { vin: VIN })).status).toBe(201);
  expect((await call('sm-fleet', 'POST', `${fleet}/vehicles`, { vin: VIN })).status).toBe(409);
  // Another store's fleet does not exist for its manager.
  expect((await call('sm-other', 'GET', fleet)).status).toBe(404);

  // R25: less than 24 h ahead is refused, in the caller's language; nothing is recorded.
  const soon = new Date(Date.now() + 23 * HOUR).toISOString();
  const refused = await call('sa-fleet', 'POST', `${fleet}/requests`, { vins: [VIN], requestedFor: soon, service: '常规保养' });
  expect(refused).toMatchObject({ status: 422, body: { error: 'requestedFor: a fleet request must come at least 24 hours before the requested service time (R25)' } });
  const refusedZh = await call('sa-fleet', 'POST', `${fleet}/requests`, { vins: [VIN], requestedFor: soon, service: '常规保养' }, 'zh-CN,zh;q=0.9');
  expect(refusedZh).toMatchObject({ status: 422, body: { error: 'requestedFor: 车队预约须至少提前 24 小时提出（R25）' } });
  expect((await call('tech-fleet', 'POST', `${fleet}/requests`, { vins: [VIN], requestedFor: soon, service: '常规保养' })).status).toBe(403);
  expect(await db.fleetRequest.count()).toBe(0);

  const requestedFor = new Date(Date.now() + 48 * HOUR).toISOString();
  const recorded = await call('sa-fleet', 'POST', `${fleet}/requests`, { vins: [VIN], requestedFor, service: '常规保养，检查刹车' });
  expect(recorded.status).toBe(201);
  const requestId = recorded.body.id as string;
  const open = await until('the request on the fleet', async () => {
    const view = (await call('sa-fleet', 'GET', fleet)).body as { requests: Record<string, unknown>[] };
    return view.requests.find((r) => r.id === requestId);
  });
  expect(open).toMatchObject({ vins: [VIN], status: 'OPEN', overdue: false, receivedBy: 'sa-fleet', answer: null });
  expect(Date.parse(open.answerBy as string) - Date.parse(open.receivedAt as string)).toBeGreaterThan(23 * HOUR);
  const task = await until('the advisors’ task', async () => (await db.task.findFirst({ where: { vin: VIN, kind: 'FLEET_REQUEST_ANSWER' } })) ?? undefined);
  expect(task).toMatchObject({ status: 'OPEN', assigneeRole: 'SERVICE_ADVISOR', rule: 'R25' });

  // The answer: a time that has passed is refused; time and place close the task.
  const answer = `${fleet}/requests/${requestId}/answer`;
  expect((await call('sa-fleet', 'POST', answer, { time: new Date(Date.now() - HOUR).toISOString(), place: '二号工位' })).status).toBe(422);
  const answered = await call('sa-fleet', 'POST', answer, { time: requestedFor, place: '二号工位' });
  expect(answered).toMatchObject({ status: 200, body: { id: requestId, late: false } });
  expect((await call('sa-fleet', 'POST', answer, { time: requestedFor, place: '二号工位' }, 'zh')).body).toMatchObject({ error: '此车队预约已答复' });
  const view = (await call('sa-fleet', 'GET', fleet)).body as { requests: Record<string, unknown>[]; vehicles: unknown[]; contacts: unknown[] };
  expect(view.requests[0]).toMatchObject({ status: 'ANSWERED', answer: { time: requestedFor, place: '二号工位', answeredBy: 'sa-fleet' } });
  expect(view.vehicles).toEqual([{ vin: VIN, plate: '苏E12345', model: 'Lavida' }]);
  expect(view.contacts).toEqual([{ name: '陈经理', phone: '13800001111', email: 'chen@shunda.example' }]);
  expect(await db.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'DONE', completedBy: 'sa-fleet' });
  const list = await call('sa-fleet', 'GET', fleets);
  expect(list.body.fleets).toEqual([{ id: fleetId, name: '顺达物流', vehicles: 1, openRequests: 0, overdueRequests: 0 }]);

  const events = await db.storeAuditEvent.findMany({ where: { storeId: STORE }, orderBy: { id: 'asc' } });
  expect(events.map((e) => [e.action, e.actor])).toEqual([
    ['fleet.created', 'sm-fleet'],
    ['fleet.vehicle-attached', 'sm-fleet'],
    ['fleet-request.received', 'sa-fleet'],
    ['fleet-request.answered', 'sa-fleet'],
  ]);
  expect(events[3].data).toMatchObject({ requestId, time: requestedFor, place: '二号工位', late: false });
  const history = await db.auditEvent.findMany({ where: { vin: VIN }, orderBy: { id: 'asc' } });
  expect(history.map((e) => e.action)).toEqual(['task.opened', 'fleet-request.received', 'fleet-request.answered']);

  // The workflow heard the answer and ended without paging anybody.
  await stack.client.workflow.getHandle(recorded.body.workflowId as string).result();
  expect(await db.notification.count({ where: { vin: VIN } })).toBe(0);

  // A vehicle leaves the fleet; the change is audited too.
  expect((await call('sm-fleet', 'DELETE', `${fleet}/vehicles/${VIN}`)).status).toBe(200);
  expect((await db.vehicle.findUniqueOrThrow({ where: { vin: VIN } })).fleetAccountId).toBeNull();
});

// R25 the fleet pages on the real stack (Temporal dev server, PostgreSQL, the worker): the service manager
// adds a fleet and its vehicle, the advisor's request under 24 h ahead is refused beside its field in
// Chinese, one in time is listed with its deadline and answered with time and place; an overdue request
// stands out. People without the role neither see the page nor get the forms.
import { openSession } from '../../api/auth/sessions';
import { ProductStack, startProductStack } from '../support/productStack';
import { addStaff } from '../support/staff';

const STORE = 'store-fleet-web';
const VIN = 'LSVFLEETWEB000001';
const HOUR = 3_600_000;
let stack: ProductStack;

beforeAll(async () => {
  stack = await startProductStack(async (db) => {
    await db.store.create({ data: { id: STORE, name: '车队门店' } });
    await addStaff(db, [
      { id: 'sm-web', storeId: STORE, role: 'SERVICE_MANAGER' },
      { id: 'sa-web', storeId: STORE, role: 'SERVICE_ADVISOR' },
      { id: 'tech-web', storeId: STORE, role: 'TECHNICIAN' },
    ]);
    const customer = await db.customer.create({ data: { storeId: STORE, name: '顺达物流有限公司', phone: '051200000002' } });
    await db.vehicle.create({
      data: { vin: VIN, plate: '苏E54321', model: 'Lavida', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 30000, mileageRecordedAt: new Date('2026-11-01'), avgDailyKm: 120, workflowId: `vehicle-${VIN}` },
    });
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function web(staffId: string) {
  const session = await openSession(stack.db, staffId, 'WEB', new Date());
  const headers = { cookie: `sl_session=${session.token}; sl_lang=zh` };
  return {
    get: async (path: string) => {
      const res = await fetch(`${stack.base}${path}`, { headers });
      return { status: res.status, html: await res.text() };
    },
    post: async (path: string, fields: [string, string][]) => {
      const res = await fetch(`${stack.base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([['_csrf', session.csrfToken], ...fields]),
      });
      return { status: res.status, html: await res.text(), location: res.headers.get('location') };
    },
  };
}

/** The store's wall clock (UTC+8) as a datetime-local field holds it. */
const local = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16);

test('R25: a fleet added on the page, a request refused under 24 h ahead beside its field, one recorded, listed with its deadline and answered; an overdue one highlighted', async () => {
  const sm = await web('sm-web');
  const sa = await web('sa-web');
  const list = `/stores/${STORE}/fleets`;
  expect((await (await web('tech-web')).get(list)).status).toBe(403);
  expect((await sa.get(list)).html).not.toContain('data-form="fleet-create"');

  const created = await sm.post(list, [
    ['name', '顺达物流'],
    ['contacts.0.name', '陈经理'],
    ['contacts.0.phone', '13800001111'],
    ['contacts.0.email', 'chen@shunda.example'],
  ]);
  expect(created.status).toBe(303);
  const fleet = await stack.db.fleetAccount.findFirstOrThrow({ where: { storeId: STORE } });
  const fleetPage = `${list}/${fleet.id}`;
  expect((await sm.get(list)).html).toContain(`<a href="${fleetPage}">顺达物流</a>`);
  expect((await sm.post(`${fleetPage}/vehicles`, [['vin', VIN]])).status).toBe(303);

  // The manager edits the account: the form shows the contacts, the saved list replaces them.
  expect((await sm.get(fleetPage)).html).toMatch(/data-field="contacts.0.email"><span>[^<]*<\/span>\s*<input name="contacts.0.email" value="chen@shunda.example"/);
  const edited = await sm.post(fleetPage, [
    ['name', '顺达物流'],
    ['note', '月结客户'],
    ['contacts.0.name', '陈经理'],
    ['contacts.0.phone', '13800001111'],
    ['contacts.0.email', 'chen@shunda.example'],
    ['contacts.1.name', '调度员'],
    ['contacts.1.phone', '13800002222'],
  ]);
  expect(edited.status).toBe(303);
  expect((await stack.db.fleetContact.findMany({ where: { fleetAccountId: fleet.id }, orderBy: { name: 'asc' } })).map((c) => [c.name, c.email])).toEqual([
    ['调度员', null],
    ['陈经理', 'chen@shunda.example'],
  ]);
  expect((await sm.get(fleetPage)).html).toContain('无邮箱：收不到维修报告');

  const soon = await sa.post(`${fleetPage}/requests`, [
    ['vins', VIN],
    ['requestedFor', local(Date.now() + 10 * HOUR)],
    ['service', '常规保养'],
  ]);
  expect(soon.status).toBe(422);
  expect(soon.html).toMatch(/<span class="field-error" data-field="requestedFor">车队预约须至少提前 24 小时提出（R25）<\/span>/);
  expect(soon.html).toContain('常规保养');

  const recorded = await sa.post(`${fleetPage}/requests`, [
    ['vins', VIN],
    ['requestedFor', local(Date.now() + 50 * HOUR)],
    ['service', '常规保养，检查刹车'],
  ]);
  expect(recorded.status).toBe(303);
  let request = await stack.db.fleetRequest.findFirst({ where: { fleetAccountId: fleet.id } });
  for (let i = 0; !request && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    request = await stack.db.fleetRequest.findFirst({ where: { fleetAccountId: fleet.id } });
  }
  const open = (await sa.get(fleetPage)).html;
  expect(open).toContain(`<tr data-request="${request!.id}" data-status="OPEN">`);
  expect(open).toContain(`data-form="fleet-answer:${request!.id}"`);
  // The advisors' task is in their inbox, leading to the fleet's page to answer.
  expect((await sa.get('/inbox')).html).toMatch(new RegExp(`data-kind="FLEET_REQUEST_ANSWER" data-vin="${VIN}">[\\s\\S]*?<a href="${fleetPage}">到车队页面答复</a>`));

  // A request received two days ago and never answered (its deadline passed) stands out.
  const old = await stack.db.fleetRequest.create({
    data: { fleetAccountId: fleet.id, requestedFor: new Date(Date.now() + HOUR), service: '更换轮胎', receivedAt: new Date(Date.now() - 48 * HOUR), receivedBy: 'sa-web', answerBy: new Date(Date.now() - 24 * HOUR), workflowId: 'fleet-request-seeded', vehicles: { create: [{ vin: VIN }] } },
  });
  const withOverdue = (await sa.get(fleetPage)).html;
  expect(withOverdue).toContain(`<tr data-request="${old.id}" data-status="OPEN" class="overdue">`);
  expect(withOverdue).toContain('<span class="badge red">逾期未答复</span>');
  expect((await sa.get(list)).html).toContain(`<tr data-fleet="${fleet.id}" class="overdue">`);

  const answered = await sa.post(`${fleetPage}/requests/${request!.id}/answer`, [
    ['time', local(Date.now() + 50 * HOUR)],
    ['place', '二号工位'],
  ]);
  expect(answered.status).toBe(303);
  const after = (await sa.get(fleetPage)).html;
  expect(after).toContain(`<tr data-request="${request!.id}" data-status="ANSWERED">`);
  expect(after).toContain('二号工位');
  expect((await stack.db.fleetRequest.findUniqueOrThrow({ where: { id: request!.id } })).answeredBy).toBe('sa-web');
});

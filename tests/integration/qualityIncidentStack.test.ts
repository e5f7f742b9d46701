// R24 end to end on the real stack (Temporal dev server, worker, PostgreSQL, API and web UI): a follow-up
// call over the API registers a loss above the store's threshold and what happened; the lifecycle opens an
// R24 grade-A ticket that pages the general and service managers at once; the ticket carries the loss and
// the description through the workflow to its row, and the manager page and the vehicle page link the
// incident's page.
import { Db } from '../../activities/database';
import { openSession } from '../../api/auth/sessions';
import { failureTicketWorkflowId } from '../../workflows/failureTicket/contract';
import type { Stage } from '../../workflows/lifecycle/contract';
import { ProductStack, startProductStack } from '../support/productStack';
import { addStaff, signIn } from '../support/staff';

const VIN = 'LSVR24STACK000001';
const STORE = 'store-r24-stack';
const TICKET = failureTicketWorkflowId(VIN, 1);
const WHAT_HAPPENED = '变速箱漏油导致离合器片烧毁，需更换总成；客户高速上抛锚。';

let stack: ProductStack;
let db: Db;
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startProductStack(async (seeded) => {
    db = seeded;
    // Contact hours around the clock and a same-day follow-up let a real-time test reach the call.
    await db.store.create({ data: { id: STORE, name: 'R24 store', settings: { contactStartTime: '00:00', contactEndTime: '24:00', followUpDays: 0, firstServiceFollowUpDays: 0 } } });
    await db.servicePlan.create({ data: { id: 'plan-r24', model: 'Sagitar', intervalMonths: 6, intervalKm: 7500, laborHours: 1.2, estimateCny: 720 } });
    await db.bay.create({ data: { id: 'bay-r24', storeId: STORE, name: 'Bay 1', kind: 'GENERAL_REPAIR' } });
  });
  const people = [
    { id: 'sa-r24', role: 'SERVICE_ADVISOR' },
    { id: 'cr-r24', role: 'CUSTOMER_RELATIONS' },
    { id: 'td-r24', role: 'TECHNICAL_DIRECTOR' },
    { id: 'sm-r24', role: 'SERVICE_MANAGER' },
    { id: 'gm-r24', role: 'GENERAL_MANAGER' },
  ] as const;
  await addStaff(db, people.map((p) => ({ ...p, storeId: STORE })));
  for (const p of people) tokens.set(p.id, await signIn(stack.base, p.id));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown, actor = 'sa-r24'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${stack.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(actor)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function page(actor: string, path: string): Promise<string> {
  const session = await openSession(db, actor, 'WEB', new Date());
  const res = await fetch(`${stack.base}${path}`, { headers: { cookie: `sl_session=${session.token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const atStage = (stage: Stage) => until(stage, async () => ((await call('GET', `/api/vehicles/${VIN}`)).json?.state?.stage === stage ? true : undefined));

test('R24 a follow-up loss over the threshold becomes an incident page with the loss and what happened, linked for the managers', async () => {
  const registered = await call('POST', '/api/vehicles', {
    vin: VIN,
    plate: '苏F24R24',
    model: 'Sagitar',
    storeId: STORE,
    deliveryDate: '2025-01-10',
    mileageKm: 30000,
    lastService: { date: '2026-06-10', mileageKm: 28000 },
    advisorId: 'sa-r24',
    customer: { name: '周先生', phone: '13900002424' },
  });
  expect(registered.status).toBe(201);
  await atStage('AWAITING_CALL_OUTCOME');
  expect((await call('POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'BOOKED', bookedFor: new Date(Date.now() + 60_000).toISOString() }, 'cr-r24')).status).toBe(200);
  expect((await call('POST', `/api/vehicles/${VIN}/preparation-complete`, { bayId: 'bay-r24' }, 'td-r24')).status).toBe(200);
  await atStage('AWAITING_CONFIRMATION');
  expect((await call('POST', `/api/vehicles/${VIN}/confirmation`, {})).status).toBe(200);
  expect((await call('POST', `/api/vehicles/${VIN}/check-in`, { mileageKm: 30100, promisedReadyAt: new Date(Date.now() + 3_600_000).toISOString() })).status).toBe(200);
  expect((await call('POST', `/api/vehicles/${VIN}/delivery`, { amountDueCny: 720, amountPaidCny: 720 })).status).toBe(200);
  await atStage('AWAITING_FOLLOW_UP');

  // A loss without what happened, or with too short a description, is refused at the door, with its reason.
  const noDescription = await call('POST', `/api/vehicles/${VIN}/follow-up`, { attitudeScore: 9, qualityScore: 4, qualityLossCny: 32000 }, 'cr-r24');
  expect(noDescription.status).toBe(400);
  expect(noDescription.json.details).toEqual([expect.objectContaining({ path: 'qualityIncident', message: 'a quality loss needs what happened (R24)', zh: '有质量损失须写明事故经过（R24）' })]);
  const tooShort = await call('POST', `/api/vehicles/${VIN}/follow-up`, { attitudeScore: 9, qualityScore: 4, qualityLossCny: 32000, qualityIncident: 'x' }, 'cr-r24');
  expect(tooShort.status).toBe(400);
  expect(JSON.stringify(tooShort.json)).toContain('qualityIncident');
  const followedUp = await call('POST', `/api/vehicles/${VIN}/follow-up`, { attitudeScore: 9, qualityScore: 4, comment: '刚保养完就抛锚', qualityLossCny: 32000, qualityIncident: WHAT_HAPPENED }, 'cr-r24');
  expect(followedUp.status).toBe(200);

  const ticket = await until('the R24 ticket', () => db.serviceFailureTicket.findFirst({ where: { workflowId: TICKET } }).then((t) => t ?? undefined));
  expect(ticket).toMatchObject({ rule: 'R24', grade: 'A', cycle: 1, qualityIncident: WHAT_HAPPENED, reason: '刚保养完就抛锚' });
  expect(ticket.qualityLossCny?.toFixed(2)).toBe('32000.00');
  // Leadership at once: the first page goes to the general manager and the service manager together.
  const pages = await until('the pages', async () => {
    const rows = await db.notification.findMany({ where: { workflowId: TICKET, channel: 'PAGE' } });
    return rows.length >= 2 ? rows : undefined;
  });
  expect(pages.map((p) => p.recipient).sort()).toEqual(['gm-r24', 'sm-r24']);

  const incident = await page('gm-r24', `/tickets/${TICKET}`);
  expect(incident).toContain('data-fact="loss">32000.00 元');
  expect(incident).toContain('超过门槛：立即上报领导');
  expect(incident).toContain(WHAT_HAPPENED);
  expect(incident).toMatch(/<tr data-recipient="gm-r24">/);
  const manager = await page('gm-r24', '/manager');
  expect(manager).toMatch(new RegExp(`id="quality-incidents"[\\s\\S]*<tr data-ticket="${TICKET}">.*32000\\.00 元.*href="/tickets/${TICKET}"`));
  expect(await page('sm-r24', `/vehicles/${VIN}`)).toMatch(new RegExp(`id="failure-tickets"[\\s\\S]*href="/tickets/${TICKET}"`));
}, 180_000);

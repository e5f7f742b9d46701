// Issue 15, first bullet: the front desk registers a new customer and car from the web UI. The page runs
// the same command as POST /api/vehicles; a refusal comes back as the form, each reason next to its field
// and what the person typed kept, and nothing written. The product as `npm start` runs it (real
// PostgreSQL, the Temporal dev server, the worker), signed in through the sign-in form; once in Chromium.
import { startInputOf } from '../support/workflowInput';
import { reasonIn } from '../../commands/reasons';
import { WorkflowNotFoundError } from '@temporalio/client';
import { can, ROLES } from '../../api/auth/policy';
import { CLOSED_NEEDS_REOPEN, REGISTERED_ELSEWHERE } from '../../commands/registration';
import { addMonths } from '../../domain/calendar';
import { careWorkflowId } from '../../workflows/care/contract';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { artifact, launchChromium, signInAs } from '../support/browser';
import { ProductStack, startProductStack } from '../support/productStack';
import { addStaff, TEST_PASSWORD } from '../support/staff';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const SA_A = staffIdOf('SERVICE_ADVISOR');
const SC_A = staffIdOf('SALES_CONSULTANT');
const BS_A = staffIdOf('BOOKING_SPECIALIST');
const SM_A = staffIdOf('SERVICE_MANAGER');
const SA_B = staffIdOf('SERVICE_ADVISOR', 'b');
const SA_GONE = 'a-sa-gone';
const SM_ALL = 'x-sm-all';
const DAY = 86_400_000;

const VIN_BROWSER = 'LSVWEB0000000N001';
const VIN_REFUSED = 'LSVWEB0000000R001';
const VIN_OTHER_STORE = 'LSVWEB0000000B001';
const VIN_FORBIDDEN = 'LSVWEB0000000T001';
const VIN_CLOSED = 'LSVWEB0000000C001';
const VIN_STORE_B = 'LSVWEB0000000S001';

let stack: ProductStack;
let api: ApiDriver;

/** A calendar date `days` from today (negative: in the past). */
const day = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  stack = await startProductStack(async (db) => {
    await seedWebStores(db);
    await addStaff(db, [
      { id: SA_GONE, storeId: STORE_A, role: 'SERVICE_ADVISOR', name: '已离职顾问' },
      { id: SM_ALL, storeId: STORE_A, role: 'SERVICE_MANAGER', name: '区域经理', allStores: true },
      { id: staffIdOf('SALES_CONSULTANT', 'b'), storeId: STORE_B, role: 'SALES_CONSULTANT', name: 'SC B' },
    ]);
    await db.staff.update({ where: { id: SA_GONE }, data: { active: false } });
  });
  api = new ApiDriver(stack.base);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

interface WebSession {
  cookie: string;
  csrf: string;
}

const sessions = new Map<string, Promise<WebSession>>();

/** Signed in through the sign-in form as a browser is: its CSRF cookie and field, then the session cookie. */
function webSession(staffId: string): Promise<WebSession> {
  if (!sessions.has(staffId)) {
    sessions.set(
      staffId,
      (async () => {
        const form = await fetch(`${stack.base}/login`);
        const loginCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
        const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
        const signedIn = await fetch(`${stack.base}/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: loginCsrf, staffId, password: TEST_PASSWORD }),
        });
        expect(signedIn.status).toBe(302);
        const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('sl_session='))!.split(';')[0];
        const home = await fetch(`${stack.base}/vehicles`, { headers: { cookie } });
        const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(await home.text())![1];
        return { cookie, csrf };
      })(),
    );
  }
  return sessions.get(staffId)!;
}

interface Answer {
  status: number;
  location: string | null;
  html: string;
  flashCookie?: string;
}

async function getPage(staffId: string, path: string, lang: 'zh' | 'en' = 'zh', extraCookie = ''): Promise<Answer> {
  const { cookie } = await webSession(staffId);
  const res = await fetch(`${stack.base}${path}`, { redirect: 'manual', headers: { cookie: `${cookie}; sl_lang=${lang}${extraCookie ? `; ${extraCookie}` : ''}` } });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

async function submit(staffId: string, fields: Record<string, string>, lang: 'zh' | 'en' = 'zh'): Promise<Answer> {
  const { cookie, csrf } = await webSession(staffId);
  const res = await fetch(`${stack.base}/vehicles/new`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `${cookie}; sl_lang=${lang}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, ...fields }),
  });
  const flashCookie = res.headers.getSetCookie().find((c) => c.startsWith('sl_flash='))?.split(';')[0];
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), flashCookie };
}

/** The form as the front desk fills it in for a car first serviced elsewhere; `fields` change or add to it. */
function filledForm(vin: string, plate: string, phone: string, fields: Record<string, string> = {}): Record<string, string> {
  return { vin, plate, model: 'Sagitar', deliveryDate: day(-92), mileageKm: '4200', customerName: '李四', customerPhone: phone, advisorId: SA_A, ...fields };
}

// Handlebars escapes what it inserts; the tests compare with what the command said.
const unescape = (s: string) => s.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The reason shown next to a field, if any. */
function fieldError(html: string, name: string): string | undefined {
  const m = new RegExp(`<span class="field-error"[^>]*data-field="${name}"[^>]*>([^<]*)</span>`).exec(html);
  return m ? unescape(m[1]) : undefined;
}

/** The opening tag of the form's input or select of that name. */
function control(html: string, name: string): string {
  const m = new RegExp(`<(?:input|select)[^>]*name="${name}"[^>]*>`).exec(html);
  if (!m) throw new Error(`no control ${name} on the page`);
  return m[0];
}

const valueOf = (html: string, name: string) => unescape(/value="([^"]*)"/.exec(control(html, name))?.[1] ?? '');
const invalid = (html: string, name: string) => control(html, name).includes('aria-invalid="true"');

/** The values a select offers (the empty choice aside), and the one selected. */
function optionsOf(html: string, name: string): { values: string[]; selected?: string } {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>(.*?)</select>`, 's').exec(html)![1];
  const options = [...select.matchAll(/<option value="([^"]*)"( selected)?>/g)];
  return { values: options.map((o) => o[1]).filter((v) => v !== ''), selected: options.find((o) => o[2])?.[1] };
}

async function workflowExists(workflowId: string): Promise<boolean> {
  try {
    await stack.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const startInput = (workflowId: string) => startInputOf(stack.client, workflowId);

const noStackTrace = (html: string) => expect(html).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);

test('R1 R20 R21 an advisor registers a new customer and car in Chromium: redirected to the vehicle page, the records written, lifecycle and care running', async () => {
  const lastServiceDate = day(-30);
  const browser = await launchChromium();
  try {
    const page = await signInAs(browser, stack.base, SA_A);
    await page.goto(`${stack.base}/vehicles`);
    await Promise.all([page.waitForURL('**/vehicles/new'), page.click('a[href="/vehicles/new"]')]);
    // Only the store's active advisors and its sales consultants are offered.
    expect(await page.locator('select[name=advisorId] option').allTextContents()).toEqual(['', `SERVICE_ADVISOR A (${SA_A})`]);
    expect(await page.locator('select[name=salesConsultantId] option').allTextContents()).toEqual(['', `SALES_CONSULTANT A (${SC_A})`]);
    await page.fill('input[name=vin]', VIN_BROWSER.toLowerCase());
    await page.fill('input[name=plate]', '苏F66001');
    await page.selectOption('select[name=model]', 'Sagitar');
    await page.fill('input[name=deliveryDate]', day(-400));
    await page.fill('input[name=mileageKm]', '9000');
    await page.fill('input[name=mileageRecordedOn]', day(-1));
    await page.check('input[name=newCar]');
    await page.check('input[name=secondaryDealer]');
    await page.fill('input[name=customerName]', '王小明');
    await page.fill('input[name=customerPhone]', '13900006001');
    await page.fill('input[name=customerEmail]', 'wang@example.com');
    await page.fill('input[name=customerBirthday]', '03-15');
    await page.selectOption('select[name=advisorId]', SA_A);
    await page.selectOption('select[name=salesConsultantId]', SC_A);
    await page.fill('input[name=lastServiceDate]', lastServiceDate);
    await page.fill('input[name=lastServiceKm]', '8000');
    await page.fill('input[name=inspectionDate]', day(200));
    await page.fill('input[name=insuranceRenewalDate]', day(100));
    await page.screenshot({ path: artifact('registration-form.png'), fullPage: true });
    await Promise.all([page.waitForURL(`**/vehicles/${VIN_BROWSER}`), page.click('form.registration button.primary')]);
    expect(await page.locator('.flash.ok').textContent()).toBe('车辆已登记，服务周期已启动');
    expect(await page.locator('main h1').textContent()).toContain(VIN_BROWSER);
  } finally {
    await browser.close();
  }

  // R1: counted from the last service typed in (six months on), not the first service after delivery (R1b).
  await api.waitForStage(VIN_BROWSER, 'WAITING_FOR_REMINDER');
  const state = await api.call(SA_A, 'GET', `/api/vehicles/${VIN_BROWSER}`);
  expect(state.json.state).toMatchObject({ stage: 'WAITING_FOR_REMINDER', dueDate: addMonths(lastServiceDate, 6), dueReason: 'time', advisorId: SA_A });
  const vehicle = await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_BROWSER }, include: { customer: true } });
  expect(vehicle).toMatchObject({
    storeId: STORE_A,
    plate: '苏F66001',
    model: 'Sagitar',
    mileageKm: 9000,
    advisorId: SA_A,
    salesConsultantId: SC_A,
    lastServiceKm: 8000,
    deliveryDate: new Date(day(-400)),
    lastServiceDate: new Date(lastServiceDate),
    customer: { storeId: STORE_A, name: '王小明', phone: '13900006001', email: 'wang@example.com' },
  });
  const registered = await stack.db.auditEvent.findFirstOrThrow({ where: { vin: VIN_BROWSER, action: 'vehicle.registered' } });
  expect(registered.actor).toBe(SA_A);
  // R20 R21: the care contacts got the new car, the secondary dealer and the customer's dates.
  expect(await startInput(careWorkflowId(VIN_BROWSER))).toMatchObject({
    storeId: STORE_A,
    newCar: true,
    secondaryDealer: true,
    salesConsultantId: SC_A,
    inspectionDate: day(200),
    insuranceRenewalDate: day(100),
    customer: { name: '王小明', phone: '13900006001', email: 'wang@example.com', birthday: '03-15' },
  });
});

test('a bad phone and a missing plate: 400, each reason next to its field, the typed values kept, nothing written', async () => {
  const sent = filledForm(VIN_REFUSED, '', 'not-a-phone', { customerName: '张三', customerEmail: 'zhang@example.com', newCar: 'on', salesConsultantId: SC_A });
  const refused = await submit(BS_A, sent);
  expect(refused.status).toBe(400);
  noStackTrace(refused.html);
  // In the page's language, without the field's name the label already gives.
  expect(fieldError(refused.html, 'plate')).toBe('至少 2 个字');
  expect(fieldError(refused.html, 'customerPhone')).toBe('只能是数字、空格或短横线');
  expect(invalid(refused.html, 'plate')).toBe(true);
  expect(invalid(refused.html, 'customerPhone')).toBe(true);
  // Both reasons belong to fields: nothing is left over for above the form.
  expect(refused.html).not.toContain('class="flash error"');
  // Everything else stands as typed, and is not marked.
  for (const name of ['vin', 'deliveryDate', 'mileageKm', 'customerName', 'customerEmail']) {
    expect({ name, value: valueOf(refused.html, name), invalid: invalid(refused.html, name), error: fieldError(refused.html, name) }).toEqual({ name, value: sent[name], invalid: false, error: undefined });
  }
  expect(valueOf(refused.html, 'customerName')).toBe('张三');
  expect(valueOf(refused.html, 'customerPhone')).toBe('not-a-phone');
  expect(optionsOf(refused.html, 'model').selected).toBe('Sagitar');
  expect(optionsOf(refused.html, 'advisorId').selected).toBe(SA_A);
  expect(optionsOf(refused.html, 'salesConsultantId').selected).toBe(SC_A);
  expect(control(refused.html, 'newCar')).toContain(' checked');
  expect(control(refused.html, 'secondaryDealer')).not.toContain(' checked');

  expect(await stack.db.vehicle.findUnique({ where: { vin: VIN_REFUSED } })).toBeNull();
  expect(await stack.db.customer.count({ where: { name: '张三' } })).toBe(0);
  expect(await workflowExists(lifecycleWorkflowId(VIN_REFUSED))).toBe(false);
  expect(await workflowExists(careWorkflowId(VIN_REFUSED))).toBe(false);

  // Corrected, the same form goes through.
  const corrected = await submit(BS_A, { ...sent, plate: '苏F66002', customerPhone: '13900006002' });
  expect({ status: corrected.status, location: corrected.location }).toEqual({ status: 302, location: `/vehicles/${VIN_REFUSED}` });
  await api.waitForStage(VIN_REFUSED, 'AWAITING_CALL_OUTCOME');
  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_REFUSED }, include: { customer: true } })).toMatchObject({ plate: '苏F66002', customer: { name: '张三' } });
});

test('a reason about a nested field or half a pair lands next to that field', async () => {
  const refused = await submit(SA_A, filledForm('LSVWEB0000000H001', '苏F66003', '13900006003', { customerBirthday: '15-03', lastServiceKm: '3000' }));
  expect(refused.status).toBe(400);
  expect(fieldError(refused.html, 'customerBirthday')).toBe('生日须为 月-日（MM-DD）');
  // The last service is a date and a mileage together: the mileage alone is refused for the missing date.
  expect(fieldError(refused.html, 'lastServiceDate')).toBeDefined();
  expect(invalid(refused.html, 'lastServiceDate')).toBe(true);
  expect(valueOf(refused.html, 'lastServiceKm')).toBe('3000');
  expect(await stack.db.vehicle.findUnique({ where: { vin: 'LSVWEB0000000H001' } })).toBeNull();
});

test("a VIN held by another store is refused next to the VIN with the command's reason; that store's records stay", async () => {
  await api.register(VIN_OTHER_STORE, STORE_B, '苏E66004', '13900006094');
  await api.waitForStage(VIN_OTHER_STORE, 'AWAITING_CALL_OUTCOME');
  const refused = await submit(SA_A, filledForm(VIN_OTHER_STORE, '苏F66004', '13900006004', { customerName: '赵六' }));
  expect(refused.status).toBe(409);
  noStackTrace(refused.html);
  expect(fieldError(refused.html, 'vin')).toBe(reasonIn('zh', REGISTERED_ELSEWHERE));
  expect(invalid(refused.html, 'vin')).toBe(true);
  expect(valueOf(refused.html, 'customerName')).toBe('赵六');
  // The answer names neither the other store nor its customer.
  expect(refused.html).not.toMatch(/store-b|Store B|刘女士|13900006094/);

  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_OTHER_STORE }, include: { customer: true } })).toMatchObject({ storeId: STORE_B, plate: '苏E66004', customer: { phone: '13900006094' } });
  expect(await stack.db.customer.count({ where: { phone: '13900006004' } })).toBe(0);
});

test('only roles that may register see the link and the page; the others get 403 and nothing is written', async () => {
  for (const role of ROLES) {
    const staffId = staffIdOf(role);
    const allowed = can(role, 'vehicle.register');
    const search = await getPage(staffId, '/vehicles');
    expect({ role, link: search.html.includes('href="/vehicles/new"') }).toEqual({ role, link: allowed });
    const form = await getPage(staffId, '/vehicles/new');
    expect({ role, status: form.status }).toEqual({ role, status: allowed ? 200 : 403 });
    if (!allowed) expect(form.html).toContain('无权限');
  }
  const technician = await submit(staffIdOf('TECHNICIAN'), filledForm(VIN_FORBIDDEN, '苏F66005', '13900006005'));
  expect(technician.status).toBe(403);
  noStackTrace(technician.html);
  expect(await stack.db.vehicle.findUnique({ where: { vin: VIN_FORBIDDEN } })).toBeNull();
  expect(await workflowExists(lifecycleWorkflowId(VIN_FORBIDDEN))).toBe(false);
});

test('English page (sl_lang=en): English labels, also on a refused form', async () => {
  const english = await getPage(SA_A, '/vehicles/new', 'en');
  expect(english.status).toBe(200);
  for (const label of ['Register a vehicle', 'Customer name', 'Mobile phone', 'Delivery date', 'Birthday (MM-DD, e.g. 03-15)', 'Insurance renewal date', 'Register and start the service cycle']) expect(english.html).toContain(label);
  expect(english.html).not.toMatch(/客户姓名|交车日期|登记新车/);
  const chinese = await getPage(SA_A, '/vehicles/new');
  for (const label of ['登记新车', '客户姓名', '手机号码', '交车日期', '续保日期', '登记并启动服务周期']) expect(chinese.html).toContain(label);
  expect((await getPage(SA_A, '/vehicles', 'en')).html).toContain('>Register a vehicle</a>');

  const refused = await submit(SA_A, filledForm('LSVWEB0000000E001', '', '13900006006'), 'en');
  expect(refused.status).toBe(400);
  expect(refused.html).toContain('Customer name');
  expect(refused.html).not.toContain('客户姓名');
  expect(fieldError(refused.html, 'plate')).toBe('must have at least 2 characters');
});

test("the store's closed lifecycle: refused with the command's reason and a reopen box; ticked, it starts again", async () => {
  await api.register(VIN_CLOSED, STORE_A, '苏F66007', '13900006007');
  await api.waitForStage(VIN_CLOSED, 'AWAITING_CALL_OUTCOME');
  const closed = await api.call(SM_A, 'POST', `/api/vehicles/${VIN_CLOSED}/correction`, { action: 'CLOSE', reason: '车主搬走 moved away' });
  expect(closed).toMatchObject({ status: 200, json: { stage: 'CLOSED' } });
  const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(VIN_CLOSED));
  const deadline = Date.now() + 30_000;
  while ((await handle.describe()).status.name === 'RUNNING') {
    if (Date.now() > deadline) throw new Error(`${VIN_CLOSED} still running after CLOSE`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The box is offered only when the command asks for it.
  expect((await getPage(SA_A, '/vehicles/new')).html).not.toContain('name="reopen"');

  const sent = filledForm(VIN_CLOSED, '苏F66007', '13900006007', { customerName: '刘女士' });
  const refused = await submit(SA_A, sent);
  expect(refused.status).toBe(409);
  expect(fieldError(refused.html, 'vin')).toBe(reasonIn('zh', CLOSED_NEEDS_REOPEN));
  expect(control(refused.html, 'reopen')).not.toContain(' checked');

  const reopened = await submit(SA_A, { ...sent, reopen: 'on' });
  expect({ status: reopened.status, location: reopened.location }).toEqual({ status: 302, location: `/vehicles/${VIN_CLOSED}` });
  const vehiclePage = await getPage(SA_A, reopened.location!, 'zh', reopened.flashCookie);
  expect(vehiclePage.html).toContain('该车已关闭的服务周期已重新开启');
  expect((await handle.describe()).status.name).toBe('RUNNING');
  const audit = await stack.db.auditEvent.findFirstOrThrow({ where: { vin: VIN_CLOSED, action: 'lifecycle.reopened' } });
  expect(audit.actor).toBe(SA_A);
});

test('a person who spans stores picks the store; its own advisors are offered and the car is registered there', async () => {
  const mine = await getPage(SM_ALL, '/vehicles/new');
  expect(optionsOf(mine.html, 'store').selected).toBe(STORE_A);
  expect(optionsOf(mine.html, 'advisorId').values).toEqual([SA_A]);
  const storeB = await getPage(SM_ALL, `/vehicles/new?store=${STORE_B}`);
  expect(optionsOf(storeB.html, 'store')).toEqual({ values: [STORE_A, STORE_B], selected: STORE_B });
  expect(optionsOf(storeB.html, 'advisorId').values).toEqual([SA_B]);
  expect(optionsOf(storeB.html, 'salesConsultantId').values).toEqual([staffIdOf('SALES_CONSULTANT', 'b')]);
  expect(valueOf(storeB.html, 'storeId')).toBe(STORE_B);
  // A person of one store gets no choice: the page is their store's.
  expect((await getPage(SA_A, `/vehicles/new?store=${STORE_B}`)).html).not.toContain('name="store"');

  const registered = await submit(SM_ALL, filledForm(VIN_STORE_B, '苏E66008', '13900006008', { storeId: STORE_B, advisorId: SA_B }));
  expect({ status: registered.status, location: registered.location }).toEqual({ status: 302, location: `/vehicles/${VIN_STORE_B}` });
  await api.waitForStage(VIN_STORE_B, 'AWAITING_CALL_OUTCOME');
  expect(await stack.db.vehicle.findUniqueOrThrow({ where: { vin: VIN_STORE_B }, include: { customer: true } })).toMatchObject({ storeId: STORE_B, advisorId: SA_B, customer: { storeId: STORE_B } });
});

// The workshop pages on the real stack (Temporal dev server, PostgreSQL, the worker), through their forms
// and in headless Chromium at a tablet's 768 px: the technician finds the job the staff assignment (R10)
// gave them and reports additional work (R13), a wrong price is refused beside its field; the technical
// director assigns bay and technician to a booking awaiting preparation (R6), after which the technician
// finds that job too and picks its parts. Screenshots go to test-artifacts/workshop-*.png.
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../activities/database';
import { openSession } from '../../api/auth/sessions';
import { formatTime } from '../../web/format';
import { artifact, launchChromium, signInAs as signInAsPerson } from '../support/browser';
import { startProductStack, ProductStack } from '../support/productStack';
import { addStaff } from '../support/staff';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const IN_SERVICE_VIN = 'LFV2A21K8P4000701';
const TO_PREPARE_VIN = 'LFV2A21K8P4000702';
const PART = 'VW-06L115562';
const TECHNICIAN = staffIdOf('TECHNICIAN');
const OTHER_TECHNICIAN = 'a-technician-2';
const HOUR = 3_600_000;

let stack: ProductStack;
let api: ApiDriver;
let browser: Browser;
let promisedReadyAt: string;

async function seedWorkshop(db: Db): Promise<void> {
  await seedWebStores(db);
  await db.bay.create({ data: { id: 'bay-a-2', storeId: STORE_A, name: 'Bay A2', kind: 'GENERAL_REPAIR' } });
  await addStaff(db, [{ id: OTHER_TECHNICIAN, storeId: STORE_A, role: 'TECHNICIAN', name: '周师傅' }]);
  await db.part.create({ data: { partNumber: PART, name: '机油滤清器 Oil filter', priceCny: 45, leadDays: 2 } });
  await db.partStock.create({ data: { storeId: STORE_A, partNumber: PART, onHand: 5 } });
}

async function expectOk(what: string, res: { status: number; json: unknown }): Promise<void> {
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
}

/** Booked a minute ahead, prepared, confirmed, the technician named by the service manager (R10), checked in. */
async function toInService(vin: string): Promise<void> {
  await api.toConfirmation(vin);
  await expectOk('confirmation', await api.call(staffIdOf('SERVICE_ADVISOR'), 'POST', `/api/vehicles/${vin}/confirmation`, {}));
  const deadline = Date.now() + 60_000;
  while (!(await stack.db.task.findFirst({ where: { vin, kind: 'STAFF_ASSIGNMENT', status: 'OPEN' } }))) {
    if (Date.now() > deadline) throw new Error('no staff assignment task');
    await new Promise((r) => setTimeout(r, 250));
  }
  await expectOk(
    'staff-assignment',
    await api.call(staffIdOf('SERVICE_MANAGER'), 'POST', `/api/vehicles/${vin}/staff-assignment`, { advisorId: staffIdOf('SERVICE_ADVISOR'), advisorName: 'SERVICE_ADVISOR A', technicianId: TECHNICIAN, technicianName: 'TECHNICIAN A' }),
  );
  promisedReadyAt = new Date(Date.now() + 3 * HOUR).toISOString();
  await expectOk('check-in', await api.call(staffIdOf('SERVICE_ADVISOR'), 'POST', `/api/vehicles/${vin}/check-in`, { mileageKm: 4300, promisedReadyAt }));
}

async function toPreparation(vin: string): Promise<void> {
  await api.waitForStage(vin, 'AWAITING_CALL_OUTCOME');
  await expectOk('call-outcome', await api.call(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${vin}/call-outcome`, { outcome: 'BOOKED', bookedFor: new Date(Date.now() + 60_000).toISOString(), requests: '刹车有异响' }));
}

/**
 * The technician's list holds the store day's bookings, and the bookings here are a minute ahead: a run
 * that starts in the day's last minutes (China time) waits for the next day, so the list is the same day's.
 */
async function clearOfMidnight(): Promise<void> {
  const day = 86_400_000;
  const left = day - ((Date.now() + 8 * HOUR) % day);
  if (left < 5 * 60_000) await new Promise((r) => setTimeout(r, left + 1000));
}

beforeAll(async () => {
  await clearOfMidnight();
  [stack, browser] = await Promise.all([startProductStack(seedWorkshop), launchChromium()]);
  api = new ApiDriver(stack.base);
  await api.register(IN_SERVICE_VIN, STORE_A, '苏F70001', '13900000701');
  await api.register(TO_PREPARE_VIN, STORE_A, '苏F70002', '13900000702');
  await Promise.all([toInService(IN_SERVICE_VIN), toPreparation(TO_PREPARE_VIN)]);
  await Promise.all([api.waitForStage(IN_SERVICE_VIN, 'IN_SERVICE'), api.waitForStage(TO_PREPARE_VIN, 'AWAITING_PREPARATION')]);
}, 560_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A signed-in web session of the person, as the sign-in page makes it: cookie and CSRF token. */
async function webAs(staffId: string, lang: 'zh' | 'en' = 'zh') {
  const session = await openSession(stack.db, staffId, 'WEB', new Date());
  const headers = { cookie: `sl_session=${session.token}; sl_lang=${lang}` };
  return {
    get: async (path: string) => {
      const res = await fetch(`${stack.base}${path}`, { headers, redirect: 'manual' });
      return { status: res.status, html: await res.text() };
    },
    post: async (path: string, fields: Record<string, string>) => {
      const res = await fetch(`${stack.base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }),
      });
      const flash = /sl_flash=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
      return { status: res.status, location: res.headers.get('location'), flash: flash ? JSON.parse(decodeURIComponent(flash[1])) : undefined, html: await res.text() };
    },
  };
}

/** A vehicle's card on the page, from its opening tag to its end. */
function cardOf(html: string, vin: string): string | undefined {
  const at = html.indexOf(`data-vin="${vin}"`);
  return at < 0 ? undefined : html.slice(html.lastIndexOf('<article', at), html.indexOf('</article>', at));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pageWidth = (page: Page) => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);

/** Controls a finger cannot hit reliably: buttons, fields and selects under 44 px, and checkbox labels likewise. */
const smallTargets = (page: Page) =>
  page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const doc = (globalThis as any).document;
    const controls = [...doc.querySelectorAll('.workshop button, .workshop select, .workshop input:not([type=hidden]):not([type=checkbox]), .workshop label.ws-check')];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return controls.map((e: any) => ({ what: e.getAttribute('name') ?? e.textContent.trim(), height: e.getBoundingClientRect().height })).filter((c) => c.height < 44);
  });

const tabletPage = async (staffId: string): Promise<Page> => {
  const page = await signInAsPerson(browser, stack.base, staffId);
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${stack.base}/workshop`);
  return page;
};

test('R13 a price that is not a number, or negative, is refused beside its row with what was typed kept; nothing is stored', async () => {
  const technician = await webAs(TECHNICIAN);
  // Row 2 left empty: the reasons still land on the rows they were typed in.
  const refused = await technician.post(`/workshop/jobs/${IN_SERVICE_VIN}/additional-work`, {
    'items.0.description': '前刹车片磨损到限',
    'items.0.priceCny': '-5',
    'items.2.description': '雨刮片老化',
    'items.2.priceCny': '六十',
    'items.2.safety': 'true',
    extraHours: '1',
  });
  expect(refused.status).toBe(400);
  const card = cardOf(refused.html, IN_SERVICE_VIN)!;
  // In the page's language: zod's own checks in zod's Chinese.
  expect(card).toMatch(/<span class="field-error" data-field="items\.0\.priceCny">数值过小：期望 number &gt;&#x3D;0</);
  expect(card).toMatch(/<span class="field-error" data-field="items\.2\.priceCny">无效输入：期望 数字/);
  expect(card).not.toContain('data-field="items.1.priceCny"');
  expect(card).toMatch(/name="items\.0\.description" value="前刹车片磨损到限"/);
  expect(card).toMatch(/name="items\.0\.priceCny" value="-5"[^>]*aria-invalid="true"/);
  expect(card).toMatch(/name="items\.2\.description" value="雨刮片老化"/);
  expect(card).toMatch(/name="items\.2\.priceCny" value="六十"/);
  expect(card).toMatch(/name="items\.2\.safety" value="true" checked/);
  expect(card).toMatch(/name="extraHours" value="1"/);
  expect(card).toContain('未能提交，请更正标红的项目');

  // In English every word of the card is English; only the car's own data stays as recorded.
  const noHours = await (await webAs(TECHNICIAN, 'en')).post(`/workshop/jobs/${IN_SERVICE_VIN}/additional-work`, { 'items.0.description': 'Cabin filter clogged', 'items.0.priceCny': '80' });
  expect(noHours.status).toBe(400);
  const englishCard = cardOf(noHours.html, IN_SERVICE_VIN)!;
  expect(englishCard).toMatch(/<span class="field-error" data-field="extraHours">/);
  expect(englishCard).toContain('Not accepted; correct the fields marked in red');
  expect(englishCard).toContain('Report additional work');
  expect(englishCard.replace('苏F70001', '').replace('Periodic maintenance / 定期保养', '')).not.toMatch(/[\u3000-\u9fff\uff00-\uffef]/);

  expect(await stack.db.repairOrderItem.count({ where: { additional: true, repairOrder: { vin: IN_SERVICE_VIN } } })).toBe(0);
  const { json } = await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${IN_SERVICE_VIN}`);
  expect(json.state.waitingFor.map((w: { rule: string }) => w.rule)).not.toContain('R13');
});

test('R10 R13 technician on a tablet: finds the job assigned to them, reports two additional items; the lifecycle waits for the customer', async () => {
  // Another technician's page does not list the job.
  expect(cardOf((await (await webAs(OTHER_TECHNICIAN)).get('/workshop')).html, IN_SERVICE_VIN)).toBeUndefined();

  const page = await tabletPage(TECHNICIAN);
  const card = page.locator(`#my-jobs article[data-vin=${IN_SERVICE_VIN}]`);
  expect(await card.locator('.plate').textContent()).toBe('苏F70001');
  expect(await card.locator('.promised').textContent()).toBe(formatTime(promisedReadyAt));
  expect(await card.locator('.work').textContent()).toContain('定期保养');
  expect(await card.locator('.technician').textContent()).toBe('TECHNICIAN A');
  expect(await pageWidth(page)).toBeLessThanOrEqual(768);
  expect(await smallTargets(page)).toEqual([]);
  await page.screenshot({ path: artifact('workshop-technician.png'), fullPage: true });

  const form = card.locator('form.report');
  await form.locator('input[name="items.0.description"]').fill('前刹车片磨损到限');
  await form.locator('input[name="items.0.priceCny"]').fill('abc');
  await form.locator('input[name="items.0.laborHours"]').fill('1.5');
  await form.locator('input[name="items.0.safety"]').check();
  await form.locator('input[name="items.1.description"]').fill('雨刮片老化');
  await form.locator('input[name="items.1.priceCny"]').fill('60');
  await form.locator('input[name="items.1.laborHours"]').fill('0.2');
  await form.locator('input[name="extraHours"]').fill('2');
  const [refused] = await Promise.all([page.waitForNavigation(), form.locator('button.primary').click()]);
  expect(refused?.status()).toBe(400);
  const again = page.locator(`#my-jobs article[data-vin=${IN_SERVICE_VIN}] form.report`);
  expect(await again.locator('.field-error[data-field="items.0.priceCny"]').textContent()).toMatch(/期望 数字/);
  expect(await again.locator('input[name="items.0.description"]').inputValue()).toBe('前刹车片磨损到限');
  expect(await again.locator('input[name="items.1.priceCny"]').inputValue()).toBe('60');
  expect(await pageWidth(page)).toBeLessThanOrEqual(768);
  await page.screenshot({ path: artifact('workshop-refused.png'), fullPage: true });

  await again.locator('input[name="items.0.priceCny"]').fill('480');
  await Promise.all([page.waitForNavigation(), again.locator('button.primary').click()]);
  expect(new URL(page.url()).pathname).toBe('/workshop');
  expect(await page.locator('.flash.ok').textContent()).toContain('追加项目已报告');
  // R13: the next report waits for the customer's answer; the reported items are listed meanwhile.
  const reported = page.locator(`#my-jobs article[data-vin=${IN_SERVICE_VIN}]`);
  expect(await reported.locator('form.report').count()).toBe(0);
  expect(await reported.locator('.ws-pending li').allTextContents()).toEqual([expect.stringContaining('前刹车片磨损到限 · ¥480.00 · 1.5 h'), expect.stringContaining('雨刮片老化 · ¥60.00 · 0.2 h')]);
  await page.screenshot({ path: artifact('workshop-reported.png'), fullPage: true });
  await page.context().close();

  const { json } = await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${IN_SERVICE_VIN}`);
  expect(json.state.stage).toBe('IN_SERVICE');
  expect(json.state.waitingFor).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'R13', what: expect.stringMatching(/^customer's decision on additional work \(前刹车片磨损到限, 雨刮片老化\)/) })]));
  const items = await stack.db.repairOrderItem.findMany({ where: { additional: true, repairOrder: { vin: IN_SERVICE_VIN } }, orderBy: { description: 'asc' } });
  expect(items.map((i) => ({ description: i.description, priceCny: Number(i.priceCny), laborHours: i.laborHours, safety: i.safety, approved: i.approved, decidedAt: i.decidedAt }))).toEqual([
    { description: '前刹车片磨损到限', priceCny: 480, laborHours: 1.5, safety: true, approved: false, decidedAt: null },
    { description: '雨刮片老化', priceCny: 60, laborHours: 0.2, safety: false, approved: false, decidedAt: null },
  ]);
  expect(await stack.db.task.count({ where: { vin: IN_SERVICE_VIN, kind: 'ADDITIONAL_WORK_CALL', status: 'OPEN' } })).toBe(1);
  const events = await stack.db.auditEvent.findMany({ where: { vin: IN_SERVICE_VIN, action: 'additional-work.found' } });
  expect(events.map((e) => e.actor)).toEqual([TECHNICIAN]);
});

test('R6 technical director assigns bay and technician on a booking awaiting preparation; others see no form; the technician then picks its parts', async () => {
  // The advisor sees the booking but may not complete preparation: no form, and a sent one is refused.
  const advisor = await webAs(staffIdOf('SERVICE_ADVISOR'));
  const advisorCard = cardOf((await advisor.get('/workshop')).html, TO_PREPARE_VIN)!;
  expect(advisorCard).toContain('刹车有异响');
  expect(advisorCard).not.toContain('<form');
  expect((await advisor.post(`/workshop/preparation/${TO_PREPARE_VIN}`, { bayId: 'bay-a-1', technicianId: TECHNICIAN })).status).toBe(403);
  // The technician's page has no preparation list at all.
  expect(cardOf((await (await webAs(TECHNICIAN)).get('/workshop')).html, TO_PREPARE_VIN)).toBeUndefined();

  const director = await webAs(staffIdOf('TECHNICAL_DIRECTOR'));
  const unknownBay = await director.post(`/workshop/preparation/${TO_PREPARE_VIN}`, { bayId: 'bay-nope', technicianId: OTHER_TECHNICIAN });
  expect(unknownBay.status).toBe(422);
  const refusedCard = cardOf(unknownBay.html, TO_PREPARE_VIN)!;
  expect(refusedCard).toMatch(/<p class="form-error" role="alert">unknown bay bay-nope<\/p>/);
  expect(refusedCard).toMatch(new RegExp(`<option value="${OTHER_TECHNICIAN}" selected>`));
  const { json: still } = await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${TO_PREPARE_VIN}`);
  expect(still.state.stage).toBe('AWAITING_PREPARATION');

  const page = await tabletPage(staffIdOf('TECHNICAL_DIRECTOR'));
  const card = page.locator(`#awaiting-preparation article[data-vin=${TO_PREPARE_VIN}]`);
  expect(await card.locator('form.prepare select[name=bayId] option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(['', 'bay-a-1', 'bay-a-2']);
  expect(await card.locator('form.prepare select[name=technicianId] option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(['', TECHNICIAN, OTHER_TECHNICIAN]);
  // The job in the workshop, with the technician the staff assignment named.
  expect(await page.locator(`#in-workshop article[data-vin=${IN_SERVICE_VIN}] .technician`).textContent()).toBe('TECHNICIAN A');
  expect(await pageWidth(page)).toBeLessThanOrEqual(768);
  expect(await smallTargets(page)).toEqual([]);
  await page.screenshot({ path: artifact('workshop-director.png'), fullPage: true });
  await card.locator('select[name=bayId]').selectOption('bay-a-2');
  await card.locator('select[name=technicianId]').selectOption(TECHNICIAN);
  await Promise.all([page.waitForNavigation(), card.locator('button.primary').click()]);
  expect(await page.locator('.flash.ok').textContent()).toContain('预约准备完成: 苏F70002 →');
  expect(await page.locator(`#awaiting-preparation article[data-vin=${TO_PREPARE_VIN}]`).count()).toBe(0);
  await page.context().close();

  // Booked a minute ahead: the confirmation call (R7) is owed at once.
  await api.waitForStage(TO_PREPARE_VIN, 'AWAITING_CONFIRMATION');
  const booking = await stack.db.booking.findFirstOrThrow({ where: { vin: TO_PREPARE_VIN, status: { in: ['TENTATIVE', 'CONFIRMED'] } } });
  expect(booking.bayId).toBe('bay-a-2');
  const task = await stack.db.task.findFirstOrThrow({ where: { vin: TO_PREPARE_VIN, kind: 'PREPARATION' } });
  expect(task).toMatchObject({ status: 'DONE', completedBy: staffIdOf('TECHNICAL_DIRECTOR'), outcome: { bayId: 'bay-a-2', technicianId: TECHNICIAN } });

  // The parts department reserves the booking's parts; the named technician finds the job and picks them.
  await expectOk('parts', await api.call(staffIdOf('PARTS'), 'POST', `/api/bookings/${booking.id}/parts`, { parts: [{ partNumber: PART, quantity: 1 }] }));
  expect(cardOf((await (await webAs(OTHER_TECHNICIAN)).get('/workshop')).html, TO_PREPARE_VIN)).toBeUndefined();
  const technician = await webAs(TECHNICIAN);
  const job = cardOf((await technician.get('/workshop')).html, TO_PREPARE_VIN)!;
  expect(job).toContain('Bay A2');
  expect(job).toContain(`action="/workshop/bookings/${booking.id}/pick"`);
  expect(job).not.toContain('form class="ws-form report"');
  const picked = await technician.post(`/workshop/bookings/${booking.id}/pick`, {});
  expect(picked).toMatchObject({ status: 302, location: '/workshop', flash: { kind: 'ok', message: expect.stringContaining(`苏F70002 · `) } });
  const reservation = await stack.db.partReservation.findFirstOrThrow({ where: { bookingId: booking.id, partNumber: PART } });
  expect(reservation).toMatchObject({ status: 'PICKED', pickedBy: TECHNICIAN });
  expect(picked.flash.message).toContain(reservation.basketLabel!);
  // Nothing is left to pick: the form is gone, and a second one sent anyway is refused where it can be read.
  const twice = await technician.post(`/workshop/bookings/${booking.id}/pick`, {});
  expect(twice.status).toBe(409);
  expect(twice.html).toMatch(/class="flash error"[^>]*>未能提交: booking \S+ has no reserved parts to pick/);
});

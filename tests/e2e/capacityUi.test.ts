// The workshop plan pages in real headless Chromium against the running product (real Temporal dev
// server, real PostgreSQL, the worker): the technical director of a workshop like demo-workshop sees a
// booked reservation on the capacity view (R8), then picks its parts from the preparation board (R6).
// Screenshots go to test-artifacts/.
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../activities/database';
import { localDate } from '../../domain/calendar';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { artifact, launchChromium, signInAs as signInAsPerson } from '../support/browser';
import { startProductStack, ProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const VIN = 'LFV2A21K8P4000601';
const PLATE = '苏F60001';
const PART = 'VW-06L115562';
const TECHNICIAN = `${STORE_A}-tech-general-1`;
const OFFSET = 480;

let stack: ProductStack;
let api: ApiDriver;
let browser: Browser;
let tomorrow: string;
let bookingId: string;

async function seedWorkshopStore(db: Db): Promise<void> {
  await seedWebStores(db);
  await seedWorkshop(db, { storeId: STORE_A, bays: { QUICK_SERVICE: 1, GENERAL_REPAIR: 2, BODY_PAINT: 1 }, technicians: { QUICK_SERVICE: 1, GENERAL_REPAIR: 2, BODY_PAINT: 1 } });
  await db.part.create({ data: { partNumber: PART, name: '机油滤清器 Oil filter', priceCny: 45, leadDays: 2 } });
  await db.partStock.create({ data: { storeId: STORE_A, partNumber: PART, onHand: 5 } });
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startProductStack(seedWorkshopStore), launchChromium()]);
  api = new ApiDriver(stack.base);
  tomorrow = localDate(Date.now() + 86_400_000, OFFSET);
  await api.register(VIN, STORE_A, PLATE, '13900000601');
  await api.waitForStage(VIN, 'AWAITING_CALL_OUTCOME');
  const booked = await api.call(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'BOOKED', bookedFor: `${tomorrow}T10:00:00+08:00` });
  if (booked.status !== 200) throw new Error(`call-outcome: ${booked.status} ${JSON.stringify(booked.json)}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const booking = await stack.db.booking.findFirst({ where: { vin: VIN, status: { in: ['TENTATIVE', 'CONFIRMED'] } }, include: { bayReservation: true } });
    if (booking?.bayReservation) {
      bookingId = booking.id;
      break;
    }
    if (Date.now() > deadline) throw new Error('the booking never got its bay');
    await new Promise((r) => setTimeout(r, 250));
  }
  const parts = await api.call(staffIdOf('TECHNICAL_DIRECTOR'), 'POST', `/api/bookings/${bookingId}/parts`, { parts: [{ partNumber: PART, quantity: 1 }] });
  if (parts.status !== 200) throw new Error(`parts: ${parts.status} ${JSON.stringify(parts.json)}`);
  // A safety job booked in the afternoon (R8 priority) and a tentative hold still in force.
  const safety = await api.call(staffIdOf('TECHNICAL_DIRECTOR'), 'POST', `/api/stores/${STORE_A}/holds`, { jobType: 'GENERAL_REPAIR', start: `${tomorrow}T13:00:00+08:00`, priority: 'SAFETY', book: true });
  const held = await api.call(staffIdOf('SERVICE_ADVISOR'), 'POST', `/api/stores/${STORE_A}/holds`, { jobType: 'QUICK_SERVICE', start: `${tomorrow}T15:00:00+08:00` });
  if (safety.status !== 201 || held.status !== 201) throw new Error(`holds: ${safety.status} ${held.status} ${JSON.stringify([safety.json, held.json])}`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signInAs = (staffId: string): Promise<Page> => signInAsPerson(browser, stack.base, staffId);

test('R8 / R6 technical director: sees the booked reservation on the capacity view, then picks its parts on the preparation board', async () => {
  const page = await signInAs(staffIdOf('TECHNICAL_DIRECTOR'));
  await Promise.all([page.waitForNavigation(), page.click('header nav a[href="/capacity"]')]);
  await page.goto(`${stack.base}/capacity?day=${tomorrow}`);
  const block = page.locator(`tr.bay td.res[data-booking="${bookingId}"]`);
  expect(await block.count()).toBe(1);
  expect(await block.textContent()).toContain(PLATE);
  expect(await block.textContent()).toContain('PERIODIC_MAINTENANCE');
  expect(await block.getAttribute('class')).toContain('BOOKED');
  // One hour of PERIODIC_MAINTENANCE on a 15-minute grid takes four slots.
  expect(await block.getAttribute('colspan')).toBe('4');
  expect(await page.locator('td.res.prio .prio-mark').count()).toBe(1);
  expect(await page.locator('td.res.HELD').textContent()).toContain('暂留');
  expect(await page.locator('td.slot.closed').count()).toBeGreaterThan(0);
  // R8: the day's bar: 80% bookable, 20% reserved; 60 + 180 + 30 minutes booked or held.
  const total = page.locator('tr.capbar-row[data-kind=TOTAL]');
  expect(await total.locator('td.booked-minutes').textContent()).toBe('270');
  expect(await total.locator('svg.capbar line.limit').count()).toBe(1);
  expect((await page.locator('tbody.kind').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-kind'))))).toEqual(['QUICK_SERVICE', 'GENERAL_REPAIR', 'BODY_PAINT']);
  await page.screenshot({ path: artifact('capacity-day.png'), fullPage: true });
  // On a tablet the grid scrolls inside its card; the page itself never runs off the side.
  await page.setViewportSize({ width: 768, height: 1024 });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(768);
  await page.screenshot({ path: artifact('capacity-day-tablet.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await Promise.all([page.waitForNavigation(), page.click('a.mode[href*="view=week"]')]);
  expect(await page.locator('section.capday').count()).toBe(7);
  expect(await page.locator(`section.capday[data-date="${tomorrow}"] td.res[data-booking="${bookingId}"]`).count()).toBe(1);
  await page.screenshot({ path: artifact('capacity-week.png'), fullPage: true });

  await page.goto(`${stack.base}/preparation-board?from=${tomorrow}&to=${tomorrow}`);
  const row = page.locator(`table.prepboard tr[data-booking="${bookingId}"]`);
  expect(await row.textContent()).toContain(PLATE);
  expect(await row.locator('td.parts').getAttribute('data-state')).toBe('IN_STOCK');
  // R6: the booked vehicle is on the board with the bay it was given.
  expect(await row.locator('td.bay').textContent()).toMatch(/store-a-general-\d|bay-a-1/);
  await page.selectOption(`tr[data-booking="${bookingId}"] select[name=technicianId]`, TECHNICIAN);
  await page.screenshot({ path: artifact('preparation-board.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), row.locator('form.pick button.primary').click()]);
  const flash = await page.locator('.flash.ok').textContent();
  expect(flash).toContain('已拣料');
  expect(flash).toContain(`${PLATE}`);
  expect(await row.locator('td.parts').getAttribute('data-state')).toBe('PICKED');
  const basket = await row.locator('.basket').textContent();
  expect(basket).toContain(PLATE);
  expect(basket).toContain(tomorrow);
  expect(await row.locator('form.pick').count()).toBe(0);
  await page.screenshot({ path: artifact('preparation-board-picked.png'), fullPage: true });

  // The JSON board says the same (one source for both).
  const board = await api.call(staffIdOf('TECHNICAL_DIRECTOR'), 'GET', `/api/stores/${STORE_A}/preparation-board?from=${tomorrow}&to=${tomorrow}`);
  const picked = board.json.rows.find((r: { bookingId: string }) => r.bookingId === bookingId);
  expect(picked.parts.state).toBe('PICKED');
  expect(basket).toContain(picked.parts.items[0].basketLabel);

  // Picking again is refused with the reason, as the API refuses it.
  const again = await page.evaluate(async ([id, tech]) => {
    const html = await (await fetch('/preparation-board')).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1];
    const res = await fetch(`/preparation-board/${id}/pick`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, technicianId: tech, returnTo: '/preparation-board' }) });
    return { status: res.status, html: await res.text() };
  }, [bookingId, TECHNICIAN]);
  expect(again.status).toBe(200);
  expect(again.html).toMatch(/class="flash error"[^>]*>未能提交: booking \S+ has no reserved parts to pick/);

  // English switch.
  await Promise.all([page.waitForNavigation(), page.click('a.lang')]);
  expect(await page.locator('h1').textContent()).toContain('Preparation board');
  await page.context().close();
});

test('store scope: a person of one store cannot open another store\'s plan', async () => {
  const page = await signInAs(staffIdOf('SERVICE_ADVISOR'));
  expect((await page.goto(`${stack.base}/capacity?store=${STORE_B}`))?.status()).toBe(404);
  expect((await page.goto(`${stack.base}/preparation-board?store=${STORE_B}`))?.status()).toBe(404);
  // Nor pick parts: an advisor has no pick form and the action is refused.
  expect((await page.goto(`${stack.base}/preparation-board`))?.status()).toBe(200);
  expect(await page.locator('form.pick').count()).toBe(0);
  expect((await page.goto(`${stack.base}/capacity?day=2026-13-01`))?.status()).toBe(400);
  await page.context().close();
});

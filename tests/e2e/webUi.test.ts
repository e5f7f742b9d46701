// The web UI in real headless Chromium against the running product (real Temporal dev server, real
// PostgreSQL, the worker): an advisor confirms a booking from the inbox and sees the timeline move,
// an auditor can change nothing, a manager filters the overdue list. Screenshots go to test-artifacts/.
import type { Browser, Page } from 'playwright-core';
import { artifact, launchChromium } from '../support/browser';
import { startProductStack, ProductStack } from '../support/productStack';
import { TEST_PASSWORD } from '../support/staff';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const CONFIRM_VIN = 'LFV2A21K8P4000201';
const OVERDUE_VIN = 'LFV2A21K8P4000202';
const CALLING_VIN = 'LFV2A21K8P4000203';
const OTHER_STORE_VIN = 'LFV2A21K8P4000204';
const NOT_DUE_VIN = 'LFV2A21K8P4000205';

let stack: ProductStack;
let api: ApiDriver;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startProductStack(seedWebStores), launchChromium()]);
  api = new ApiDriver(stack.base);
  await api.register(CONFIRM_VIN, STORE_A, '苏F20001', '13900000201');
  await api.register(OVERDUE_VIN, STORE_A, '苏F20002', '13900000202');
  await api.register(CALLING_VIN, STORE_A, '苏F20003', '13900000203');
  await api.register(OTHER_STORE_VIN, STORE_B, '苏F20004', '13900000204');
  // Delivered 10 days ago: the first reminder is weeks away, nothing is late.
  await api.register(NOT_DUE_VIN, STORE_A, '苏F20005', '13900000205', 10);
  await Promise.all([api.toConfirmation(CONFIRM_VIN), api.toConfirmation(OVERDUE_VIN), api.waitForStage(CALLING_VIN, 'AWAITING_CALL_OUTCOME'), api.waitForStage(NOT_DUE_VIN, 'WAITING_FOR_REMINDER')]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signInAs(staffId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${stack.base}/login`);
  await page.fill('input[name=staffId]', staffId);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  return page;
}

test('R7 advisor: signs in, finds the confirmation task in the inbox, confirms it, sees the timeline move', async () => {
  const page = await signInAs(staffIdOf('SERVICE_ADVISOR'));
  expect(new URL(page.url()).pathname).toBe('/inbox');
  await page.screenshot({ path: artifact('inbox-advisor.png'), fullPage: true });

  const task = page.locator(`li.task[data-kind=CONFIRMATION_CALL][data-vin=${CONFIRM_VIN}]`);
  await expect(task.textContent()).resolves.toContain('预约确认电话');
  // Most urgent first: the list is ordered by deadline.
  const dues = await page.locator('li.task').evaluateAll((items) => items.map((li) => li.querySelector('.due')?.textContent?.trim() ?? ''));
  expect(dues.map((d) => d.replace(/\D+/g, ''))).toEqual([...dues.map((d) => d.replace(/\D+/g, ''))].sort());

  await Promise.all([page.waitForNavigation(), task.locator('button.primary').click()]);
  const flash = await page.locator('.flash').textContent();
  expect(flash).toContain('已提交');
  expect(flash).toContain(CONFIRM_VIN);
  expect(await page.locator(`li.task[data-kind=CONFIRMATION_CALL][data-vin=${CONFIRM_VIN}]`).count()).toBe(0);

  await page.goto(`${stack.base}/vehicles/${CONFIRM_VIN}`);
  const confirmed = page.locator('table.timeline tr[data-action="booking.confirmed"]');
  expect(await confirmed.count()).toBe(1);
  expect(await confirmed.textContent()).toContain('SERVICE_ADVISOR A');
  expect(await confirmed.textContent()).toContain('R7');
  expect(await page.locator('.stage').getAttribute('data-stage')).toBe('AWAITING_CHECK_IN');
  expect(await page.locator('a.temporal-link').getAttribute('href')).toBe(`${stack.temporalUiUrl}/namespaces/default/workflows/vehicle-${CONFIRM_VIN}`);
  // An advisor calls customers: the number is shown in full.
  expect(await page.locator('dd.phone').textContent()).toBe('13900000201');
  await page.screenshot({ path: artifact('vehicle-advisor.png'), fullPage: true });
  // At the counter on a tablet: nothing runs off the side of the page.
  await page.setViewportSize({ width: 768, height: 1024 });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pageWidth = () => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);
  expect(await pageWidth()).toBeLessThanOrEqual(768);
  await page.screenshot({ path: artifact('vehicle-tablet.png'), fullPage: true });
  await page.goto(`${stack.base}/inbox`);
  expect(await pageWidth()).toBeLessThanOrEqual(768);
  await page.screenshot({ path: artifact('inbox-tablet.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // A refused step shows the workflow's reason instead of moving anything (already confirmed).
  const stale = await page.evaluate(async ([vin]) => {
    const html = await (await fetch(`/vehicles/${vin}`)).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1];
    const res = await fetch(`/vehicles/${vin}/act`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, action: 'confirmation', outcome: 'CONFIRMED' }) });
    // The redirect lands on the vehicle page, which shows the refusal once.
    return { status: res.status, html: await res.text() };
  }, [CONFIRM_VIN]);
  expect(stale.status).toBe(200);
  expect(stale.html).toMatch(/class="flash error"[^>]*>未能提交: .*AWAITING_CHECK_IN/);

  // R11 today's board: the booked arrival, apart from walk-ins; then the English switch.
  await page.goto(`${stack.base}/board`);
  expect(await page.locator('table.booked').textContent()).toContain('苏F20001');
  await page.screenshot({ path: artifact('board.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('a.lang')]);
  expect(await page.locator('h1').textContent()).toContain("Today's board");

  await Promise.all([page.waitForNavigation(), page.click('header button.link')]);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.goto(`${stack.base}/inbox`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.context().close();
});

test('auditor: reads everything, changes nothing', async () => {
  const page = await signInAs(staffIdOf('AUDITOR'));
  expect(new URL(page.url()).pathname).toBe('/audit');
  await page.screenshot({ path: artifact('audit-home.png'), fullPage: true });

  await page.goto(`${stack.base}/vehicles/${OVERDUE_VIN}`);
  expect(await page.locator('form.action').count()).toBe(0);
  expect(await page.locator('dd.phone').textContent()).toBe('139****0202');

  const inbox = await page.goto(`${stack.base}/inbox`);
  expect(inbox?.status()).toBe(403);
  const attempts = await page.evaluate(async ([vin]) => {
    const html = await (await fetch(`/vehicles/${vin}`)).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1];
    const form = await fetch(`/vehicles/${vin}/act`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, action: 'confirmation', outcome: 'CONFIRMED' }) });
    const apiCall = await fetch(`/api/vehicles/${vin}/confirmation`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' });
    return [form.status, apiCall.status];
  }, [OVERDUE_VIN]);
  expect(attempts).toEqual([403, 403]);
  const state = await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${OVERDUE_VIN}`);
  expect(state.json.state.stage).toBe('AWAITING_CONFIRMATION');

  // The full history: human actions with actor and time, the audit chain, the raw Temporal history.
  const auditPage = await page.goto(`${stack.base}/audit/vehicles/${CONFIRM_VIN}`);
  expect(auditPage?.status()).toBe(200);
  const human = await page.locator('#human-actions tbody').textContent();
  expect(human).toContain(staffIdOf('CUSTOMER_RELATIONS'));
  expect(human).toContain('booking.confirmed');
  expect(await page.locator('details.run').count()).toBeGreaterThan(0);
  expect(await page.locator('details.run').first().textContent()).toContain('WorkflowExecutionStarted');
  await page.screenshot({ path: artifact('audit-vehicle.png'), fullPage: true });
  const csv = await page.evaluate(async (vin) => (await fetch(`/audit/vehicles/${vin}/export.csv`)).text(), CONFIRM_VIN);
  expect(csv.split('\r\n').find((line) => line.includes('booking.confirmed'))).toContain(staffIdOf('SERVICE_ADVISOR'));
  expect(csv.split('\r\n')[0].replace(/^\uFEFF/, '')).toBe('id,chainSeq,occurredAt,recordedAt,actor,action,rule,workflowId,runId,cycle,data,prevHash,hash');
  await page.goto(`${stack.base}/audit/verify`);
  expect(await page.locator('#chain-result').textContent()).toContain('审计链完整');
  await page.context().close();
});

test('manager: filters the running lifecycles to the overdue ones', async () => {
  const page = await signInAs(staffIdOf('SERVICE_MANAGER'));
  expect(new URL(page.url()).pathname).toBe('/manager');
  const all = await page.locator('#workflows tbody tr[data-vin]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vin')));
  expect(all).toEqual(expect.arrayContaining([OVERDUE_VIN, CALLING_VIN, NOT_DUE_VIN]));
  // Store A's manager never sees store B's vehicles.
  expect(all).not.toContain(OTHER_STORE_VIN);
  await page.screenshot({ path: artifact('manager.png'), fullPage: true });

  await page.check('input[name=overdue]');
  await Promise.all([page.waitForNavigation(), page.click('#manager-filters button.primary')]);
  expect(new URL(page.url()).searchParams.get('overdue')).toBe('1');
  const overdue = await page.locator('#workflows tbody tr[data-vin]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vin')));
  // The confirmation call (R7) and the reminder call (R3) are both past their deadlines.
  expect(overdue).toEqual(expect.arrayContaining([OVERDUE_VIN, CALLING_VIN]));
  expect(overdue).not.toContain(NOT_DUE_VIN);
  expect(await page.locator('#workflows tbody tr.overdue').count()).toBe(overdue.length);
  expect(await page.locator('#overdue-tasks').textContent()).toContain('苏F20002');
  await page.screenshot({ path: artifact('manager-overdue.png'), fullPage: true });
  await page.context().close();
});

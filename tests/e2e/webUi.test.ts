// The web UI in real headless Chromium against the running product (real Temporal dev server, real
// PostgreSQL, the worker): an advisor confirms a booking from the inbox and sees the timeline move,
// an auditor can change nothing, a manager filters the overdue list, customer relations settles the
// outbox, a customer manager rewords a template. Screenshots go to test-artifacts/.
import type { Browser, Page } from 'playwright-core';
import { createDispatcher, undeliveredTaskPrefix } from '../../notifications/dispatcher';
import { artifact, launchChromium, signInAs as signInAsPerson } from '../support/browser';
import { HookServer, startHookServer } from '../support/messageSinks';
import { startProductStack, ProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const CONFIRM_VIN = 'LFV2A21K8P4000201';
const OVERDUE_VIN = 'LFV2A21K8P4000202';
const CALLING_VIN = 'LFV2A21K8P4000203';
const OTHER_STORE_VIN = 'LFV2A21K8P4000204';
const NOT_DUE_VIN = 'LFV2A21K8P4000205';

let stack: ProductStack;
let api: ApiDriver;
let browser: Browser;
let hooks: HookServer | undefined;

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
  await hooks?.close();
  await browser?.close();
  await stack?.stop();
});

const signInAs = (staffId: string): Promise<Page> => signInAsPerson(browser, stack.base, staffId);

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
    // The vehicle page again, with the refusal: the step is no longer offered, so the reason stands above it.
    return { status: res.status, html: await res.text() };
  }, [CONFIRM_VIN]);
  expect(stale.status).toBe(409);
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

test('R2 outbox: customer relations sees a queued message and why; the manager configures SMS; a bounced message is sent again, another resolved by phone; opt-out and language on the vehicle page', async () => {
  // The real outbox sender, as npm start runs it in the worker, one batch at a time.
  const sender = createDispatcher({ db: stack.db, publicBaseUrl: stack.base, log: () => undefined });
  hooks = await startHookServer();
  let gatewayUp = false;
  hooks.answer('/sms', () => (gatewayUp ? { status: 200, body: { id: 'sms-1' } } : { status: 400, body: { error: 'unknown number' } }));
  try {
    await sender.runOnce();
    const cr = await signInAs(staffIdOf('CUSTOMER_RELATIONS'));
    await cr.goto(`${stack.base}/outbox?status=QUEUED&vin=${CALLING_VIN}`);
    const queued = cr.locator(`#outbox-messages tr[data-vin=${CALLING_VIN}][data-status=QUEUED]`);
    expect(await queued.count()).toBeGreaterThan(0);
    // Nothing configured (the embedded default): the message waits and says why.
    expect(await queued.first().locator('.reason').textContent()).toMatch(/no SMS channel configured for store store-a/);
    // Customer relations calls customers: the number in full.
    expect(await queued.first().locator('.recipient').textContent()).toBe('13900000203');
    expect(Number(await cr.locator('#outbox-counts li[data-status=QUEUED] b').textContent())).toBeGreaterThan(0);
    // Another store's messages are not listed.
    expect(await cr.locator(`#outbox-messages tr[data-vin=${OTHER_STORE_VIN}]`).count()).toBe(0);
    await cr.screenshot({ path: artifact('outbox-queued.png'), fullPage: true });

    // The service manager gives the store an SMS gateway on the channels page; the secret is masked.
    const sm = await signInAs(staffIdOf('SERVICE_MANAGER'));
    await Promise.all([sm.waitForNavigation(), sm.click('header nav a[href="/stores/store-a/channels"]')]);
    const sms = sm.locator('section.channel[data-channel=SMS]');
    expect(await sms.getAttribute('data-source')).toBe('none');
    await sms.locator('textarea[name=config]').fill(JSON.stringify({ url: `${hooks.url}/sms`, authHeader: 'Authorization: Bearer gateway-secret' }));
    await Promise.all([sm.waitForNavigation(), sms.locator('button.primary').click()]);
    expect(await sm.locator('.flash.ok').textContent()).toContain('SMS');
    expect(await sm.locator('section.channel[data-channel=SMS]').getAttribute('data-source')).toBe('store');
    expect(await sm.locator('section.channel[data-channel=SMS] h2 .badge').textContent()).toBe('启用');
    const shownConfig = await sm.locator('section.channel[data-channel=SMS] pre.config').textContent();
    expect(shownConfig).toContain('Authorization: ***');
    expect(shownConfig).not.toContain('gateway-secret');
    await sm.screenshot({ path: artifact('channels.png'), fullPage: true });
    await sm.context().close();

    // The gateway refuses the number (4xx): bounced at once, and a task for customer relations.
    await sender.runOnce();
    await cr.goto(`${stack.base}/outbox?status=BOUNCED&vin=${CALLING_VIN}`);
    const bounced = cr.locator(`#outbox-messages tr[data-vin=${CALLING_VIN}][data-status=BOUNCED]`).first();
    const id = await bounced.getAttribute('data-id');
    expect(await bounced.locator('.reason').textContent()).toMatch(/400/);
    await cr.screenshot({ path: artifact('outbox-bounced.png'), fullPage: true });
    const { idempotencyKey } = await stack.db.notification.findUniqueOrThrow({ where: { id: id! } });
    const task = await stack.db.task.findFirstOrThrow({ where: { idempotencyKey: { startsWith: undeliveredTaskPrefix(idempotencyKey) }, kind: 'UNDELIVERED_MESSAGE', status: 'OPEN', assigneeRole: 'CUSTOMER_RELATIONS' } });

    // The number is right after all and the gateway is back: send it again.
    gatewayUp = true;
    await Promise.all([cr.waitForNavigation(), bounced.locator('form.retry button').click()]);
    expect(await cr.locator('.flash.ok').textContent()).toContain('重新排队');
    const again = await stack.db.notification.findUniqueOrThrow({ where: { id: id! } });
    expect(again).toMatchObject({ status: 'QUEUED', attempts: 0, failureReason: `retried by ${staffIdOf('CUSTOMER_RELATIONS')}` });
    expect(await stack.db.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'DONE', completedBy: staffIdOf('CUSTOMER_RELATIONS') });
    const audit = await stack.db.auditEvent.findFirstOrThrow({ where: { vin: CALLING_VIN, action: 'message.retried' } });
    expect(audit).toMatchObject({ actor: staffIdOf('CUSTOMER_RELATIONS'), data: expect.objectContaining({ notificationId: id, previousStatus: 'BOUNCED' }) });
    await sender.runOnce();
    expect((await stack.db.notification.findUniqueOrThrow({ where: { id: id! } })).status).toBe('SENT');
    expect(hooks.requests.filter((r) => r.path === '/sms' && r.body.includes('13900000203')).length).toBeGreaterThanOrEqual(2);

    // Another bounced reminder: the customer was reached by phone instead; the note goes on the record.
    await cr.goto(`${stack.base}/outbox?status=BOUNCED`);
    const other = cr.locator('#outbox-messages tr[data-status=BOUNCED]').first();
    const otherId = await other.getAttribute('data-id');
    await other.locator('form.resolve input[name=note]').fill('已电话提醒客户保养');
    await Promise.all([cr.waitForNavigation(), other.locator('form.resolve button').click()]);
    expect(await cr.locator('.flash.ok').textContent()).toContain('任务已关闭');
    expect((await stack.db.notification.findUniqueOrThrow({ where: { id: otherId! } })).failureReason).toMatch(new RegExp(`resolved by ${staffIdOf('CUSTOMER_RELATIONS')}: 已电话提醒客户保养$`));
    const resolved = await stack.db.notification.findUniqueOrThrow({ where: { id: otherId! } });
    expect(await stack.db.task.findFirstOrThrow({ where: { idempotencyKey: { startsWith: undeliveredTaskPrefix(resolved.idempotencyKey) } } })).toMatchObject({ status: 'DONE', completedBy: staffIdOf('CUSTOMER_RELATIONS') });
    // The same page in English.
    await Promise.all([cr.waitForNavigation(), cr.click('a.lang')]);
    expect(await cr.locator('#outbox-counts li[data-status=BOUNCED] a').textContent()).toBe('Bounced');
    await Promise.all([cr.waitForNavigation(), cr.click('a.lang')]);

    // On the vehicle page: its messages, and the customer opts out of SMS.
    await cr.goto(`${stack.base}/vehicles/${CALLING_VIN}`);
    expect(await cr.locator(`#messages tr[data-id="${id}"]`).getAttribute('data-status')).toBe('SENT');
    await cr.fill('#messages form.opt-out input[name=reason]', '客户要求不再接收短信');
    await Promise.all([cr.waitForNavigation(), cr.click('#messages form.opt-out button')]);
    expect(await cr.locator('#messages ul.opt-outs li[data-channel=SMS]').textContent()).toContain('客户要求不再接收短信');
    expect(await cr.locator('table.timeline tr[data-action="customer.opted-out"]').count()).toBe(1);
    await cr.selectOption('#messages form.customer-locale select[name=locale]', 'en');
    await Promise.all([cr.waitForNavigation(), cr.click('#messages form.customer-locale button')]);
    expect(await cr.locator('.flash.ok').textContent()).toContain('消息语言已更改');
    expect((await stack.db.vehicle.findUniqueOrThrow({ where: { vin: CALLING_VIN }, include: { customer: true } })).customer.locale).toBe('en');
    await cr.screenshot({ path: artifact('vehicle-messages.png'), fullPage: true });
    await cr.context().close();
  } finally {
    sender.close();
  }
});

test('R15 templates: a customer manager previews a draft, is refused a wording that does not render, saves one that does', async () => {
  const page = await signInAs(staffIdOf('CUSTOMER_MANAGER'));
  await Promise.all([page.waitForNavigation(), page.click('header nav a[href="/templates"]')]);
  expect(await page.locator('#template-catalog tr[data-key=pickup-notice]').textContent()).toContain('R15');
  await Promise.all([page.waitForNavigation(), page.click('#template-catalog a[href^="/templates/pickup-notice"]')]);
  const zh = page.locator('section.template-locale[data-locale=zh-CN]');
  await zh.locator('input[name=subject]').fill('{{storeName}}：您的爱车可以取了');
  await zh.locator('textarea[name=body]').fill('{{customerName}}您好，{{plate}} 将于 {{dateTime readyAt}} 完工。');
  await Promise.all([page.waitForNavigation(), zh.locator('button.preview-button').click()]);
  const preview = page.locator('section.template-locale[data-locale=zh-CN] .preview');
  expect(await preview.locator('.preview-subject').textContent()).toBe('Store A：您的爱车可以取了');
  expect(await preview.locator('.preview-body').textContent()).toContain('王先生您好，苏F12345 将于');
  await page.screenshot({ path: artifact('template-preview.png'), fullPage: true });
  // Previewing stored nothing.
  expect(await stack.db.messageTemplate.count({ where: { key: 'pickup-notice' } })).toBe(0);

  // A variable the message does not have: refused with the renderer's reason, the draft kept.
  await page.locator('section.template-locale[data-locale=zh-CN] textarea[name=body]').fill('{{customerName}}您好，{{pickupCode}}');
  await Promise.all([page.waitForNavigation(), page.locator('section.template-locale[data-locale=zh-CN] button.save-button').click()]);
  expect(await page.locator('.flash.error').textContent()).toMatch(/未能提交: template pickup-notice \(zh-CN\) does not render: .*pickupCode/);
  expect(await page.locator('section.template-locale[data-locale=zh-CN] textarea[name=body]').inputValue()).toContain('{{pickupCode}}');
  expect(await stack.db.messageTemplate.count({ where: { key: 'pickup-notice' } })).toBe(0);

  await page.locator('section.template-locale[data-locale=zh-CN] textarea[name=body]').fill('{{customerName}}您好，{{plate}} 已可取车。');
  await Promise.all([page.waitForNavigation(), page.locator('section.template-locale[data-locale=zh-CN] button.save-button').click()]);
  expect(await page.locator('.flash.ok').textContent()).toContain('pickup-notice');
  expect(await page.locator('section.template-locale[data-locale=zh-CN] .origin').textContent()).toBe('门店自定义');
  expect(await page.locator('section.template-locale[data-locale=en] .origin').textContent()).toBe('默认');
  const saved = await stack.db.messageTemplate.findUniqueOrThrow({ where: { storeId_key_locale: { storeId: STORE_A, key: 'pickup-notice', locale: 'zh-CN' } } });
  expect(saved).toMatchObject({ subject: '{{storeName}}：您的爱车可以取了', body: '{{customerName}}您好，{{plate}} 已可取车。', updatedBy: staffIdOf('CUSTOMER_MANAGER') });
  // The API serves the same wording: one implementation behind both.
  const viaApi = await api.call(staffIdOf('CUSTOMER_MANAGER'), 'POST', '/api/templates/pickup-notice/preview', { locale: 'zh-CN', storeId: STORE_A });
  expect(viaApi.json).toMatchObject({ origin: 'store', body: '王先生您好，苏F12345 已可取车。' });
  await page.screenshot({ path: artifact('template-saved.png'), fullPage: true });

  // An advisor reads the wording but neither previews nor saves (rendering is for template managers).
  const sa = await signInAs(staffIdOf('SERVICE_ADVISOR'));
  await sa.goto(`${stack.base}/templates/pickup-notice`);
  expect(await sa.locator('button.save-button').count()).toBe(0);
  expect(await sa.locator('button.preview-button').count()).toBe(0);
  expect(await sa.locator('header nav a[href="/outbox"]').count()).toBe(0);
  await sa.context().close();
  await page.context().close();
});

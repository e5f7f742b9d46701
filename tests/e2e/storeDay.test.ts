// A day in the store, driven only through the pages in real Chromium against the running product (real
// Temporal dev server, PostgreSQL, worker): a car booked from the reminder call on the free times of the
// slot picker, prepared on the workshop page, confirmed from the inbox; one booking rescheduled and one
// cancelled with its reason at the confirmation call; a walk-in received beside the booked arrivals; the
// booked car checked in with its reception sheet, extra work reported on the technician's tablet page and
// declined by the customer, the job re-promised at the 80% check, delivered; the follow-up's low score
// opens a graded service-failure ticket, which is answered. Only the cars' registration and the other
// bookings come over the API. Screenshots of every page at 1366 and 768 px go to test-artifacts/.
import type { Browser, Page } from 'playwright-core';
import { artifact, launchChromium, signInAs as signInAsPerson } from '../support/browser';
import { startProductStack, ProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const BOOKED = 'LFV2A21K8P4000401';
const RESCHEDULED = 'LFV2A21K8P4000402';
const CANCELLED = 'LFV2A21K8P4000403';
const WALK_IN = 'LFV2A21K8P4000404';
const MINUTE = 60_000;

let stack: ProductStack;
let api: ApiDriver;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startProductStack(seedWebStores), launchChromium()]);
  api = new ApiDriver(stack.base);
  await api.register(BOOKED, STORE_A, '苏F40001', '13900000401');
  await api.register(RESCHEDULED, STORE_A, '苏F40002', '13900000402');
  await api.register(CANCELLED, STORE_A, '苏F40003', '13900000403');
  await api.register(WALK_IN, STORE_A, '苏F40004', '13900000404');
  await Promise.all([api.waitForStage(BOOKED, 'AWAITING_CALL_OUTCOME'), api.toConfirmation(RESCHEDULED), api.toConfirmation(CANCELLED), api.waitForStage(WALK_IN, 'AWAITING_CALL_OUTCOME')]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signInAs = (role: string): Promise<Page> => signInAsPerson(browser, stack.base, staffIdOf(role));

/** The store's wall clock as a datetime-local field takes it (the test stores are in China time). */
const storeLocal = (ms: number) => new Date(ms + 8 * 60 * MINUTE).toISOString().slice(0, 16);

/** The page at a desk and on a tablet at the counter or in the workshop; nothing runs off the tablet's side. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: artifact(`day-${name}-1366.png`), fullPage: true });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.screenshot({ path: artifact(`day-${name}-768.png`), fullPage: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(768);
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** A step's form on the vehicle page, opened if it is not the owed one. */
async function stepOn(page: Page, vin: string, step: string) {
  await page.goto(`${stack.base}/vehicles/${vin}`);
  const details = page.locator(`details[data-step="${step}"]`);
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  return details.locator('form');
}

async function send(page: Page, form: ReturnType<Page['locator']>): Promise<string> {
  await Promise.all([page.waitForNavigation(), form.locator('button.primary').click()]);
  return (await page.locator('.flash').textContent()) ?? '';
}

async function stageOf(vin: string): Promise<string> {
  return (await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${vin}`)).json.state.stage;
}

async function openTask(vin: string, kind: string, waitMs = 60_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const task = await stack.db.task.findFirst({ where: { vin, kind: kind as never, status: 'OPEN' } });
    if (task) return task;
    if (Date.now() > deadline) throw new Error(`no open ${kind} task for ${vin}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function inboxForm(page: Page, kind: string, vin: string) {
  await page.goto(`${stack.base}/inbox`);
  return page.locator(`li.task[data-kind=${kind}][data-vin=${vin}] form`);
}

test('R5 R6 R7 R9 R10 R12 R13 R14 R16 R17 R18: a day in the store through the pages alone', async () => {
  // R3/R5 customer relations books the car on a free time of the slot picker.
  const cr = await signInAs('CUSTOMER_RELATIONS');
  const call = await stepOn(cr, BOOKED, 'call-outcome');
  await call.locator('select[name=outcome]').selectOption('BOOKED');
  const firstFree = call.locator('fieldset.slot-picker label.slot.free input').first();
  const bookedLocal = await firstFree.getAttribute('value');
  await firstFree.check();
  await screenshots(cr, 'booking-slot-picker');
  expect(await send(cr, call)).toContain('已提交');
  const booking = await stack.db.booking.findFirstOrThrow({ where: { vin: BOOKED } });
  expect(storeLocal(booking.bookedFor.getTime())).toBe(bookedLocal);

  // R6 the technical director assigns bay and technician on the workshop page.
  const director = await signInAs('TECHNICAL_DIRECTOR');
  await director.goto(`${stack.base}/workshop`);
  const card = director.locator(`article[data-vin=${BOOKED}]`);
  await card.locator('select[name=bayId]').selectOption('bay-a-1');
  await card.locator('select[name=technicianId]').selectOption(staffIdOf('TECHNICIAN'));
  await screenshots(director, 'workshop-director');
  await Promise.all([director.waitForNavigation(), card.locator('button.primary').click()]);
  await api.waitForStage(BOOKED, 'AWAITING_CONFIRMATION');

  // R7 the advisor confirms it from the inbox: the usual answer is the one preselected.
  const sa = await signInAs('SERVICE_ADVISOR');
  const confirm = await inboxForm(sa, 'CONFIRMATION_CALL', BOOKED);
  expect(await confirm.locator('select[name=outcome]').inputValue()).toBe('CONFIRMED');
  await screenshots(sa, 'inbox-advisor');
  expect(await send(sa, confirm)).toContain(BOOKED);
  await api.waitForStage(BOOKED, 'AWAITING_CHECK_IN');

  // R7/R8 a reschedule at the confirmation call, on a free time of the picker (its own booking no obstacle).
  const reschedule = await stepOn(sa, RESCHEDULED, 'confirmation');
  await reschedule.locator('select[name=outcome]').selectOption('RESCHEDULE');
  const later = reschedule.locator('fieldset.slot-picker label.slot.free input').nth(3);
  const newLocal = await later.getAttribute('value');
  await later.check();
  expect(await send(sa, reschedule)).toContain('已提交');
  const moved = await stack.db.booking.findFirstOrThrow({ where: { vin: RESCHEDULED, status: { in: ['TENTATIVE', 'CONFIRMED'] } } });
  expect(storeLocal(moved.bookedFor.getTime())).toBe(newLocal);

  // R9 a cancellation keeps its reason: refused without one (the form comes back as typed), then sent.
  const cancel = await stepOn(sa, CANCELLED, 'confirmation');
  await cancel.locator('select[name=outcome]').selectOption('CANCEL');
  await cancel.locator('textarea[name=note]').fill('客户来电');
  await Promise.all([sa.waitForNavigation(), cancel.locator('button.primary').click()]);
  const refused = sa.locator('details[data-step=confirmation] form');
  expect(await refused.locator('.field-error, .form-error').first().textContent()).toMatch(/reason|R9/);
  expect(await refused.locator('textarea[name=note]').inputValue()).toBe('客户来电');
  await screenshots(sa, 'vehicle-refused-cancellation');
  await refused.locator('textarea[name=reason]').fill('客户临时出差，下月再约');
  expect(await send(sa, refused)).toContain('已提交');
  expect(await stack.db.booking.findFirstOrThrow({ where: { vin: CANCELLED } })).toMatchObject({ status: 'CANCELLED' });

  // R12 a walk-in, received at once with its reception sheet; the board keeps it apart from the booked arrivals.
  const walkIn = await stepOn(sa, WALK_IN, 'walk-in');
  await walkIn.locator('input[name=mileageKm]').fill('5200');
  await walkIn.locator('input[name=promisedReadyAt]').fill(storeLocal(Date.now() + 3 * 60 * MINUTE));
  await walkIn.locator('textarea[name=complaint]').fill('空调有异味');
  await walkIn.locator('select[name=fuelLevel]').selectOption('HALF');
  expect(await send(sa, walkIn)).toContain('已提交');
  expect(await stageOf(WALK_IN)).toBe('IN_SERVICE');
  await sa.goto(`${stack.base}/board`);
  expect(await sa.locator('section.walkins').textContent()).toContain('苏F40004');
  expect(await sa.locator('table.booked').textContent()).toContain('苏F40001');
  expect(await sa.locator('table.booked').textContent()).not.toContain('苏F40004');
  await screenshots(sa, 'board');

  // R10 the service manager names advisor and technician.
  const manager = await signInAs('SERVICE_MANAGER');
  await openTask(BOOKED, 'STAFF_ASSIGNMENT');
  const assign = await inboxForm(manager, 'STAFF_ASSIGNMENT', BOOKED);
  await assign.locator('select[name=advisorId]').selectOption(staffIdOf('SERVICE_ADVISOR'));
  await assign.locator('select[name=technicianId]').selectOption(staffIdOf('TECHNICIAN'));
  expect(await send(manager, assign)).toContain(BOOKED);

  // R12 check-in with the reception sheet; promised in a couple of minutes so the 80% check comes soon.
  const promised = Math.ceil((Date.now() + 2 * MINUTE) / MINUTE) * MINUTE;
  const checkIn = await stepOn(sa, BOOKED, 'check-in');
  await checkIn.locator('input[name=mileageKm]').fill('4300');
  await checkIn.locator('input[name=promisedReadyAt]').fill(storeLocal(promised));
  await checkIn.locator('select[name=fuelLevel]').selectOption('QUARTER');
  await checkIn.locator('textarea[name=walkAroundFindings]').fill('左后门划痕');
  await checkIn.locator('input[name=keyTag]').fill('K-12');
  await screenshots(sa, 'vehicle-check-in');
  expect(await send(sa, checkIn)).toContain('已提交');
  expect(await stageOf(BOOKED)).toBe('IN_SERVICE');
  await sa.goto(`${stack.base}/vehicles/${BOOKED}/repair-orders/1/print`);
  expect(await sa.locator('body').textContent()).toContain('左后门划痕');
  await screenshots(sa, 'repair-order');

  // R13 the technician reports extra work on the tablet page; the customer declines it on the advisor's call.
  const technician = await signInAs('TECHNICIAN');
  await technician.goto(`${stack.base}/workshop`);
  const job = technician.locator(`article[data-vin=${BOOKED}]`);
  await job.locator('input[name="items.0.description"]').fill('刹车片磨损');
  await job.locator('input[name="items.0.priceCny"]').fill('480');
  await job.locator('input[name="items.1.description"]').fill('雨刮片老化');
  await job.locator('input[name="items.1.priceCny"]').fill('90');
  await job.locator('input[name=extraHours]').fill('1');
  await screenshots(technician, 'workshop-technician');
  await Promise.all([technician.waitForNavigation(), job.locator('form.report button.primary').click()]);
  await openTask(BOOKED, 'ADDITIONAL_WORK_CALL');
  const decision = await inboxForm(sa, 'ADDITIONAL_WORK_CALL', BOOKED);
  await decision.locator('select[name=approved]').selectOption('false');
  expect(await send(sa, decision)).toContain(BOOKED);

  // R14 the 80% check: late, re-promised.
  await openTask(BOOKED, 'PROGRESS_CHECK', 3 * MINUTE);
  const progress = await stepOn(sa, BOOKED, 'progress-check');
  await progress.locator('select[name=onTime]').selectOption('false');
  await progress.locator('input[name=newPromisedReadyAt]').fill(storeLocal(Date.now() + 30 * MINUTE));
  expect(await send(sa, progress)).toContain('已提交');

  // R16 delivery and settlement.
  const delivery = await stepOn(sa, BOOKED, 'delivery');
  await delivery.locator('input[name=amountDueCny]').fill('680');
  await delivery.locator('input[name=amountPaidCny]').fill('680');
  expect(await send(sa, delivery)).toContain('已提交');

  // R17/R18 the follow-up call's low score, graded: a service-failure ticket, answered from the inbox.
  await openTask(BOOKED, 'FOLLOW_UP_CALL');
  const followUp = await stepOn(cr, BOOKED, 'follow-up');
  await followUp.locator('input[name=attitudeScore]').fill('6');
  await followUp.locator('input[name=qualityScore]').fill('5');
  await followUp.locator('textarea[name=comment]').fill('等待时间太长');
  await followUp.locator('select[name=failureGrade]').selectOption('C');
  await screenshots(cr, 'vehicle-follow-up');
  expect(await send(cr, followUp)).toContain('已提交');
  const ticketTask = await openTask(BOOKED, 'FAILURE_TICKET_ANSWER');
  const answerer = await signInAs(ticketTask.assigneeRole);
  const answer = await inboxForm(answerer, 'FAILURE_TICKET_ANSWER', BOOKED);
  await answer.locator('textarea[name=answer]').fill('已致电客户致歉，赠送一次免费保养');
  await screenshots(answerer, 'inbox-ticket');
  expect(await send(answerer, answer)).toContain('已提交');
  expect(await stack.db.task.findUniqueOrThrow({ where: { id: ticketTask.id } })).toMatchObject({ status: 'DONE' });

  // Every step above is in the car's timeline, each with the person who took it.
  await sa.goto(`${stack.base}/vehicles/${BOOKED}`);
  const actions = await sa.locator('table.timeline tr.human').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
  expect(actions).toEqual(expect.arrayContaining(['booking.confirmed', 'vehicle.checked-in', 'additional-work.declined', 'progress.delayed', 'vehicle.delivered']));
  await screenshots(sa, 'vehicle-day-done');
}, 300_000);

// Issue 16, a dealership's first day on its own empty database, through the pages alone in real Chromium
// against the running product (real Temporal dev server, PostgreSQL, worker): the one-time set-up link the
// first start prints creates the store and its general manager (there is no open sign-up form), who adds
// the people (each new account changes its temporary password at the first sign-in), the contact hours,
// opening hours, a holiday, bays, a technician and a car model with its service plan; then brings 500 cars
// in from a DMS export — a dry run first, refused rows with their reasons in Chinese, overdue cars spread
// over days — and customer relations makes the first reminder call, booking a free time of the slot picker.
// Nothing is written to the database but by the product; the test only reads it to check outcomes.
import type { Browser, Locator, Page } from 'playwright-core';
import { DEFAULT_OVERDUE_PER_DAY } from '../../commands/dmsImport';
import { offerFirstAccount } from '../../commands/firstAccount';
import { addDays, localDate } from '../../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { artifact, launchChromium } from '../support/browser';
import { ProductStack, startProductStack } from '../support/productStack';

// 500 cars are 1,000 workflow starts (lifecycle and care); the product reads the rate when the first import starts.
process.env.IMPORT_STARTS_PER_SECOND = '100';

const OFFSET = DEFAULT_STORE_SETTINGS.utcOffsetMinutes;
const STORE = 'nj-4s';
const GM = { id: 'gm-sun', name: '孙总', password: 'Gm-Onboard-2026' };
const CR = { id: 'cr-lin', name: '林客服', role: 'CUSTOMER_RELATIONS', password: 'Cr-Onboard-2026' };
const PEOPLE = [CR, { id: 'sa-gao', name: '高顾问', role: 'SERVICE_ADVISOR' }, { id: 'td-fang', name: '方总监', role: 'TECHNICAL_DIRECTOR' }, { id: 'tech-he', name: '何师傅', role: 'TECHNICIAN' }];
const MODEL = '朗逸';
const OVERDUE = 80;
const PER_DAY = DEFAULT_OVERDUE_PER_DAY;

let stack: ProductStack;
let browser: Browser;
let setupToken: string;

beforeAll(async () => {
  // An empty database: no demo store, nobody to sign in.
  [stack, browser] = await Promise.all([startProductStack(async () => undefined), launchChromium()]);
  // What `npm start` does on an empty database before it prints the link.
  const token = await offerFirstAccount(stack.db, new Date());
  if (!token) throw new Error('an empty database was offered no set-up link');
  setupToken = token;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const chinaToday = () => localDate(Date.now(), OFFSET);

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  return context.newPage();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: artifact(`onboarding-${name}.png`), fullPage: true });
}

/** Sends a form the way a person does and waits for the page it answers with. */
async function submit(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response?.status() ?? 0;
}

async function signIn(staffId: string, password: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${stack.base}/login`);
  await page.fill('input[name=staffId]', staffId);
  await page.fill('input[name=password]', password);
  await submit(page, page.locator('button.primary'));
  return page;
}

const vinOf = (i: number) => `LFV3A2${String(i).padStart(11, '0')}`;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '欧阳', '司马'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '志明'];
const BAD_DATE_LINE = 101;
const BAD_VIN_LINE = 402;

/**
 * A DMS export of 500 cars, UTF-8 with BOM and Chinese headers as a DMS writes them: OVERDUE cars last
 * serviced eight months ago (their reminder is owed now), cars serviced two months ago, cars delivered a
 * month ago and never serviced; dates and phones in the shapes DMSes use; one row with no date a person can
 * read and one with a VIN that cannot be one.
 */
function dmsExport(today: string): Buffer {
  const header = ['车架号', '车牌号', '车型', '交车日期', '里程', '上次保养日期', '上次保养里程', '客户姓名', '手机'];
  const formats = [(d: string) => d, (d: string) => d.replace(/-0?/g, '/'), (d: string) => `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`];
  const rows: string[][] = [header];
  for (let i = 0; i < 500; i++) {
    const kind = i < OVERDUE ? 'overdue' : i < 300 ? 'serviced' : 'new';
    const delivered = addDays(today, kind === 'overdue' ? -800 : kind === 'serviced' ? -400 : -30);
    const last = kind === 'overdue' ? { date: addDays(today, -240), km: 30000 } : kind === 'serviced' ? { date: addDays(today, -60), km: 15000 } : undefined;
    const f = formats[i % 3];
    const phone = 13910000000 + i;
    rows.push([
      vinOf(i),
      `苏A·${String(i).padStart(5, '0')}`,
      MODEL,
      f(delivered),
      String(last?.km ?? 1500),
      last ? f(last.date) : '',
      last ? String(last.km) : '',
      `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`,
      i % 4 === 0 ? `+86 ${String(phone).slice(0, 3)} ${String(phone).slice(3, 7)} ${String(phone).slice(7)}` : String(phone),
    ]);
  }
  rows[BAD_DATE_LINE - 1][3] = '明天';
  rows[BAD_VIN_LINE - 1][0] = 'LFV3A2IOQ00000401';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n')]);
}

test('issue 16: from an empty database to the first reminder call, through the pages alone', async () => {
  const started = Date.now();
  const base = stack.base;

  // The set-up link opens the form once; anything else under /setup is no way in.
  const anonymous = await newPage();
  expect((await anonymous.goto(`${base}/setup/not-the-token`))?.status()).toBe(404);
  expect((await anonymous.goto(`${base}/setup/${setupToken}`))?.status()).toBe(200);
  const setup = anonymous.locator('form[data-form=setup]');
  await setup.locator('input[name=storeId]').fill(STORE);
  await setup.locator('input[name=storeName]').fill('南京大众4S店');
  await setup.locator('input[name=staffId]').fill(GM.id);
  await setup.locator('input[name=name]').fill(GM.name);
  await setup.locator('input[name=password]').fill(GM.password);
  await setup.locator('input[name=confirmPassword]').fill(GM.password);
  await shot(anonymous, 'setup-link');
  await submit(anonymous, setup.locator('button.primary'));
  // The manager goes on signed in, on their store's staff page; the link has done its one job.
  expect(new URL(anonymous.url()).pathname).toBe(`/stores/${STORE}/staff`);
  expect(await anonymous.locator(`tr[data-staff="${GM.id}"]`).getAttribute('data-role')).toBe('GENERAL_MANAGER');
  expect((await (await newPage()).goto(`${base}/setup/${setupToken}`))?.status()).toBe(404);

  // The general manager signs in with the password they chose (no forced change: nobody else knows it).
  const gm = await signIn(GM.id, GM.password);
  expect(new URL(gm.url()).pathname).toBe('/manager');
  await shot(gm, 'manager');

  // Staff: each new account gets a temporary password, shown on this answer only.
  const temporary = new Map<string, string>();
  for (const person of PEOPLE) {
    await gm.goto(`${base}/stores/${STORE}/staff`);
    const add = gm.locator('form[data-form=add]');
    await add.locator('input[name=id]').fill(person.id);
    await add.locator('input[name=name]').fill(person.name);
    await add.locator('select[name=role]').selectOption(person.role);
    expect(await submit(gm, add.locator('button.primary'))).toBe(201);
    const shown = gm.locator(`section.temporary-password[data-staff="${person.id}"] [data-temporary-password]`);
    temporary.set(person.id, ((await shown.textContent()) ?? '').trim());
    expect(temporary.get(person.id)!.length).toBeGreaterThanOrEqual(10);
  }
  await shot(gm, 'staff');
  await gm.goto(`${base}/stores/${STORE}/staff`);
  expect(await gm.locator('[data-temporary-password]').count()).toBe(0);
  for (const person of PEOPLE) expect(await gm.locator(`tr[data-staff="${person.id}"]`).getAttribute('data-role')).toBe(person.role);

  // Customer relations' first sign-in goes to the password change before anything else.
  const cr = await signIn(CR.id, temporary.get(CR.id)!);
  expect(new URL(cr.url()).pathname).toBe('/password');
  expect(await cr.locator('[data-forced]').count()).toBe(1);
  await cr.fill('input[name=currentPassword]', temporary.get(CR.id)!);
  await cr.fill('input[name=newPassword]', CR.password);
  await cr.fill('input[name=confirmPassword]', CR.password);
  await shot(cr, 'password-change');
  await submit(cr, cr.locator('form[data-form=password] button.primary'));
  expect(new URL(cr.url()).pathname).toBe('/inbox');
  expect(await stack.db.staff.findUniqueOrThrow({ where: { id: CR.id } })).toMatchObject({ mustChangePassword: false });

  // The store answers the phone around the clock, so the calls owed today are owed whatever the hour the test runs.
  await gm.goto(`${base}/stores/${STORE}/settings`);
  const settings = gm.locator('form[data-form=settings]');
  for (const [key, value] of [['contactStartTime', '00:00'], ['contactEndTime', '24:00'], ['messageStartTime', '00:00'], ['messageEndTime', '23:59']]) await settings.locator(`input[name=${key}]`).fill(value);
  await submit(gm, settings.locator('button.primary'));
  expect(await gm.locator('.flash.ok').textContent()).toContain('已保存 4 项设置');
  expect(await gm.locator('tr[data-setting=contactEndTime] input').inputValue()).toBe('24:00');
  await shot(gm, 'settings');

  // Opening hours (Sundays closed), a holiday, bays and a technician on the set-up page.
  const today = chinaToday();
  const holiday = addDays(today, 10);
  await gm.goto(`${base}/stores/${STORE}/setup`);
  const hours = gm.locator('form[data-form=hours]');
  // A store that keeps no hours yet offers its contact hours every day: Monday to Saturday get the real ones.
  for (let i = 0; i < 6; i++) {
    await hours.locator(`input[name="days.${i}.closed"]`).uncheck();
    await hours.locator(`input[name="days.${i}.opensAt"]`).fill('08:00');
    await hours.locator(`input[name="days.${i}.closesAt"]`).fill('18:00');
  }
  await hours.locator('input[name="days.6.closed"]').check();
  await submit(gm, hours.locator('button.primary'));
  expect(await gm.locator('form[data-form=hours] .form-error, form[data-form=hours] .field-error').allTextContents()).toEqual([]);
  const holidayForm = gm.locator('form[data-form=holiday]');
  await holidayForm.locator('input[name=date]').fill(holiday);
  await holidayForm.locator('input[name=name]').fill('店庆');
  await submit(gm, holidayForm.locator('button.primary'));
  expect(await gm.locator(`#holidays tr[data-date="${holiday}"]`).textContent()).toContain('店庆');
  for (const [name, kind] of [['快保1号', 'QUICK_SERVICE'], ['机修1号', 'GENERAL_REPAIR'], ['机修2号', 'GENERAL_REPAIR']]) {
    const bay = gm.locator('form[data-form=bay-new]');
    await bay.locator('input[name=name]').fill(name);
    await bay.locator('select[name=kind]').selectOption(kind);
    await submit(gm, bay.locator('button.primary'));
  }
  expect(await gm.locator('#bays tr[data-bay]').count()).toBe(3);
  const technician = gm.locator('form[data-form=technician-new]');
  await technician.locator('select[name=staffId]').selectOption('tech-he');
  await technician.locator('input[name=skills][value=QUICK_SERVICE]').check();
  await technician.locator('input[name=skills][value=GENERAL_REPAIR]').check();
  for (const weekday of [1, 2, 3, 4, 5, 6]) {
    await technician.locator(`input[name="shift.${weekday}.start"]`).fill('08:00');
    await technician.locator(`input[name="shift.${weekday}.end"]`).fill('17:30');
  }
  await submit(gm, technician.locator('button.primary'));
  expect(await gm.locator('#technicians tr[data-technician="tech-he"]').count()).toBe(1);

  // The car model the export names, with its service plan (R1: six months or 7,500 km).
  const plan = gm.locator('form[data-form=plan-new]');
  await plan.locator('input[name=model]').fill(MODEL);
  await plan.locator('input[name=intervalMonths]').fill('6');
  await plan.locator('input[name=intervalKm]').fill('7500');
  await plan.locator('input[name=laborHours]').fill('1.2');
  await plan.locator('input[name=estimateCny]').fill('680');
  await submit(gm, plan.locator('button.primary'));
  expect(await gm.locator(`#plans tr[data-model="${MODEL}"]`).textContent()).toContain('7500');
  const days = await gm.locator('form[data-form=hours] tr[data-weekday]').evaluateAll((rows) => rows.map((r) => (r.querySelector('input[type=checkbox]') as { checked: boolean } | null)?.checked));
  expect(days).toEqual([false, false, false, false, false, false, true]);
  await shot(gm, 'store-setup');

  // The import: upload, dry run, read the report.
  await gm.goto(`${base}/stores/${STORE}/imports`);
  await gm.locator('form[data-form=import-upload] select[name=kind]').selectOption('VEHICLES');
  await gm.locator('form[data-form=import-upload] input[name=file]').setInputFiles({ name: 'DMS车辆导出.csv', mimeType: 'text/csv', buffer: dmsExport(today) });
  await shot(gm, 'imports');
  await submit(gm, gm.locator('form[data-form=import-upload] button'));
  expect(await gm.locator('h1').textContent()).toContain('500');
  // Chinese headers are recognised: the mapping is guessed, nobody has to choose a column.
  expect(await gm.locator('select[name="map.lastServiceDate"]').inputValue()).toBe('上次保养日期');
  const dayBefore = chinaToday();
  await submit(gm, gm.locator('form[data-form=import-dry-run] button'));
  const dayAfter = chinaToday();
  const count = async (action: string) => Number(await gm.locator(`li[data-count=${action}] strong`).textContent());
  expect([await count('CREATE'), await count('UPDATE'), await count('UNCHANGED'), await count('REFUSED')]).toEqual([498, 0, 0, 2]);
  expect(await gm.locator(`tr[data-line="${BAD_DATE_LINE}"]`).getAttribute('data-action')).toBe('REFUSED');
  expect(await gm.locator(`tr[data-line="${BAD_DATE_LINE}"] .reason`).first().textContent()).toContain('“明天”不是日期');
  expect(await gm.locator(`tr[data-line="${BAD_VIN_LINE}"] .reason`).first().textContent()).toContain('车架号须为 17 位字母或数字');
  // R2/R3: 80 overdue cars, at most 50 first contacts a day — today's date as the store reckons it.
  const contactDays = await gm.locator('[data-contact-day]').evaluateAll((els) => els.map((e) => e.getAttribute('data-contact-day')));
  expect([dayBefore, dayAfter]).toContain(contactDays[0]);
  expect(contactDays).toEqual([contactDays[0], addDays(contactDays[0]!, 1)]);
  expect(await gm.locator(`[data-contact-day="${contactDays[0]}"]`).textContent()).toContain(`: ${PER_DAY}`);
  expect(await gm.locator(`[data-contact-day="${contactDays[1]}"]`).textContent()).toContain(`: ${OVERDUE - PER_DAY}`);
  await shot(gm, 'import-dry-run');

  // The run: the page refreshes itself with its progress until the import is done.
  const runStarted = Date.now();
  await submit(gm, gm.locator('form[data-form=import-run] button'));
  if (await gm.locator('progress.import-progress').count()) await shot(gm, 'import-running');
  await gm.locator('.badge[data-status=DONE]').waitFor({ timeout: 200_000 });
  console.log(`[onboarding] 500 cars imported in ${((Date.now() - runStarted) / 1000).toFixed(1)} s`);
  expect([await count('CREATE'), await count('REFUSED')]).toEqual([498, 2]);
  await shot(gm, 'import-done');
  // A car's row comes with its lifecycle's first step, a moment after the import started it.
  let cars = await stack.db.vehicle.count({ where: { storeId: STORE } });
  for (const deadline = Date.now() + 30_000; cars < 498 && Date.now() < deadline; cars = await stack.db.vehicle.count({ where: { storeId: STORE } })) await new Promise((r) => setTimeout(r, 250));
  expect(cars).toBe(498);

  // Customer relations signs in with the password they chose and finds a reminder call in the inbox.
  const crAgain = await signIn(CR.id, CR.password);
  expect(new URL(crAgain.url()).pathname).toBe('/inbox');
  const task = crAgain.locator('li.task[data-kind=REMINDER_CALL]').first();
  for (const deadline = Date.now() + 60_000; (await task.count()) === 0; await crAgain.reload()) {
    if (Date.now() > deadline) throw new Error('no reminder call in the inbox');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const vin = (await task.getAttribute('data-vin'))!;
  expect(Number(vin.slice(-11))).toBeLessThan(OVERDUE);
  await shot(crAgain, 'inbox');

  // The call books the car on a free time of the slot picker, an hour or more ahead so it is still free when sent.
  await Promise.all([crAgain.waitForNavigation(), task.locator(`a[href="/vehicles/${vin}"]`).first().click()]);
  expect(await crAgain.locator('p.stage').getAttribute('data-stage')).toBe('AWAITING_CALL_OUTCOME');
  const call = crAgain.locator('details[data-step="call-outcome"]');
  if ((await call.getAttribute('open')) === null) await call.locator('summary').click();
  await call.locator('select[name=outcome]').selectOption('BOOKED');
  const soonest = new Date(Date.now() + (60 + OFFSET) * 60_000).toISOString().slice(0, 16);
  const free = await call.locator('fieldset.slot-picker label.slot.free input').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value') ?? ''));
  const chosen = free.find((local) => local >= soonest);
  if (!chosen) throw new Error(`no free time an hour ahead among ${free.join(', ')}`);
  await call.locator(`fieldset.slot-picker label.slot.free input[value="${chosen}"]`).check();
  await shot(crAgain, 'vehicle-call');
  await submit(crAgain, call.locator('form button.primary'));
  expect(await crAgain.locator('.flash').first().textContent()).toContain('已提交');
  const booking = await stack.db.booking.findFirstOrThrow({ where: { vin } });
  expect(new Date(booking.bookedFor.getTime() + OFFSET * 60_000).toISOString().slice(0, 16)).toBe(chosen);

  // The lifecycle moves on: the workshop is to prepare the booking (R6).
  for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 500))) {
    await crAgain.goto(`${base}/vehicles/${vin}`);
    if ((await crAgain.locator('p.stage').getAttribute('data-stage')) === 'AWAITING_PREPARATION') break;
    if (Date.now() > deadline) throw new Error(`${vin} did not reach AWAITING_PREPARATION`);
  }
  await shot(crAgain, 'vehicle-booked');
  console.log(`[onboarding] the whole day in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 330_000);

// The store's set-up and settings pages (issue 16), rendered by the product's own app over a real
// PostgreSQL (Temporal is never reached): every setting with its rule, its allowed values and when a change
// applies; forms for the managers only, refused ones shown again with the reasons beside the fields and the
// values kept; the bookings a change left out listed with a link to each vehicle.
import { createDb, Db } from '../../activities/database';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { openSession } from '../../api/auth/sessions';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { SETTINGS_CATALOGUE } from '../../domain/storeSettingsCatalogue';
import { applyMigrations } from '../../runtime/migrate';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { rangeText } from '../../web/pages/storeSetup';
import { STORE_SETUP_TEXT } from '../../web/text/storeSetup';
import { DatabaseOnlyWeb, startDatabaseOnlyWeb } from '../support/databaseOnlyApi';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff } from '../support/staff';

const STORE = 'store-pages';
const OTHER = 'store-pages-other';
const OFFSET = 480;
const DAY = addDays(localDate(Date.now(), OFFSET), 3);
const VIN = 'LFV2A21K8P4077701';

let postgres: TestPostgres;
let db: Db;
let web: DatabaseOnlyWeb;
let base: string;

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '南通示范店', settings: { reminderLeadDays: 14 } } });
  await db.store.create({ data: { id: OTHER, name: '另一家店' } });
  await seedWorkshop(db, { storeId: STORE, bays: { GENERAL_REPAIR: 1 }, technicians: { GENERAL_REPAIR: 1 } });
  await addStaff(db, [
    { id: 'sm-p', storeId: STORE, role: 'SERVICE_MANAGER' },
    { id: 'sa-p', storeId: STORE, role: 'SERVICE_ADVISOR' },
    { id: 'sm-other', storeId: OTHER, role: 'SERVICE_MANAGER' },
  ]);
  const customer = await db.customer.create({ data: { storeId: STORE, name: '周女士', phone: '13900007701' } });
  await db.vehicle.create({ data: { vin: VIN, plate: '苏F77701', model: 'Sagitar', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-01-01'), mileageKm: 9000, mileageRecordedAt: new Date(), avgDailyKm: 30, workflowId: `lifecycle-${VIN}` } });
  await serviceStepActivities(db).bookInbound(
    { workflowId: `lifecycle-${VIN}`, runId: 'run-1', vin: VIN, cycle: 1, at: new Date().toISOString() },
    { input: { actor: 'sa-p', channel: 'PHONE', bookedFor: new Date(localTime(DAY, '10:00', OFFSET)).toISOString(), faultDescription: '定期保养', contactPhone: '13900007701' }, storeId: STORE },
  );
  web = await startDatabaseOnlyWeb(db);
  base = web.base;
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function webPage(actor: string, path: string, form?: [string, string][], lang?: 'en'): Promise<{ status: number; html: string; headers: Headers }> {
  const session = await openSession(db, actor, 'WEB', new Date());
  const res = await fetch(`${base}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: `sl_session=${session.token}${lang ? '; sl_lang=en' : ''}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams([['_csrf', session.csrfToken], ...form]) : undefined,
  });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The table row of a setting, a booking or a weekday. */
const row = (html: string, attribute: string, value: string) => {
  const start = html.indexOf(`<tr ${attribute}="${value}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</tr>', start));
};

const zh = (key: string) => STORE_SETUP_TEXT[key][0];
/** Text as the page escapes it. */
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

test('the settings page lists every store setting with its rule, its allowed values, its value and when a change applies — read only for an advisor', async () => {
  const { status, html } = await webPage('sa-p', `/stores/${STORE}/settings`);
  expect(status).toBe(200);
  for (const [key, info] of Object.entries(SETTINGS_CATALOGUE)) {
    const tr = row(html, 'data-setting', key);
    expect([key, tr.includes(`<code>${key}</code>`)]).toEqual([key, true]);
    expect([key, tr]).toEqual([key, expect.stringContaining(`<span class="rule">${info.rule}</span>`)]);
    expect([key, tr]).toEqual([key, expect.stringContaining(`<td class="range">${escaped(rangeText('zh', info.range))}</td>`)]);
    expect([key, tr]).toEqual([key, expect.stringContaining(escaped(zh(`setting.${key}`)))]);
    for (const effect of info.effects) expect([key, tr]).toEqual([key, expect.stringContaining(escaped(zh(`settingEffect.${effect}`)))]);
  }
  expect(html.match(/<tr data-setting=/g)).toHaveLength(Object.keys(DEFAULT_STORE_SETTINGS).length);
  // The store's own value, and the default beside it; quiet hours among them.
  expect(row(html, 'data-setting', 'reminderLeadDays')).toMatch(/<span class="current">14<\/span>\s*<div class="muted">本店值 · 默认值 13<\/div>/);
  expect(row(html, 'data-setting', 'messageEndTime')).toContain('<span class="current">20:00</span>');
  expect(html).not.toContain(`action="/stores/${STORE}/settings"`);
  expect(html).toContain('id="read-only"');
  // Everyone of the store finds the set-up in the navigation.
  expect(/<nav>([\s\S]*?)<\/nav>/.exec(html)![1]).toContain(`href="/stores/${STORE}/setup"`);

  const english = await webPage('sa-p', `/stores/${STORE}/settings`, undefined, 'en');
  expect(row(english.html, 'data-setting', 'slotGridMinutes')).toContain('<td class="range">a whole number from 5 to 240, a multiple of 5</td>');
  expect(row(english.html, 'data-setting', 'messageStartTime')).toContain('Quiet hours end');
});

test('a manager edits the settings; an unusable value comes back beside its field with what was typed, and nothing changes', async () => {
  const page = await webPage('sm-p', `/stores/${STORE}/settings`);
  expect(page.html).toContain(`action="/stores/${STORE}/settings"`);
  expect(row(page.html, 'data-setting', 'reminderLeadDays')).toContain('name="reminderLeadDays" value="14"');
  const refused = await webPage('sm-p', `/stores/${STORE}/settings`, [
    ['reminderLeadDays', '-3'],
    ['messageStartTime', '25:00'],
    ['callLeadDays', '11'],
  ]);
  expect(refused.status).toBe(422);
  expect(row(refused.html, 'data-setting', 'reminderLeadDays')).toMatch(/name="reminderLeadDays" value="-3"[^>]*aria-invalid="true">\s*<span class="field-error" data-field="reminderLeadDays">不可用，允许 0 至 3,650 的整数<\/span>/);
  expect(row(refused.html, 'data-setting', 'messageStartTime')).toContain('<span class="field-error" data-field="messageStartTime">不可用，允许 时间 00:00–23:59</span>');
  expect(row(refused.html, 'data-setting', 'callLeadDays')).not.toContain('field-error');
  expect((await db.store.findUniqueOrThrow({ where: { id: STORE } })).settings).toEqual({ reminderLeadDays: 14 });
  expect(await db.storeAuditEvent.count({ where: { storeId: STORE, action: 'store-settings.changed' } })).toBe(0);
  // An advisor may not send the form at all.
  expect((await webPage('sa-p', `/stores/${STORE}/settings`, [['reminderLeadDays', '10']])).status).toBe(403);
});

test('the set-up page: read only for an advisor, another store\'s does not exist for its manager', async () => {
  const advisor = await webPage('sa-p', `/stores/${STORE}/setup`);
  expect(advisor.status).toBe(200);
  expect(row(advisor.html, 'data-weekday', '1')).toContain('08:30–17:30');
  expect(advisor.html).toContain(`<tr data-bay="${STORE}-general-1">`);
  expect(advisor.html).not.toContain('action="/stores/');
  expect((await webPage('sa-p', `/stores/${STORE}/setup/bays`, [['name', '机修 2'], ['kind', 'GENERAL_REPAIR']])).status).toBe(403);
  expect((await webPage('sm-other', `/stores/${STORE}/setup`)).status).toBe(404);
});

test('a refused set-up form comes back with the reasons beside its fields in Chinese and the values kept', async () => {
  const week: [string, string][] = [0, 1, 2, 3, 4, 5, 6].flatMap((i) => [
    [`days.${i}.opensAt`, i === 0 ? '17:00' : '08:30'],
    [`days.${i}.closesAt`, i === 0 ? '09:00' : i === 1 ? '25:00' : '17:30'],
  ]);
  const refused = await webPage('sm-p', `/stores/${STORE}/setup/opening-hours`, week);
  expect(refused.status).toBe(400);
  const monday = row(refused.html, 'data-weekday', '1');
  expect(monday).toContain('name="days.0.opensAt" value="17:00"');
  expect(monday).toContain('<span class="field-error" data-field="days.0.closesAt">须晚于开门时间</span>');
  expect(row(refused.html, 'data-weekday', '2')).toContain('<span class="field-error" data-field="days.1.closesAt">须为时间 时:分（00:00–24:00）</span>');
  expect(await db.storeOpeningHours.count({ where: { storeId: STORE, opensAt: '17:00' } })).toBe(0);

  const bay = await webPage('sm-p', `/stores/${STORE}/setup/bays`, [['name', '洗车位'], ['kind', '']]);
  expect(bay.status).toBe(400);
  const form = bay.html.slice(bay.html.indexOf('data-form="bay-new"'));
  expect(form.slice(0, form.indexOf('</form>'))).toMatch(/name="name" value="洗车位"[\s\S]*<span class="field-error" data-field="kind">须为快修、机修或钣喷之一<\/span>/);
});

test('a closed day added on the page: the booking it leaves out is listed to move, with its plate, time, bay and a link to the vehicle', async () => {
  const added = await webPage('sm-p', `/stores/${STORE}/setup/holidays`, [['date', DAY], ['name', '盘点日']]);
  expect(added.status).toBe(302);
  expect(added.headers.get('location')).toBe(`/stores/${STORE}/setup#to-move`);
  expect(decodeURIComponent(added.headers.get('set-cookie') ?? '')).toContain('受影响的预约 1 个');
  const page = await webPage('sm-p', `/stores/${STORE}/setup`);
  const booking = await db.booking.findFirstOrThrow({ where: { vin: VIN } });
  const listed = row(page.html, 'data-booking', booking.id);
  expect(listed).toContain(`<a href="/vehicles/${VIN}">苏F77701</a>`);
  expect(listed).toContain(`${DAY} 10:00`);
  expect(listed).toContain('<td>general 1</td>');
  expect(listed).toContain('当天为休息日');
  expect(row(page.html, 'data-date', DAY)).toContain('盘点日');
  expect(row(page.html, 'data-action', 'holiday.added')).toContain('sm-p');
  // Opened again, the booking fits and leaves the list.
  expect((await webPage('sm-p', `/stores/${STORE}/setup/holidays/${DAY}/remove`, [])).status).toBe(302);
  expect(row((await webPage('sm-p', `/stores/${STORE}/setup`)).html, 'data-booking', booking.id)).toBe('');
});

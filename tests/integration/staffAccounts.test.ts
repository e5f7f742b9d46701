// Staff accounts (issue 16) over the API and the pages, on a real PostgreSQL (Temporal is never reached):
// a manager adds a person, who must choose their own password before anything else; disabling ends a live
// session at once; a service manager gives no role above their own reach and never touches another
// store's people; a leaving sales consultant's customers move in one audited step (R22); no audit event
// ever holds a password or its hash. And the first account of an empty database: a one-time set-up link,
// and the shell command.
import { execFile } from 'node:child_process';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { openSession } from '../../api/auth/sessions';
import { offerFirstAccount } from '../../commands/firstAccount';
import { applyMigrations } from '../../runtime/migrate';
import { createWebRouter } from '../../web/router';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff, signIn, TEST_PASSWORD } from '../support/staff';

const STORE = 'store-sa';
const OTHER = 'store-sb';

let postgres: TestPostgres;
let db: Db;
let connection: Connection;
const servers: Server[] = [];
let base: string;
/** Every password this suite typed or was shown: none may appear in an audit event. */
const passwords = new Set<string>([TEST_PASSWORD]);

interface Answer {
  status: number;
  json: any;
  text: string;
}

async function listen(database: Db): Promise<string> {
  const client = new Client({ connection });
  const server = createApp({ client, db: database, routers: [createWebRouter({ client, db: database, temporalUiUrl: 'http://127.0.0.1:8233' })] }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '南通示范店' } });
  await db.store.create({ data: { id: OTHER, name: '如皋店' } });
  await addStaff(db, [
    { id: 'gm', storeId: STORE, role: 'GENERAL_MANAGER', allStores: true, name: '何总' },
    { id: 'sm-a', storeId: STORE, role: 'SERVICE_MANAGER', name: '王经理' },
    { id: 'sa-a', storeId: STORE, role: 'SERVICE_ADVISOR', name: '李顾问' },
    { id: 'sc-leaving', storeId: STORE, role: 'SALES_CONSULTANT', name: '周销售' },
    { id: 'sc-stays', storeId: STORE, role: 'SALES_CONSULTANT', name: '吴销售' },
    { id: 'sc-away', storeId: STORE, role: 'SALES_CONSULTANT', name: '郑销售' },
    { id: 'sm-b', storeId: OTHER, role: 'SERVICE_MANAGER', name: '孙经理' },
    { id: 'sc-b', storeId: OTHER, role: 'SALES_CONSULTANT', name: '钱销售' },
  ]);
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  base = await listen(db);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await connection?.close().catch(() => undefined);
  await db?.$disconnect();
  await postgres?.stop();
});

async function send(token: string, method: string, url: string, body?: unknown, at = base): Promise<Answer> {
  const res = await fetch(`${at}${url}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

const tokens = new Map<string, Promise<string>>();
function as(staffId: string) {
  if (!tokens.has(staffId)) tokens.set(staffId, signIn(base, staffId));
  return async (method: string, url: string, body?: unknown) => send(await tokens.get(staffId)!, method, url, body);
}

/** A refusal is `{ error: reason }` with its status, never a stack trace. */
function expectRefusal(answer: Answer, status: number, reason: RegExp) {
  expect({ status: answer.status, error: answer.json?.error }).toEqual({ status, error: expect.stringMatching(reason) });
  expect(answer.text).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
}

async function apiSignIn(staffId: string, password: string, at = base): Promise<{ status: number; token: string; staff: any }> {
  const res = await fetch(`${at}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId, password }) });
  const json = (await res.json()) as { token: string; staff: unknown };
  return { status: res.status, token: json.token, staff: json.staff };
}

/** Signs in through the sign-in form (CSRF double-submit) and answers where it sends the person, with the session cookie. */
async function webSignIn(staffId: string, password: string): Promise<{ status: number; location: string | null; cookie: string }> {
  const form = await fetch(`${base}/login`);
  const loginCookie = form.headers.get('set-cookie')!.split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie }, body: new URLSearchParams({ _csrf: csrf, staffId, password }) });
  return { status: res.status, location: res.headers.get('location'), cookie: /sl_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '' };
}

async function page(cookie: string, url: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; html: string; setCookie: string }> {
  const res = await fetch(`${base}${url}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text(), setCookie: res.headers.get('set-cookie') ?? '' };
}

/** A manager's web session: the cookie and its CSRF token for the forms. */
async function webSession(staffId: string) {
  const s = await openSession(db, staffId, 'WEB', new Date());
  return { cookie: `sl_session=${s.token}`, csrf: s.csrfToken };
}

const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
const flashOf = (setCookie: string) => JSON.parse(decodeURIComponent(/sl_flash=([^;]+)/.exec(setCookie)![1]));
const fieldError = (html: string, field: string) => new RegExp(`<span class="field-error" data-field="${field}">([^<]*)</span>`).exec(html)?.[1];

test('a new person signs in with the temporary password, must choose their own first (web and API), then works', async () => {
  const added = await as('sm-a')('POST', `/api/stores/${STORE}/staff`, { id: 'sa-wang', name: '王小明', role: 'SERVICE_ADVISOR', phone: '13900001111' });
  expect(added.status).toBe(201);
  expect(added.json.staff).toEqual(expect.objectContaining({ id: 'sa-wang', name: '王小明', role: 'SERVICE_ADVISOR', storeId: STORE, active: true, allStores: false, mustChangePassword: true }));
  expect(added.json.staff).not.toHaveProperty('passwordHash');
  const temporary: string = added.json.temporaryPassword;
  expect(temporary).toMatch(/^[a-z2-9]{12}$/);
  passwords.add(temporary);

  // Over the API: a token that opens only the password change.
  const signedIn = await apiSignIn('sa-wang', temporary);
  expect(signedIn.status).toBe(201);
  expect(signedIn.staff).toMatchObject({ id: 'sa-wang', mustChangePassword: true });
  for (const url of [`/api/stores/${STORE}/settings`, '/api/workflows', '/api/outbox']) {
    expectRefusal(await send(signedIn.token, 'GET', url), 403, /^choose your own password first: POST \/api\/session\/password/);
  }
  expect((await send(signedIn.token, 'GET', '/api/session')).json.staff).toMatchObject({ id: 'sa-wang', mustChangePassword: true });

  // On the web: every page sends them to the password page.
  const web = await webSignIn('sa-wang', temporary);
  expect([web.status, web.location]).toEqual([303, '/password']);
  for (const url of ['/inbox', '/board', '/']) expect(await page(web.cookie, url)).toMatchObject({ status: 303, location: '/password' });
  const passwordPage = await page(web.cookie, '/password');
  expect(passwordPage.status).toBe(200);
  expect(passwordPage.html).toContain('您正在使用他人设定的密码');

  // The rules: at least 10 characters, not the staff id, not the temporary one, with the right current password.
  const change = (body: unknown) => send(signedIn.token, 'POST', '/api/session/password', body);
  expectRefusal(await change({ currentPassword: temporary, newPassword: 'short' }), 400, /^newPassword: must have at least 10 characters$/);
  expectRefusal(await change({ currentPassword: temporary, newPassword: 'SA-WANG' }), 400, /^newPassword: must have at least 10 characters$/);
  expectRefusal(await change({ currentPassword: 'not-the-password', newPassword: '王小明的新密码很长很长' }), 400, /^currentPassword: is not your current password$/);
  expectRefusal(await change({ currentPassword: temporary, newPassword: temporary }), 400, /^newPassword: must differ from the current password$/);
  const chosen = '王小明的新密码很长很长';
  passwords.add(chosen);
  const changed = await change({ currentPassword: temporary, newPassword: chosen });
  expect(changed.status).toBe(200);
  expect(changed.json).toMatchObject({ staff: { id: 'sa-wang', mustChangePassword: false }, otherSessionsEnded: 1 });

  // The same token now works; the web session opened with the temporary password has ended.
  expect((await send(signedIn.token, 'GET', `/api/stores/${STORE}/settings`)).status).toBe(200);
  expect(await page(web.cookie, '/inbox')).toMatchObject({ status: 302, location: '/login?next=%2Finbox' });
  expect((await apiSignIn('sa-wang', temporary)).status).toBe(401);
  const again = await webSignIn('sa-wang', chosen);
  expect([again.status, again.location]).toEqual([302, '/inbox']);
  expect((await page(again.cookie, '/board')).status).toBe(200);
});

test('five wrong current passwords lock the password change for 15 minutes, counted across API processes', async () => {
  const added = await as('sm-a')('POST', `/api/stores/${STORE}/staff`, { id: 'sa-guess', name: '郭猜', role: 'SERVICE_ADVISOR' });
  const temporary: string = added.json.temporaryPassword;
  passwords.add(temporary);
  const { token } = await apiSignIn('sa-guess', temporary);
  const other = await listen(db);
  const chosen = '郭猜自己选的一个新密码';
  passwords.add(chosen);
  // Guesses alternate between two API processes on one database: the limit is one.
  for (let i = 0; i < 5; i++) {
    expectRefusal(await send(token, 'POST', '/api/session/password', { currentPassword: `guess-${i}-wrong`, newPassword: chosen }, i % 2 ? other : base), 400, /^currentPassword: is not your current password$/);
  }
  expectRefusal(await send(token, 'POST', '/api/session/password', { currentPassword: temporary, newPassword: chosen }, other), 429, /^too many wrong current passwords; try again later$/);
  expect((await db.staff.findUniqueOrThrow({ where: { id: 'sa-guess' } })).mustChangePassword).toBe(true);
});

test('a password equal to the staff id is refused, by length or by the rule itself', async () => {
  const added = await as('sm-a')('POST', `/api/stores/${STORE}/staff`, { id: 'cr-long-staff-id', name: '赵客服', role: 'CUSTOMER_RELATIONS', initialPassword: 'cr-long-staff-id' });
  expectRefusal(added, 400, /^initialPassword: must not be the staff id$/);
  expect(added.json.details).toEqual([{ path: 'initialPassword', message: 'must not be the staff id', zh: '不能与员工编号相同' }]);
  const given = 'given-by-the-manager';
  passwords.add(given);
  const ok = await as('sm-a')('POST', `/api/stores/${STORE}/staff`, { id: 'cr-long-staff-id', name: '赵客服', role: 'CUSTOMER_RELATIONS', initialPassword: given });
  expect(ok.status).toBe(201);
  // The manager chose it: nothing is shown back.
  expect(ok.json.temporaryPassword).toBeUndefined();
  const token = (await apiSignIn('cr-long-staff-id', given)).token;
  expectRefusal(await send(token, 'POST', '/api/session/password', { currentPassword: given, newPassword: 'CR-LONG-STAFF-ID' }), 400, /^newPassword: must not be the staff id$/);
});

test('a manager resets a password on the page: shown once, sessions end, the person changes it on the web before anything else', async () => {
  const victimToken = (await apiSignIn('sa-a', TEST_PASSWORD)).token;
  expect((await send(victimToken, 'GET', '/api/session')).status).toBe(200);
  const sm = await webSession('sm-a');
  const reset = await page(sm.cookie, '/staff/sa-a/password-reset', { _csrf: sm.csrf });
  expect(reset.status).toBe(200);
  const temporary = /<code class="data" data-temporary-password>([a-z2-9]{12})<\/code>/.exec(reset.html)![1];
  passwords.add(temporary);
  expect(reset.html).toContain('临时密码（只显示这一次）');
  // Shown on that answer only: the page again does not have it.
  expect((await page(sm.cookie, `/stores/${STORE}/staff`)).html).not.toContain(temporary);
  // The person's sessions ended at once.
  expect((await send(victimToken, 'GET', '/api/session')).status).toBe(401);
  expect((await apiSignIn('sa-a', TEST_PASSWORD)).status).toBe(401);

  const web = await webSignIn('sa-a', temporary);
  expect(web.location).toBe('/password');
  const csrf = /name="csrf-token" content="([^"]+)"/.exec((await page(web.cookie, '/password')).html)![1];
  const differ = await page(web.cookie, '/password', { _csrf: csrf, currentPassword: temporary, newPassword: 'a-long-new-password', confirmPassword: 'another-long-password' });
  expect(differ.status).toBe(400);
  expect(fieldError(differ.html, 'confirmPassword')).toBe('两次输入的新密码不一致');
  const tooShort = await page(web.cookie, '/password', { _csrf: csrf, currentPassword: temporary, newPassword: 'short', confirmPassword: 'short' });
  expect(tooShort.status).toBe(400);
  expect(fieldError(tooShort.html, 'newPassword')).toBe('至少 10 个字');
  // Passwords are never written back into the page.
  expect(tooShort.html).not.toContain(temporary);
  const chosen = 'li-guwen-new-password';
  passwords.add(chosen);
  const done = await page(web.cookie, '/password', { _csrf: csrf, currentPassword: temporary, newPassword: chosen, confirmPassword: chosen });
  expect([done.status, done.location]).toEqual([303, '/inbox']);
  expect(flashOf(done.setCookie)).toEqual({ kind: 'ok', message: '密码已修改' });
  expect((await page(web.cookie, '/board')).status).toBe(200);
  expect((await apiSignIn('sa-a', chosen)).status).toBe(201);
});

test('disabling ends a live session at once; nobody disables themselves; enabling lets them sign in again', async () => {
  const sc = await apiSignIn('sc-away', TEST_PASSWORD);
  expect((await send(sc.token, 'GET', '/api/session')).status).toBe(200);
  const web = await webSignIn('sc-away', TEST_PASSWORD);
  expect((await page(web.cookie, '/board')).status).toBe(200);

  const disabled = await as('sm-a')('PATCH', '/api/staff/sc-away', { active: false });
  expect(disabled.status).toBe(200);
  expect(disabled.json).toMatchObject({ id: 'sc-away', active: false });
  // The very next requests, though both sessions were used (and remembered) a moment ago.
  expect((await send(sc.token, 'GET', '/api/session')).status).toBe(401);
  expect(await page(web.cookie, '/board')).toMatchObject({ status: 302, location: '/login?next=%2Fboard' });
  expect(await db.session.count({ where: { staffId: 'sc-away' } })).toBe(0);
  expect((await apiSignIn('sc-away', TEST_PASSWORD)).status).toBe(401);

  expectRefusal(await as('sm-a')('PATCH', '/api/staff/sm-a', { active: false }), 403, /^active: you may not disable yourself$/);
  expectRefusal(await as('sm-a')('PATCH', '/api/staff/sm-a', { role: 'SERVICE_ADVISOR' }), 403, /^role: you may not change your own role$/);

  // On the page: enable, then the refusal of disabling oneself is not even offered (no button on one's own row).
  const sm = await webSession('sm-a');
  const list = await page(sm.cookie, `/stores/${STORE}/staff`);
  expect(list.html).toContain('action="/staff/sc-away/enable"');
  expect(list.html).not.toContain('action="/staff/sm-a/disable"');
  const enabled = await page(sm.cookie, '/staff/sc-away/enable', { _csrf: sm.csrf });
  expect([enabled.status, enabled.location]).toEqual([303, `/stores/${STORE}/staff`]);
  expect(flashOf(enabled.setCookie).message).toContain('账号已启用');
  expect((await apiSignIn('sc-away', TEST_PASSWORD)).status).toBe(201);
  const selfDisable = await page(sm.cookie, '/staff/sm-a/disable', { _csrf: sm.csrf });
  expect(selfDisable.status).toBe(403);
  expect(selfDisable.html).toContain('不能停用自己');
});

test("a service manager gives no role above their reach and never touches another store's people", async () => {
  const sm = as('sm-a');
  expectRefusal(await sm('POST', `/api/stores/${STORE}/staff`, { id: 'new-gm', name: '新总', role: 'GENERAL_MANAGER' }), 403, /^role: a SERVICE_MANAGER may not make someone a GENERAL_MANAGER$/);
  expectRefusal(await sm('POST', `/api/stores/${STORE}/staff`, { id: 'new-aud', name: '新审计', role: 'AUDITOR' }), 403, /^role: a SERVICE_MANAGER may not make someone a AUDITOR$/);
  expectRefusal(await sm('PATCH', '/api/staff/sa-wang', { role: 'GENERAL_MANAGER' }), 403, /may not make someone a GENERAL_MANAGER/);
  expectRefusal(await sm('PATCH', '/api/staff/gm', { active: false }), 403, /^a SERVICE_MANAGER may not manage the account of a GENERAL_MANAGER$/);
  expectRefusal(await sm('POST', '/api/staff/gm/password-reset', {}), 403, /may not manage the account of a GENERAL_MANAGER/);
  // Another store's people and list do not exist for them.
  expectRefusal(await sm('GET', `/api/stores/${OTHER}/staff`), 404, /^no store store-sb$/);
  expectRefusal(await sm('POST', `/api/stores/${OTHER}/staff`, { id: 'x-b', name: 'B 店', role: 'SERVICE_ADVISOR' }), 404, /^no store store-sb$/);
  expectRefusal(await sm('PATCH', '/api/staff/sc-b', { active: false }), 404, /^no staff member sc-b$/);
  expectRefusal(await sm('POST', '/api/staff/sm-b/password-reset', {}), 404, /^no staff member sm-b$/);
  expectRefusal(await sm('POST', '/api/staff/sc-b/reassign-customers', { to: 'sc-stays' }), 404, /^no staff member sc-b$/);
  expect(await db.staff.findUniqueOrThrow({ where: { id: 'sc-b' } })).toMatchObject({ active: true });
  // People who do not manage staff: 403, whatever the store.
  expectRefusal(await as('sc-stays')('GET', `/api/stores/${STORE}/staff`), 403, /^a SALES_CONSULTANT may not staff\.manage$/);
  expectRefusal(await as('sc-stays')('POST', '/api/staff/sc-away/password-reset', {}), 403, /may not staff\.manage/);

  // The general manager spans stores and may give any role: the new auditor spans stores too.
  const gm = as('gm');
  const auditor = await gm('POST', `/api/stores/${OTHER}/staff`, { id: 'aud-b', name: '审计员', role: 'AUDITOR' });
  expect(auditor.status).toBe(201);
  passwords.add(auditor.json.temporaryPassword);
  expect(auditor.json.staff).toMatchObject({ storeId: OTHER, role: 'AUDITOR', allStores: true });
  const listed = await gm('GET', `/api/stores/${OTHER}/staff`);
  expect(listed.json.staff.map((s: { id: string }) => s.id).sort()).toEqual(['aud-b', 'sc-b', 'sm-b']);
  expect(JSON.stringify(listed.json)).not.toMatch(/passwordHash|scrypt/);

  // On the page: another store is not found; the role select offers only what may be given; a refused form
  // comes back with the reason beside the role and what was typed kept.
  const web = await webSession('sm-a');
  expect((await page(web.cookie, `/stores/${OTHER}/staff`)).status).toBe(404);
  const list = await page(web.cookie, `/stores/${STORE}/staff`);
  expect(list.html).toContain('value="SERVICE_MANAGER"');
  expect(list.html).not.toContain('value="GENERAL_MANAGER"');
  expect(list.html).not.toContain('action="/staff/gm/role"');
  const refused = await page(web.cookie, `/stores/${STORE}/staff`, { _csrf: web.csrf, id: 'would-be-gm', name: '想当总经理', role: 'GENERAL_MANAGER' });
  expect(refused.status).toBe(403);
  expect(fieldError(refused.html, 'role')).toBe('您的角色不能授予此角色（GENERAL_MANAGER）');
  expect(refused.html).toContain('value="would-be-gm"');
  expect(refused.html).toContain('value="想当总经理"');
  expect(await db.staff.count({ where: { id: { in: ['new-gm', 'new-aud', 'would-be-gm', 'x-b'] } } })).toBe(0);
});

test('R22: a leaving sales consultant\'s customers move to a colleague in one step, audited in the store and on each vehicle', async () => {
  const customer = await db.customer.create({ data: { storeId: STORE, name: '刘女士', phone: '13900002222' } });
  const vehicle = (vin: string, salesConsultantId: string, storeId = STORE) =>
    db.vehicle.create({ data: { vin, plate: `苏F${vin.slice(-5)}`, model: 'Lavida', storeId, customerId: customer.id, salesConsultantId, deliveryDate: new Date('2026-09-01'), mileageKm: 1000, mileageRecordedAt: new Date('2026-11-01'), avgDailyKm: 30, workflowId: `vehicle-${vin}` } });
  const leaving = ['LSVR22A0000000001', 'LSVR22A0000000002', 'LSVR22A0000000003'];
  for (const vin of leaving) await vehicle(vin, 'sc-leaving');
  await vehicle('LSVR22A0000000004', 'sc-stays');

  const sm = as('sm-a');
  expectRefusal(await sm('POST', '/api/staff/sc-leaving/reassign-customers', { to: 'sa-a' }), 422, /^to: must be an active sales consultant of store store-sa$/);
  expectRefusal(await sm('POST', '/api/staff/sc-leaving/reassign-customers', { to: 'sc-b' }), 422, /^to: must be an active sales consultant of store store-sa$/);
  expectRefusal(await sm('POST', '/api/staff/sc-leaving/reassign-customers', { to: 'sc-leaving' }), 422, /^to: must be another sales consultant/);
  expectRefusal(await sm('POST', '/api/staff/sc-leaving/reassign-customers', {}), 400, /^to: /);
  expect(await db.vehicle.count({ where: { salesConsultantId: 'sc-leaving' } })).toBe(3);

  // The page offers it on the consultant's row, with the count of their customers.
  const web = await webSession('sm-a');
  const list = await page(web.cookie, `/stores/${STORE}/staff`);
  const row = list.html.slice(list.html.indexOf('data-staff="sc-leaving"'));
  expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/<td>3<\/td>[\s\S]*action="\/staff\/sc-leaving\/reassign"/);
  const refused = await page(web.cookie, '/staff/sc-leaving/reassign', { _csrf: web.csrf, to: 'sa-a' });
  expect(refused.status).toBe(422);
  expect(fieldError(refused.html, 'to')).toBe('须为门店 store-sa 在职的销售顾问');

  const moved = await page(web.cookie, '/staff/sc-leaving/reassign', { _csrf: web.csrf, to: 'sc-stays' });
  expect([moved.status, moved.location]).toEqual([303, `/stores/${STORE}/staff`]);
  expect(flashOf(moved.setCookie).message).toBe('客户已转交: sc-leaving → sc-stays, 3 辆车');
  expect(await db.vehicle.count({ where: { salesConsultantId: 'sc-stays' } })).toBe(4);
  expect(await db.vehicle.count({ where: { salesConsultantId: 'sc-leaving' } })).toBe(0);

  const storeEvent = await db.storeAuditEvent.findFirstOrThrow({ where: { storeId: STORE, action: 'staff.customers-reassigned' } });
  expect(storeEvent).toMatchObject({ actor: 'sm-a', data: { rule: 'R22', from: 'sc-leaving', to: 'sc-stays', vins: leaving } });
  const vehicleEvents = await db.auditEvent.findMany({ where: { action: 'vehicle.sales-consultant-reassigned' }, orderBy: { vin: 'asc' } });
  expect(vehicleEvents.map((e) => [e.vin, e.actor, e.rule, e.data])).toEqual(leaving.map((vin) => [vin, 'sm-a', 'R22', { from: 'sc-leaving', to: 'sc-stays' }]));
  // Chained like every vehicle's events.
  expect(vehicleEvents.every((e) => e.chainSeq === 1 && e.hash)).toBe(true);

  // Nothing left to move: a clear refusal, nothing recorded.
  expectRefusal(await sm('POST', '/api/staff/sc-leaving/reassign-customers', { to: 'sc-stays' }), 409, /^sc-leaving has no customers in store store-sa to reassign$/);
  expect(await db.storeAuditEvent.count({ where: { action: 'staff.customers-reassigned' } })).toBe(1);
});

test('bad input is a 400 naming the field; Chinese names are accepted', async () => {
  const sm = as('sm-a');
  const add = (body: unknown) => sm('POST', `/api/stores/${STORE}/staff`, body);
  expectRefusal(await add({ id: 'x-empty', name: '   ', role: 'SERVICE_ADVISOR' }), 400, /^name: must not be empty$/);
  expectRefusal(await add({ id: 'x-role', name: '张三', role: 'JANITOR' }), 400, /^role: must be one of SERVICE_ADVISOR, /);
  expectRefusal(await add({ id: 'x-ctrl', name: '张\u0007三', role: 'SERVICE_ADVISOR' }), 400, /^name: must not contain control characters$/);
  expectRefusal(await add({ id: 'Has Space', name: '张三', role: 'SERVICE_ADVISOR' }), 400, /^id: must be 2–64 lowercase letters/);
  expectRefusal(await add({ id: 'x-phone', name: '张三', role: 'SERVICE_ADVISOR', phone: 'call me' }), 400, /^phone: must be digits, spaces or dashes$/);
  expectRefusal(await add({ id: 'x-key', name: '张三', role: 'SERVICE_ADVISOR', admin: true }), 400, /admin/);
  expectRefusal(await add({ id: 'x-pw', name: '张三', role: 'SERVICE_ADVISOR', initialPassword: '123' }), 400, /^initialPassword: must have at least 10 characters$/);
  expectRefusal(await add({ id: 'sa-a', name: '重名', role: 'SERVICE_ADVISOR' }), 409, /^id: staff id sa-a is taken$/);
  expectRefusal(await sm('PATCH', '/api/staff/sa-a', {}), 400, /^send at least one of name, role, active$/);
  expectRefusal(await sm('PATCH', '/api/staff/sa-a', { active: 'no' }), 400, /^active: must be true or false$/);
  expectRefusal(await sm('PATCH', `/api/staff/${'x'.repeat(300)}`, { active: false }), 404, /^no staff member x+$/);
  // In Chinese when the caller asks for it.
  const zh = await fetch(`${base}/api/stores/${STORE}/staff`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN', authorization: `Bearer ${await tokens.get('sm-a')}` }, body: JSON.stringify({ id: 'x', name: '', role: 'SERVICE_ADVISOR' }) });
  expect(((await zh.json()) as { error: string }).error).toBe('id: 须为 2–64 位小写字母、数字或 . - _，以字母或数字开头; name: 不能为空');
  expect(await db.staff.count({ where: { id: { startsWith: 'x-' } } })).toBe(0);

  const renamed = await sm('PATCH', '/api/staff/sc-away', { name: '欧阳娜娜' });
  expect(renamed.json).toMatchObject({ id: 'sc-away', name: '欧阳娜娜' });

  // The page: the reason beside the field, what was typed kept, the password typed not written back.
  const web = await webSession('sm-a');
  const refused = await page(web.cookie, `/stores/${STORE}/staff`, { _csrf: web.csrf, id: 'tech-new', name: '', role: 'TECHNICIAN', phone: '139 0000 3333', initialPassword: 'secret-typed-1' });
  expect(refused.status).toBe(400);
  expect(fieldError(refused.html, 'name')).toBe('不能为空');
  expect(refused.html).toContain('value="tech-new"');
  expect(refused.html).toContain('value="139 0000 3333"');
  expect(refused.html).toMatch(/<option value="TECHNICIAN" selected>/);
  expect(refused.html).not.toContain('secret-typed-1');
  const added = await page(web.cookie, `/stores/${STORE}/staff`, { _csrf: web.csrf, id: 'tech-new', name: '郑师傅', role: 'TECHNICIAN', phone: '139 0000 3333' });
  expect(added.status).toBe(201);
  const shown = /data-temporary-password>([a-z2-9]{12})</.exec(added.html)![1];
  passwords.add(shown);
  expect(await db.staff.findUniqueOrThrow({ where: { id: 'tech-new' } })).toMatchObject({ name: '郑师傅', role: 'TECHNICIAN', mustChangePassword: true });
});

test("a manager changes a person's role: one audited step naming both roles", async () => {
  const sm = as('sm-a');
  expect((await sm('POST', `/api/stores/${STORE}/staff`, { id: 'bk-role', name: '孙预约', role: 'BOOKING_SPECIALIST' })).status).toBe(201);
  const changed = await sm('PATCH', '/api/staff/bk-role', { role: 'CUSTOMER_RELATIONS' });
  expect(changed.status).toBe(200);
  expect(changed.json).toMatchObject({ id: 'bk-role', role: 'CUSTOMER_RELATIONS' });
  expect(await db.storeAuditEvent.findFirstOrThrow({ where: { action: 'staff.role-changed' } })).toMatchObject({ storeId: STORE, actor: 'sm-a', data: { staffId: 'bk-role', from: 'BOOKING_SPECIALIST', to: 'CUSTOMER_RELATIONS' } });
});

test('audit: every staff change is in the store chain with who and when, and no event holds a password or a hash', async () => {
  const events = await db.storeAuditEvent.findMany({ where: { action: { startsWith: 'staff.' } }, orderBy: { id: 'asc' } });
  const actions = new Set(events.map((e) => e.action));
  for (const a of ['staff.added', 'staff.disabled', 'staff.enabled', 'staff.renamed', 'staff.role-changed', 'staff.password-reset', 'staff.password-changed', 'staff.customers-reassigned']) expect(actions).toContain(a);
  expect(events.find((e) => e.action === 'staff.disabled')).toMatchObject({ actor: 'sm-a', storeId: STORE, data: { staffId: 'sc-away', sessionsEnded: 2 } });
  expect(events.find((e) => e.action === 'staff.added' && (e.data as { staffId: string }).staffId === 'aud-b')).toMatchObject({ actor: 'gm', storeId: OTHER });
  expect(events.every((e) => e.occurredAt instanceof Date && e.hash)).toBe(true);

  const hashes = (await db.staff.findMany({ select: { passwordHash: true } })).map((s) => s.passwordHash!).filter(Boolean);
  const everything = json(await db.storeAuditEvent.findMany()) + json(await db.auditEvent.findMany());
  expect(passwords.size).toBeGreaterThanOrEqual(8);
  for (const secret of [...passwords, ...hashes, 'scrypt$']) expect(everything).not.toContain(secret);
});

describe('the first account of an empty database', () => {
  let empty: Db;
  let url: string;
  let at: string;

  beforeAll(async () => {
    const admin = new PgClient({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE first_account');
    await admin.end();
    url = postgres.url.replace(/\/service_lane$/, '/first_account');
    await applyMigrations(url);
    empty = createDb(url);
    at = await listen(empty);
  }, 60_000);

  afterAll(async () => {
    await empty?.$disconnect();
  });

  const get = (u: string) => fetch(`${at}${u}`, { redirect: 'manual' });
  const post = (u: string, fields: Record<string, string>) => fetch(`${at}${u}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

  test('an expired link does not open the form', async () => {
    const token = (await offerFirstAccount(empty, new Date(Date.now() - 25 * 3_600_000)))!;
    expect((await get(`/setup/${token}`)).status).toBe(404);
  });

  test('the set-up link opens its form once; a second use, an old link or one after staff exist is refused', async () => {
    const first = (await offerFirstAccount(empty, new Date()))!;
    const token = (await offerFirstAccount(empty, new Date()))!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Stored hashed; the link printed last is the one that works.
    expect(await empty.setupToken.count({ where: { id: token } })).toBe(0);
    expect((await get(`/setup/${first}`)).status).toBe(404);
    const form = await get(`/setup/${token}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('首次设置：门店和总经理账号');

    const account = { storeId: 'nantong', storeName: '南通大众4S店', staffId: 'gm-chen', name: '陈总', password: 'gm-chen', confirmPassword: 'gm-chen' };
    const refused = await post(`/setup/${token}`, account);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(fieldError(html, 'password')).toBe('至少 10 个字; 不能与员工编号相同');
    expect(html).toContain('value="南通大众4S店"');
    expect(await empty.staff.count()).toBe(0);

    const password = '陈总的安全密码2026';
    passwords.add(password);
    const created = await post(`/setup/${token}`, { ...account, password, confirmPassword: password });
    expect([created.status, created.headers.get('location')]).toEqual([303, '/stores/nantong/staff']);
    const cookie = /sl_session=[^;]+/.exec(created.headers.get('set-cookie') ?? '')![0];
    const staffPage = await fetch(`${at}/stores/nantong/staff`, { headers: { cookie } });
    expect(staffPage.status).toBe(200);
    expect(await staffPage.text()).toContain('data-staff="gm-chen" data-role="GENERAL_MANAGER"');
    expect(await empty.staff.findUniqueOrThrow({ where: { id: 'gm-chen' } })).toMatchObject({ role: 'GENERAL_MANAGER', allStores: true, mustChangePassword: false, storeId: 'nantong' });
    expect((await apiSignIn('gm-chen', password, at)).status).toBe(201);

    // Used: the link no longer opens the form nor takes it, and no new link is offered.
    expect((await get(`/setup/${token}`)).status).toBe(404);
    const second = await post(`/setup/${token}`, { ...account, storeId: 'other', staffId: 'gm-other', password, confirmPassword: password });
    expect(second.status).toBe(404);
    expect(await second.text()).toContain('this set-up link does not work');
    expect(await offerFirstAccount(empty, new Date())).toBeUndefined();
    expect(await empty.staff.count()).toBe(1);
    const events = await empty.storeAuditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.actor])).toEqual([['store.created', 'gm-chen'], ['staff.added', 'gm-chen']]);
    expect(json(events)).not.toContain(password);
  });

  test('npm run admin -- create-general-manager prints a temporary password that must be changed at the first sign-in', async () => {
    const run = (args: string[]) =>
      promisify(execFile)(path.resolve(__dirname, '../../node_modules/.bin/tsx'), ['runtime/admin.ts', ...args], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, DATABASE_URL: url, USER: 'ops' } });
    const { stdout } = await run(['create-general-manager', '--store', 'rugao', '--store-name', '如皋店', '--name', '孙总', '--id', 'gm-sun']);
    const temporary = /temporary password \(shown once\): ([a-z2-9]{12})/.exec(stdout)![1];
    passwords.add(temporary);
    expect(stdout).toContain('store rugao created');
    const signedIn = await apiSignIn('gm-sun', temporary, at);
    expect(signedIn.staff).toMatchObject({ id: 'gm-sun', role: 'GENERAL_MANAGER', allStores: true, mustChangePassword: true });
    expectRefusal(await send(signedIn.token, 'GET', '/api/stores/rugao/staff', undefined, at), 403, /^choose your own password first/);
    expect((await empty.storeAuditEvent.findMany({ where: { storeId: 'rugao' }, orderBy: { id: 'asc' } })).map((e) => [e.action, e.actor])).toEqual([
      ['store.created', 'admin-cli:ops'],
      ['staff.added', 'admin-cli:ops'],
    ]);
    // Staff exist now: no set-up link, and the command refuses a taken id.
    expect(await offerFirstAccount(empty, new Date())).toBeUndefined();
    await expect(run(['create-general-manager', '--store', 'rugao', '--name', '又一个', '--id', 'gm-sun'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('refused: staff id gm-sun is taken') });
  });
});

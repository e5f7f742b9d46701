// Template previews and template texts over HTTP (issue 14): a preview renders what a person typed, so
// it is for the people who reword templates, with small variables, on worker threads within a time
// budget, and the API answers everyone else while a pathological template is stopped. A store's own
// wording is read by that store's people only (and those who span stores). The product's own app and
// web pages over a real PostgreSQL; Temporal is never reached.
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { openSession } from '../../api/auth/sessions';
import { previewRenderer } from '../../notifications/previewRenderer';
import { applyMigrations } from '../../runtime/migrate';
import { createWebRouter } from '../../web/router';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff, signIn } from '../support/staff';

const STORE = 'store-tp';
const OTHER = 'store-tp-other';
const SECRET = 'B店内部措辞 SECRET-B';

let postgres: TestPostgres;
let db: Db;
let server: Server;
let base: string;
let connection: Connection;
const tokens = new Map<string, Promise<string>>();

/**
 * `{{#each}}` nested `depth` deep over the root's `items`: items^depth repetitions. Nothing inside, so it
 * costs time only (a body that grows runs out of its thread's memory instead: refused alike, another reason).
 */
const nested = (depth: number) => '{{#each @root.items}}'.repeat(depth) + '{{/each}}'.repeat(depth);
const twenty = Array.from({ length: 20 }, (_, i) => `item ${i}`);

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '南通示范店', timeZone: 'Asia/Shanghai' } });
  await db.store.create({ data: { id: OTHER, name: '另一家店', timeZone: 'Asia/Shanghai' } });
  await db.messageTemplate.create({ data: { storeId: OTHER, key: 'pickup-notice', locale: 'zh-CN', subject: `${SECRET} {{plate}}`, body: `${SECRET}：{{customerName}}`, updatedBy: 'cm-b', updatedAt: new Date('2026-11-01T00:00:00Z') } });
  await addStaff(db, [
    { id: 'cm-a', storeId: STORE, role: 'CUSTOMER_MANAGER' },
    { id: 'sm-a', storeId: STORE, role: 'SERVICE_MANAGER' },
    { id: 'sa-a', storeId: STORE, role: 'SERVICE_ADVISOR' },
    { id: 'cr-a', storeId: STORE, role: 'CUSTOMER_RELATIONS' },
    { id: 'cm-b', storeId: OTHER, role: 'CUSTOMER_MANAGER' },
    { id: 'gm', storeId: STORE, role: 'GENERAL_MANAGER', allStores: true },
  ]);
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  const client = new Client({ connection });
  server = createApp({ client, db, routers: [createWebRouter({ client, db, temporalUiUrl: 'http://127.0.0.1:8233' })] }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await previewRenderer().close();
  await connection?.close().catch(() => undefined);
  await db?.$disconnect();
  await postgres?.stop();
});

interface Answer {
  status: number;
  json: any;
  text: string;
}

async function call(actor: string, method: string, path: string, body?: unknown): Promise<Answer> {
  if (!tokens.has(actor)) tokens.set(actor, signIn(base, actor));
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens.get(actor)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

/** A refusal is `{ error: reason }` with its status, never a stack trace. */
function expectRefusal(answer: Answer, status: number, reason: string | RegExp) {
  expect({ status: answer.status, json: answer.json }).toEqual({ status, json: { error: expect.stringMatching(reason) } });
  expect(answer.text).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
}

async function webPage(actor: string, path: string, form?: Record<string, string>): Promise<{ status: number; html: string }> {
  const session = await openSession(db, actor, 'WEB', new Date());
  const res = await fetch(`${base}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: `sl_session=${session.token}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams({ _csrf: session.csrfToken, ...form }) : undefined,
  });
  return { status: res.status, html: await res.text() };
}

describe('template preview', () => {
  it('template preview: a nested each over a large array is refused within its budget and the server keeps answering', async () => {
    // The request: 300 elements. Too big to be handed over at all, named in the answer.
    const huge = await call('cm-a', 'POST', '/api/templates/additional-work/preview', { locale: 'en', body: nested(3), variables: { items: Array.from({ length: 300 }, (_, i) => i) } });
    expectRefusal(huge, 400, /^variables\.items: a list has at most 20 items \(300 given\)$/);

    // Within the caps, seven levels deep over 20 items is 20^7 repetitions: minutes on a thread. It runs on
    // the renderer's thread; while it does, the API's event loop answers health checks one after another.
    const order: string[] = [];
    const slow = call('cm-a', 'POST', '/api/templates/additional-work/preview', { locale: 'en', body: nested(7), variables: { items: twenty } }).then((answer) => {
      order.push('preview');
      return answer;
    });
    while (previewRenderer().stats().busy === 0 && !order.length) await new Promise((r) => setTimeout(r, 2));
    for (let i = 0; i < 5; i++) {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      order.push('healthz');
    }
    const refused = await slow;
    expect(order).toEqual(['healthz', 'healthz', 'healthz', 'healthz', 'healthz', 'preview']);
    expectRefusal(refused, 422, /^template additional-work \(en\): the template takes too long to render \(more than 250 ms\)$/);

    // The stopped thread was replaced: previews go on, with the caller's variables over the sample data.
    expect(previewRenderer().stats()).toMatchObject({ busy: 0, replaced: 1 });
    const next = await call('cm-a', 'POST', '/api/templates/late-notice/preview', { locale: 'en', variables: { reason: 'waiting for a part' } });
    expect(next.status).toBe(200);
    expect(next.json.body).toContain('Reason: waiting for a part.');

    // The same wording cannot be stored either: the sender would render it for every message.
    expectRefusal(await call('cm-a', 'PUT', '/api/templates/additional-work/en', { storeId: STORE, subject: 'Extra work', body: nested(7) }), 422, /takes too long to render/);
    expect(await db.messageTemplate.count({ where: { storeId: STORE } })).toBe(0);
    // A wording that merely does not render says why, as before.
    expectRefusal(await call('cm-a', 'POST', '/api/templates/late-notice/preview', { locale: 'en', body: '{{nope}}' }), 422, /does not render: .*nope/);
  });

  it('preview variables are capped: a 400 names what is too big', async () => {
    const preview = (variables: unknown) => call('cm-a', 'POST', '/api/templates/late-notice/preview', { locale: 'en', variables });
    expectRefusal(await preview(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, 'x']))), 400, /^variables: at most 50 variables \(51 given\)$/);
    expectRefusal(await preview({ reason: 'x'.repeat(501) }), 400, /^variables\.reason: at most 500 characters \(501 given\)$/);
    expectRefusal(await preview({ items: ['y'.repeat(201)] }), 400, /^variables\.items\.0: at most 200 characters \(201 given\)$/);
    expectRefusal(await preview({ items: [Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, 1]))] }), 400, /^variables\.items\.0: an item has at most 10 fields \(11 given\)$/);
    expectRefusal(await preview(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`v${i}`, 'z'.repeat(450)]))), 400, /^variables: at most 16000 characters of variables in all \(\d+ given\)$/);
    expectRefusal(await preview({ reason: { nested: 'object' } }), 400, /^variables\.reason: a text, a number, true\/false, null or a list$/);
    expectRefusal(await preview({ items: [[1, 2]] }), 400, /^variables\.items\.0: an item is a text/);
    expectRefusal(await preview({ 'bad name': 'x' }), 400, /^variables\.bad name: a variable name is letters, digits and _/);
    // Lists of records, like the R13 work items, within the caps.
    const items = Array.from({ length: 20 }, (_, i) => ({ description: `item ${i}`, priceCny: '10.00', safety: i % 2 === 0 }));
    const ok = await call('cm-a', 'POST', '/api/templates/additional-work/preview', { locale: 'en', variables: { items } });
    expect(ok.status).toBe(200);
    expect(ok.json.body).toContain('item 19');
  });

  it('only template managers preview', async () => {
    for (const actor of ['sa-a', 'cr-a']) {
      expectRefusal(await call(actor, 'POST', '/api/templates/pickup-notice/preview', { locale: 'zh-CN' }), 403, /./);
      // Refused before anything is read or rendered: the same answer with a pathological body.
      expectRefusal(await call(actor, 'POST', '/api/templates/additional-work/preview', { body: nested(7) }), 403, /./);
    }
    for (const actor of ['cm-a', 'sm-a', 'gm']) {
      const answer = await call(actor, 'POST', '/api/templates/pickup-notice/preview', { locale: 'zh-CN', storeId: STORE });
      expect({ actor, status: answer.status }).toEqual({ actor, status: 200 });
      expect(answer.json.subject).toContain('苏F12345');
    }
    // The web page: an advisor reads the wording but has no preview form, and its post is refused.
    const advisorPage = await webPage('sa-a', '/templates/pickup-notice');
    expect(advisorPage.status).toBe(200);
    expect(advisorPage.html).not.toContain('preview-button');
    expect(advisorPage.html).toContain('current-body');
    expect((await webPage('sa-a', '/templates/pickup-notice/preview', { locale: 'zh-CN', subject: '{{plate}}', body: 'x' })).status).toBe(403);
    const managerPreview = await webPage('cm-a', '/templates/pickup-notice/preview', { locale: 'zh-CN', subject: '{{plate}} 可取车', body: 'x' });
    expect(managerPreview.status).toBe(200);
    expect(managerPreview.html).toContain('苏F12345 可取车');
    // Over budget on the page too (the sample's two items, 2^30 repetitions): the form comes back with the
    // reason, the page is not an error page.
    const slowPage = await webPage('cm-a', '/templates/additional-work/preview', { locale: 'en', subject: 's', body: nested(30) });
    expect(slowPage.status).toBe(422);
    expect(slowPage.html).toContain('the template takes too long to render');
  });

  it("another store's template texts are not readable", async () => {
    // A person of one store asking for another store's wording gets what an unknown store gets.
    for (const path of [`/api/templates?store=${OTHER}`, `/api/templates/pickup-notice?store=${OTHER}`]) {
      const answer = await call('cm-a', 'GET', path);
      expectRefusal(answer, 404, new RegExp(`^no store ${OTHER}$`));
      expect(answer.text).not.toContain('SECRET');
      expectRefusal(await call('sa-a', 'GET', path.replace(OTHER, 'store-nope')), 404, /^no store store-nope$/);
    }
    const preview = await call('cm-a', 'POST', '/api/templates/pickup-notice/preview', { locale: 'zh-CN', storeId: OTHER });
    expectRefusal(preview, 404, new RegExp(`^no store ${OTHER}$`));
    expect(preview.text).not.toContain('SECRET');
    // The web page shows the person's own store whatever the address asks for.
    const page = await webPage('cm-a', `/templates/pickup-notice?store=${OTHER}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('SECRET');

    // The store's own people, and those who span stores, read it.
    for (const actor of ['cm-b', 'gm']) {
      const detail = await call(actor, 'GET', `/api/templates/pickup-notice?store=${OTHER}`);
      expect(detail.status).toBe(200);
      expect(detail.json.locales.find((l: any) => l.locale === 'zh-CN').current).toMatchObject({ origin: 'store', subject: `${SECRET} {{plate}}` });
      const catalog = await call(actor, 'GET', `/api/templates?store=${OTHER}`);
      expect(catalog.json.templates.find((t: any) => t.key === 'pickup-notice').storeOverrides).toEqual(['zh-CN']);
    }
    expect((await call('cm-b', 'POST', '/api/templates/pickup-notice/preview', { locale: 'zh-CN', storeId: OTHER })).json.subject).toBe(`${SECRET} 苏F12345`);
    // Without a store: the catalogue and the default wording, for everyone who reads templates.
    expect((await call('sa-a', 'GET', '/api/templates')).status).toBe(200);
    expect((await call('sa-a', 'GET', `/api/templates/pickup-notice?store=${STORE}`)).status).toBe(200);
  });
});

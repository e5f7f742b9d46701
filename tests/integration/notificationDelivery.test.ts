// The outbox sender against real receivers: a real PostgreSQL, a real SMTP server receiving the mail,
// and an HTTP server standing in for the SMS gateway and the WeCom / DingTalk group robots. Messages
// are queued by the real activities, exactly as the workflows queue them.
import { createHmac } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import express from 'express';
import { createActivities } from '../../activities';
import { createDb, Db } from '../../activities/database';
import type { StepContext } from '../../activities/stepContext';
import { authenticate } from '../../api/auth/middleware';
import { sessionRouter } from '../../api/auth/sessionRoutes';
import { defaultSignInLimits } from '../../api/auth/signIn';
import { notificationRoutes } from '../../api/notificationRoutes';
import { createCommandDeps } from '../../commands/command';
import { createDispatcher, Dispatcher } from '../../notifications/dispatcher';
import { messageIdFor } from '../../notifications/transports/transport';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { HookServer, SmtpSink, startHookServer, startSmtpSink } from '../support/messageSinks';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff, signIn } from '../support/staff';

const STORE = 'store-nt';
const DAYTIME = new Date('2026-11-23T02:00:00.000Z'); // 10:00 in Shanghai
const NIGHT = new Date('2026-11-23T14:00:00.000Z'); // 22:00 in Shanghai

let postgres: TestPostgres;
let db: Db;
let smtp: SmtpSink;
let hooks: HookServer;
let api: Server;
let base: string;
let connection: Connection;
const clock = settableClock(DAYTIME);
let dispatcher: Dispatcher;
let acts: ReturnType<typeof createActivities>;

beforeAll(async () => {
  [postgres, smtp, hooks] = await Promise.all([startPostgres(), startSmtpSink({ rejectRecipients: ['nobody@example.com'] }), startHookServer()]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  acts = createActivities(db);
  await db.store.create({ data: { id: STORE, name: '南通示范店', timeZone: 'Asia/Shanghai' } });
  await db.store.create({ data: { id: 'store-offline', name: 'Offline store', timeZone: 'Asia/Shanghai' } });
  await db.staff.create({ data: { id: 'sup-wu', storeId: STORE, name: '吴主管', role: 'SERVICE_SUPERVISOR', email: 'wu@store.example' } });
  const channel = (c: 'EMAIL' | 'SMS' | 'WECOM' | 'DINGTALK', config: object) => db.storeChannel.create({ data: { storeId: STORE, channel: c, config, updatedBy: 'it-admin' } });
  await channel('EMAIL', { url: smtp.url, from: '南通示范店 <service@store.example>' });
  await channel('SMS', { url: `${hooks.url}/sms`, authHeader: 'Authorization: Bearer sms-t0ken' });
  await channel('WECOM', { webhookUrl: `${hooks.url}/cgi-bin/webhook/send?key=wecom-key` });
  await channel('DINGTALK', { webhookUrl: `${hooks.url}/robot/send?access_token=ding-token`, secret: 'SECdingsecret' });
  // The ack route is not exercised here (tests/integration/pagingAck.test.ts does it with a real server).
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  // The people who use these endpoints: customer relations, an SA, the service manager, and the
  // general manager who spans both stores.
  await addStaff(db, [
    { id: 'cr-zhao', storeId: STORE, role: 'CUSTOMER_RELATIONS' },
    { id: 'sa-li', storeId: STORE, role: 'SERVICE_ADVISOR' },
    { id: 'sm-wang', storeId: STORE, role: 'SERVICE_MANAGER' },
    { id: 'gm-liu', storeId: STORE, role: 'GENERAL_MANAGER', allStores: true },
  ]);
  api = express()
    .use(express.json())
    .use(authenticate(db, clock))
    .use(sessionRouter(db, defaultSignInLimits(), clock))
    .use(notificationRoutes({ commands: createCommandDeps({ db, client: new Client({ connection }), clock }) }))
    .listen(0, '127.0.0.1');
  await new Promise((r) => api.once('listening', r));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  api?.close();
  await connection?.close().catch(() => undefined);
  await db?.$disconnect();
  await Promise.all([smtp?.close(), hooks?.close(), postgres?.stop()]);
});

beforeEach(() => {
  clock.set(DAYTIME);
  dispatcher = createDispatcher({ db, clock, maxAttempts: 3, publicBaseUrl: 'https://lane.example', log: () => undefined });
});

afterEach(() => dispatcher.close());

let vins = 0;
async function vehicle(opts: { storeId?: string; locale?: string; email?: string } = {}): Promise<{ vin: string; phone: string; email: string; ctx: (step?: number) => StepContext }> {
  vins++;
  const vin = `LSVNTFYAB${String(vins).padStart(8, '0')}`;
  const phone = `1390000${String(vins).padStart(4, '0')}`;
  const email = opts.email ?? `customer${vins}@example.com`;
  const storeId = opts.storeId ?? STORE;
  const customer = await db.customer.create({ data: { storeId, name: '王先生', phone, email, locale: opts.locale ?? 'zh-CN' } });
  await db.vehicle.create({
    data: { vin, plate: '苏F12345', model: 'Lavida', storeId, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 12000, mileageRecordedAt: DAYTIME, avgDailyKm: 40, workflowId: `vehicle-${vin}` },
  });
  return { vin, phone, email, ctx: () => ({ workflowId: `vehicle-${vin}`, runId: 'run-1', vin, cycle: 3, at: clock.now().toISOString() }) };
}

const customerOf = (v: { phone: string; email: string }) => ({ name: '王先生', phone: v.phone, email: v.email });
const mailsTo = (address: string) => smtp.mails.filter((m) => m.envelopeTo.includes(address));
const smsTo = (phone: string) => hooks.requests.filter((r) => r.path === '/sms' && r.json?.to === phone);

const tokens = new Map<string, Promise<string>>();
/** As the signed-in `actor` (a bearer token); '' sends no token at all. */
async function call(method: string, path: string, body?: unknown, actor = 'cr-zhao'): Promise<{ status: number; json: any }> {
  if (actor && !tokens.has(actor)) tokens.set(actor, signIn(base, actor));
  const auth: Record<string, string> = actor ? { authorization: `Bearer ${await tokens.get(actor)}` } : {};
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...auth }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

describe('customer messages', () => {
  it('R2: the reminder reaches the SMTP server (recipient, subject, rendered body) and the SMS gateway (JSON), once', async () => {
    const v = await vehicle();
    await acts.queueCustomerMessage(v.ctx(), { template: 'maintenance-reminder', rule: 'R2', customer: customerOf(v), payload: { plate: '苏F12345', dueDate: '2026-12-05' } });
    // An activity retry of the same business step queues nothing more.
    await acts.queueCustomerMessage(v.ctx(), { template: 'maintenance-reminder', rule: 'R2', customer: customerOf(v), payload: { plate: '苏F12345', dueDate: '2026-12-05' } });
    expect(await dispatcher.runOnce()).toBeGreaterThanOrEqual(2);
    await dispatcher.runOnce();

    const mails = mailsTo(v.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0].parsed;
    expect(mail.subject).toBe('【南通示范店】保养提醒：苏F12345');
    expect(mail.text).toContain('王先生您好！您的爱车苏F12345预计在2026年12月5日前后到期做定期保养');
    expect(mail.from?.text).toContain('service@store.example');
    expect(mail.messageId).toBe(messageIdFor(`vehicle-${v.vin}:3:notify:maintenance-reminder:EMAIL`));

    const sms = smsTo(v.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0].headers.authorization).toBe('Bearer sms-t0ken');
    expect(sms[0].headers['idempotency-key']).toBe(`vehicle-${v.vin}:3:notify:maintenance-reminder:SMS`);
    expect(sms[0].json.text).toContain('2026年12月5日');
    expect(sms[0].json.requestId).toBe(`vehicle-${v.vin}:3:notify:maintenance-reminder:SMS`);

    const rows = await db.notification.findMany({ where: { vin: v.vin }, orderBy: { channel: 'asc' } });
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['SMS', 'SENT', 1],
      ['EMAIL', 'SENT', 1],
    ]);
    expect(rows.every((r) => r.body?.includes('苏F12345') && r.sentAt?.getTime() === DAYTIME.getTime())).toBe(true);
    const sent = await db.auditEvent.findMany({ where: { vin: v.vin, action: 'message.sent' } });
    expect(sent).toHaveLength(2);
  });

  it('R15: an English-speaking customer gets the late notice in English, in the store time zone', async () => {
    const v = await vehicle();
    expect((await call('PUT', `/api/vehicles/${v.vin}/customer-locale`, { locale: 'en' })).json).toMatchObject({ locale: 'en' });
    expect((await call('PUT', `/api/vehicles/${v.vin}/customer-locale`, { locale: 'fr' })).status).toBe(400);
    await acts.queueCustomerMessage(v.ctx(), { template: 'late-notice', rule: 'R15', customer: customerOf(v), payload: { plate: '苏F12345', readyAt: '2026-11-23T09:30:00.000Z', reason: 'a part arrived late' } });
    await dispatcher.runOnce();
    const [mail] = mailsTo(v.email);
    expect(mail.parsed.subject).toBe('南通示范店: 苏F12345 will be later than promised — our apologies');
    expect(mail.parsed.text).toContain('Reason: a part arrived late.');
    expect(mail.parsed.text).toMatch(/ready at .*November 23.*17:30/);
  });

  it("a store's own wording (edited over the API, no code change) is what goes out; a wording that does not render is refused", async () => {
    const v = await vehicle();
    expect((await call('PUT', '/api/templates/pickup-notice/zh-CN', { storeId: STORE, subject: '{{plate}}', body: '请来取车' })).status).toBe(403);
    const refused = await call('PUT', '/api/templates/pickup-notice/zh-CN', { storeId: STORE, subject: '取车 {{plaet}}', body: '请来取车' }, 'sm-wang');
    expect(refused.status).toBe(422);
    expect(refused.json.error).toContain('plaet');
    const saved = await call('PUT', '/api/templates/pickup-notice/zh-CN', { storeId: STORE, subject: '{{plate}}可以取车啦', body: '{{customerName}}，{{dateTime readyAt}}来取车。{{storeName}}' }, 'sm-wang');
    expect(saved.status).toBe(200);
    expect(await db.storeAuditEvent.findFirstOrThrow({ where: { storeId: STORE, action: 'template.saved' } })).toMatchObject({ actor: 'sm-wang', data: { key: 'pickup-notice', locale: 'zh-CN', subject: '{{plate}}可以取车啦' } });
    const preview = await call('POST', '/api/templates/pickup-notice/preview', { storeId: STORE, locale: 'zh-CN' }, 'sm-wang');
    expect(preview.json).toMatchObject({ origin: 'store', subject: '苏F12345可以取车啦' });

    await acts.queueCustomerMessage(v.ctx(), { template: 'pickup-notice', rule: 'R15', customer: customerOf(v), payload: { plate: '苏F12345', readyAt: '2026-11-23T07:00:00.000Z' } });
    await dispatcher.runOnce();
    expect(mailsTo(v.email)[0].parsed.subject).toBe('苏F12345可以取车啦');
    expect(mailsTo(v.email)[0].parsed.text).toMatch(/^王先生，11月23日.*15:00来取车。南通示范店/);
    expect((await call('DELETE', `/api/templates/pickup-notice/zh-CN?store=${STORE}`, undefined, 'sm-wang')).status).toBe(204);
    expect(await db.storeAuditEvent.findFirstOrThrow({ where: { storeId: STORE, action: 'template.reset' } })).toMatchObject({ actor: 'sm-wang', data: { key: 'pickup-notice', locale: 'zh-CN' } });
  });

  it('quiet hours: at 22:00 store time a customer message waits for 09:00; it goes out then', async () => {
    const v = await vehicle();
    clock.set(NIGHT);
    await acts.queueCustomerMessage(v.ctx(), { template: 'appointment-reminder', rule: 'R11', customer: customerOf(v), payload: { plate: '苏F12345', bookedFor: '2026-11-24T02:00:00.000Z' } });
    await dispatcher.runOnce();
    let rows = await db.notification.findMany({ where: { vin: v.vin } });
    expect(rows.map((r) => [r.status, r.attempts, r.failureReason])).toEqual([
      ['QUEUED', 0, 'held for quiet hours until 2026-11-24T01:00:00.000Z'],
      ['QUEUED', 0, 'held for quiet hours until 2026-11-24T01:00:00.000Z'],
    ]);
    expect(smsTo(v.phone)).toHaveLength(0);
    clock.set(new Date('2026-11-24T00:59:00.000Z'));
    await dispatcher.runOnce();
    expect(smsTo(v.phone)).toHaveLength(0);
    clock.set(new Date('2026-11-24T01:00:00.000Z'));
    await dispatcher.runOnce();
    rows = await db.notification.findMany({ where: { vin: v.vin } });
    expect(rows.map((r) => r.status)).toEqual(['SENT', 'SENT']);
    expect(smsTo(v.phone)).toHaveLength(1);
  });

  it('opt-out: a customer who opted out of SMS gets none (the reason is on the row and in the audit); e-mail still goes', async () => {
    const v = await vehicle();
    expect((await call('POST', `/api/vehicles/${v.vin}/opt-outs`, { channel: 'SMS', reason: '客户要求不再接收短信' })).status).toBe(201);
    await acts.queueCustomerMessage(v.ctx(), { template: 'maintenance-reminder', rule: 'R2', customer: customerOf(v), payload: { plate: '苏F12345', dueDate: '2026-12-05' } });
    await dispatcher.runOnce();
    expect(smsTo(v.phone)).toHaveLength(0);
    expect(mailsTo(v.email)).toHaveLength(1);
    const { json } = await call('GET', `/api/vehicles/${v.vin}/messages`);
    expect(json.optOuts).toEqual([expect.objectContaining({ channel: 'SMS', reason: '客户要求不再接收短信', recordedBy: 'cr-zhao' })]);
    const sms = json.messages.find((m: any) => m.channel === 'SMS');
    expect(sms.status).toBe('SUPPRESSED');
    expect(sms.failureReason).toMatch(/^customer opted out of SMS .*客户要求不再接收短信; recorded by cr-zhao/);
    const audit = await db.auditEvent.findMany({ where: { vin: v.vin, action: { in: ['customer.opted-out', 'message.suppressed'] } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['customer.opted-out', 'cr-zhao'],
      ['message.suppressed', 'outbox-sender'],
    ]);
  });
});

describe('messages that go with a step', () => {
  it('R13 additional work in writing, R17 survey, R20 7DC and R22 first-service messages are queued with their step and rendered from the database facts', async () => {
    const v = await vehicle();
    await db.staff.create({ data: { id: 'sales-zhou', storeId: STORE, name: '周销售', role: 'SALES_CONSULTANT' } });
    await db.vehicle.update({ where: { vin: v.vin }, data: { salesConsultantId: 'sales-zhou' } });
    const order = await db.repairOrder.create({ data: { idempotencyKey: `ro-${v.vin}`, vin: v.vin, cycle: 3, status: 'IN_PROGRESS' } });
    const report = { actor: 'td-chen', extraHours: 2, items: [{ description: '前刹车片更换', priceCny: 480, safety: true }, { description: '空调滤芯', priceCny: 120 }] };
    await acts.reportAdditionalWork(v.ctx(), report as never, order.id, 1, '2026-11-23T03:00:00.000Z');
    await acts.reportAdditionalWork(v.ctx(), report as never, order.id, 1, '2026-11-23T03:00:00.000Z');
    await acts.openTask(v.ctx(), { kind: 'FOLLOW_UP_CALL', rule: 'R17', dueAt: '2026-11-23T10:00:00.000Z', assigneeRole: 'CUSTOMER_RELATIONS' });
    const care = { ...v.ctx(), workflowId: `care-${v.vin}`, cycle: 2026 };
    await acts.openTask(care, { kind: 'NEW_CAR_7DC_CALL', rule: 'R20', dueAt: '2026-11-25T10:00:00.000Z', assigneeRole: 'CUSTOMER_RELATIONS' });
    await acts.openTask(care, { kind: 'FIRST_SERVICE_CONFIRMATION_CALL', rule: 'R22', dueAt: '2026-11-25T10:00:00.000Z', assigneeRole: 'SALES_CONSULTANT' });
    await dispatcher.runOnce();

    const rows = await db.notification.findMany({ where: { vin: v.vin, channel: 'EMAIL' }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.rule, r.template, r.status])).toEqual([
      ['R13', 'additional-work', 'SENT'],
      ['R17', 'survey-invitation', 'SENT'],
      ['R20', 'new-car-care', 'SENT'],
      ['R22', 'first-service-invitation', 'SENT'],
    ]);
    const text = (template: string) => mailsTo(v.email).find((m) => m.parsed.text?.includes(rows.find((r) => r.template === template)!.body!.slice(0, 30)))!.parsed.text!;
    expect(text('additional-work')).toContain('- 前刹车片更换：480.00元（涉及行车安全）\n- 空调滤芯：120.00元\n');
    expect(text('additional-work')).toContain('推迟约2小时');
    expect(text('survey-invitation')).toContain('感谢您于2026年11月23日到店为苏F12345做保养');
    expect(text('new-car-care')).toMatch(/新车苏F12345已陪伴您\d+天/);
    expect(text('first-service-invitation')).toContain('需在2025年9月1日前完成首次保养。您的销售顾问周销售将与您确认');
    expect(smsTo(v.phone)).toHaveLength(4);
  });
});

describe('failures', () => {
  it('a gateway that keeps failing is retried with back-off; the last failure becomes a task for customer relations', async () => {
    const v = await vehicle();
    let calls = 0;
    hooks.answer('/sms', (req) => (req.json?.to === v.phone ? (calls++, { status: 503, body: { error: 'busy' } }) : { status: 200, body: { id: 'ok' } }));
    try {
      await acts.queueCustomerMessage(v.ctx(), { template: 'appointment-reminder', rule: 'R11', customer: customerOf(v), payload: { plate: '苏F12345', bookedFor: '2026-11-23T06:00:00.000Z' } });
      await dispatcher.runOnce();
      let sms = await db.notification.findFirstOrThrow({ where: { vin: v.vin, channel: 'SMS' } });
      expect([sms.status, sms.attempts, sms.nextAttemptAt.toISOString()]).toEqual(['QUEUED', 1, '2026-11-23T02:01:00.000Z']);
      expect(sms.failureReason).toContain('HTTP 503');
      clock.set(new Date('2026-11-23T02:00:59.000Z'));
      await dispatcher.runOnce();
      expect(calls).toBe(1);
      clock.set(new Date('2026-11-23T02:01:00.000Z'));
      await dispatcher.runOnce();
      sms = await db.notification.findFirstOrThrow({ where: { vin: v.vin, channel: 'SMS' } });
      expect([sms.status, sms.attempts, sms.nextAttemptAt.toISOString()]).toEqual(['QUEUED', 2, '2026-11-23T02:03:00.000Z']);
      clock.set(new Date('2026-11-23T02:03:00.000Z'));
      await dispatcher.runOnce();
      sms = await db.notification.findFirstOrThrow({ where: { vin: v.vin, channel: 'SMS' } });
      expect(sms.status).toBe('FAILED');
      expect(sms.failureReason).toMatch(/^gave up after 3 attempts: SMS gateway answered HTTP 503/);
      expect(calls).toBe(3);
      const tasks = await db.task.findMany({ where: { vin: v.vin } });
      expect(tasks.map((t) => [t.kind, t.rule, t.assigneeRole, t.status])).toEqual([['UNDELIVERED_MESSAGE', 'R11', 'CUSTOMER_RELATIONS', 'OPEN']]);
      clock.set(new Date('2026-11-23T05:00:00.000Z'));
      await dispatcher.runOnce();
      expect(calls).toBe(3);

      // A person fixes the cause and sends it again by hand.
      hooks.answer('/sms', () => ({ status: 200, body: { id: 'sms-retried' } }));
      expect((await call('POST', `/api/outbox/${sms.id}/retry`, {}, 'cr-zhao')).json.status).toBe('QUEUED');
      expect((await db.task.findFirstOrThrow({ where: { vin: v.vin, kind: 'UNDELIVERED_MESSAGE' } })).status).toBe('DONE');
      expect((await call('POST', `/api/outbox/${sms.id}/retry`)).status).toBe(409);
      clock.set(new Date('2026-11-23T05:00:00.000Z'));
      dispatcher = createDispatcher({ db, clock, log: () => undefined });
      await dispatcher.runOnce();
      sms = await db.notification.findFirstOrThrow({ where: { vin: v.vin, channel: 'SMS' } });
      expect([sms.status, sms.providerId]).toEqual(['SENT', 'sms-retried']);
    } finally {
      hooks.answer('/sms', () => ({ status: 200, body: { id: 'ok' } }));
    }
  });

  it('a mailbox the SMTP server refuses (550) is bounced at once, not retried, and becomes a task', async () => {
    const v = await vehicle({ email: 'nobody@example.com' });
    await acts.queueCustomerMessage(v.ctx(), { template: 'pickup-notice', rule: 'R15', customer: customerOf(v), payload: { plate: '苏F12345', readyAt: '2026-11-23T07:00:00.000Z' } });
    await dispatcher.runOnce();
    const mail = await db.notification.findFirstOrThrow({ where: { vin: v.vin, channel: 'EMAIL' } });
    expect([mail.status, mail.attempts]).toEqual(['BOUNCED', 1]);
    expect(mail.failureReason).toMatch(/^bounced: .*550/);
    expect(await db.task.count({ where: { vin: v.vin, kind: 'UNDELIVERED_MESSAGE' } })).toBe(1);
    expect(await db.auditEvent.count({ where: { vin: v.vin, action: 'message.bounced' } })).toBe(1);

    // The SA phones the customer instead and says so: the task is done, the message stays BOUNCED.
    expect((await call('POST', `/api/outbox/${mail.id}/resolve`, {})).status).toBe(400);
    const resolved = await call('POST', `/api/outbox/${mail.id}/resolve`, { note: '已电话通知客户取车' }, 'sa-li');
    expect(resolved.json).toMatchObject({ status: 'BOUNCED', failureReason: expect.stringContaining('resolved by sa-li: 已电话通知客户取车') });
    expect(await db.task.findFirstOrThrow({ where: { vin: v.vin, kind: 'UNDELIVERED_MESSAGE' } })).toMatchObject({ status: 'DONE', completedBy: 'sa-li' });
    expect(await db.auditEvent.count({ where: { vin: v.vin, action: 'message.resolved', actor: 'sa-li' } })).toBe(1);
  });

  it('with no channel configured the message stays in the outbox, visible over the API with the reason', async () => {
    const v = await vehicle({ storeId: 'store-offline' });
    await acts.queueCustomerMessage(v.ctx(), { template: 'maintenance-reminder', rule: 'R2', customer: customerOf(v), payload: { plate: '苏F12345', dueDate: '2026-12-05' } });
    await dispatcher.runOnce();
    // A person of another store does not see this store's outbox, whatever the query asks.
    expect((await call('GET', '/api/outbox?store=store-offline&status=QUEUED')).json.messages.some((m: any) => m.vin === v.vin)).toBe(false);
    const { status, json } = await call('GET', '/api/outbox?store=store-offline&status=QUEUED', undefined, 'gm-liu');
    expect(status).toBe(200);
    expect(json.messages.map((m: any) => [m.channel, m.attempts, m.failureReason])).toEqual(
      expect.arrayContaining([
        ['SMS', 0, 'no SMS channel configured for store store-offline: kept in the outbox'],
        ['EMAIL', 0, 'no EMAIL channel configured for store store-offline: kept in the outbox'],
      ]),
    );
    expect(json.counts.QUEUED).toBe(2);

    // Configuring the channel lets the waiting message go at the sender's next pass.
    clock.set(new Date(DAYTIME.getTime() + 60_000));
    expect((await call('PUT', '/api/stores/store-offline/channels/SMS', { config: { url: `${hooks.url}/sms` } }, 'sm-wang')).status).toBe(403);
    const configured = await call('PUT', '/api/stores/store-offline/channels/SMS', { config: { url: `${hooks.url}/sms` } }, 'gm-liu');
    expect(configured.json).toMatchObject({ channel: 'SMS', enabled: true, woken: 1, updatedBy: 'gm-liu' });
    // The store's own audit chain records who configured it, at the product's clock.
    expect(await db.storeAuditEvent.findFirstOrThrow({ where: { storeId: 'store-offline', action: 'channel.configured' } })).toMatchObject({ actor: 'gm-liu', occurredAt: clock.now(), data: { channel: 'SMS', enabled: true } });
    await dispatcher.runOnce();
    expect(smsTo(v.phone)).toHaveLength(1);
    expect((await db.notification.findFirstOrThrow({ where: { vin: v.vin, channel: 'SMS' } })).status).toBe('SENT');
  });
});

describe('R18 / R24 pages', () => {
  it('a page goes out at night by e-mail with its ack link, and to the WeCom and DingTalk robots in their JSON formats', async () => {
    const v = await vehicle();
    clock.set(NIGHT);
    const ctx: StepContext = { workflowId: `failure-${v.vin}-c3`, runId: 'run-t', vin: v.vin, cycle: 3, at: NIGHT.toISOString() };
    await acts.openFailureTicket(ctx, { vin: v.vin, storeId: STORE, cycle: 3, grade: 'C', reason: 'CSI quality score 6', rule: 'R18', openedBy: 'cr-zhao' } as never, 'SERVICE_SUPERVISOR', '2026-11-24T14:00:00.000Z');
    await acts.pageEscalationLevel(ctx, { storeId: STORE, level: 0, round: 0, roles: ['SERVICE_SUPERVISOR'], answerBy: '2026-11-24T14:00:00.000Z', grade: 'C', reason: 'CSI quality score 6' });
    const before = hooks.requests.length;
    await dispatcher.runOnce();

    const rows = await db.notification.findMany({ where: { vin: v.vin }, orderBy: { channel: 'asc' } });
    expect(rows.map((r) => [r.channel, r.recipient, r.status])).toEqual([
      ['PAGE', 'wu@store.example', 'SENT'],
      ['WECOM', 'group', 'SENT'],
      ['DINGTALK', 'group', 'SENT'],
    ]);
    const page = rows[0];
    const [mail] = mailsTo('wu@store.example').filter((m) => m.parsed.text?.includes(v.vin));
    expect(mail.parsed.subject).toBe(`【服务失败补救单】C级 · ${v.vin} · 第0级`);
    expect(mail.parsed.text).toContain(`https://lane.example/api/pages/${page.ackCode}/ack`);
    expect(mail.parsed.text).toContain('11月24日');

    const robots = hooks.requests.slice(before);
    const wecom = robots.find((r) => r.path === '/cgi-bin/webhook/send')!;
    expect(wecom.query.get('key')).toBe('wecom-key');
    expect(wecom.json).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining(`**【服务失败补救单】C级 · ${v.vin} · 第0级**\n> 服务失败补救单（R18，C级）`) } });
    expect(wecom.json.markdown.content).toContain(`/api/pages/${rows[1].ackCode}/ack`);

    const ding = robots.find((r) => r.path === '/robot/send')!;
    expect(ding.query.get('access_token')).toBe('ding-token');
    const timestamp = ding.query.get('timestamp')!;
    expect(ding.query.get('sign')).toBe(createHmac('sha256', 'SECdingsecret').update(`${timestamp}\nSECdingsecret`).digest('base64'));
    expect(ding.json).toEqual({
      msgtype: 'markdown',
      markdown: { title: `【服务失败补救单】C级 · ${v.vin} · 第0级`, text: expect.stringContaining(`### 【服务失败补救单】C级 · ${v.vin} · 第0级\n\n`) },
      at: { atMobiles: [], isAtAll: false },
    });
  });
});

describe('API for the admin UI', () => {
  it('lists templates, previews any of them with sample data (template managers), and answers bad input with a reason', async () => {
    const list = await call('GET', '/api/templates');
    expect(list.json.templates.map((t: any) => t.key)).toContain('failure-ticket-page');
    const preview = await call('POST', '/api/templates/late-notice/preview', { locale: 'en', variables: { reason: 'waiting for a part' } }, 'sm-wang');
    expect(preview.status).toBe(200);
    expect(preview.json.body).toContain('Reason: waiting for a part.');
    expect((await call('POST', '/api/templates/late-notice/preview', { locale: 'en', body: '{{nope}}' }, 'sm-wang')).status).toBe(422);
    expect((await call('POST', '/api/templates/no-such/preview', {}, 'sm-wang')).status).toBe(404);
    expect((await call('POST', '/api/templates/late-notice/preview', { locale: 'fr' }, 'sm-wang')).status).toBe(400);
    expect((await call('GET', '/api/outbox?status=LOST')).status).toBe(400);
    expect((await call('PUT', `/api/stores/${STORE}/channels/SMS`, { config: { url: 'not a url' } }, 'sm-wang')).status).toBe(400);
    // Outbound safety: destinations are checked when configured, with the reason (README "Outbound safety").
    const refused = async (channel: string, config: unknown) => {
      const res = await call('PUT', `/api/stores/${STORE}/channels/${channel}`, { config }, 'sm-wang');
      expect(res.status).toBe(422);
      return res.json.error as string;
    };
    expect(await refused('SMS', { url: 'https://10.0.0.5/sms' })).toContain('SMS channel refused: host 10.0.0.5 resolves to a private, loopback or link-local address');
    expect(await refused('WECOM', { webhookUrl: 'https://169.254.169.254/latest/meta-data/' })).toContain('cloud metadata address');
    expect(await refused('SMS', { provider: 'tencent', secretId: 'AKID1', secretKey: 'k', sdkAppId: '1400000001', signName: '店', endpoint: 'http://[::1]:9/', templates: {} })).toContain('private, loopback or link-local');
    expect(await refused('EMAIL', { url: 'smtp://mailer:pw@192.168.1.20:25', from: 'a@b.cn' })).toContain('EMAIL channel refused: host 192.168.1.20');
    expect((await call('GET', `/api/stores/${STORE}/channels`)).status).toBe(403);
    const channels = await call('GET', `/api/stores/${STORE}/channels`, undefined, 'sm-wang');
    expect(channels.json.channels.find((c: any) => c.channel === 'SMS')).toMatchObject({ source: 'store', enabled: true, config: { authHeader: 'Authorization: ***' } });
    expect(channels.json.channels.find((c: any) => c.channel === 'DINGTALK').config).toMatchObject({ secret: '***', webhookUrl: expect.stringContaining('access_token=***') });
    expect((await call('POST', '/api/vehicles/LSVNTFYAB99999999/opt-outs', { channel: 'SMS', reason: 'no' })).status).toBe(404);
    expect((await call('POST', '/api/vehicles/LSVNTFYAB00000001/opt-outs', { channel: 'FAX', reason: 'no' })).status).toBe(400);
    expect((await call('POST', '/api/vehicles/LSVNTFYAB00000001/opt-outs', { channel: 'SMS', reason: 'no' }, '')).status).toBe(401);
  });
});

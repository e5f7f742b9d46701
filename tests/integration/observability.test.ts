// Issue 18 on a real PostgreSQL: request ids in JSON logs that leak no phone number, token or password;
// /metrics whose business gauges match the rows (the failing-lifecycles gauge matching the managers'
// stuck list); /readyz naming the part that does not answer. Temporal is never reached: the client's
// connection is lazy and points nowhere, or a stub answers for it.
import { Client, Connection } from '@temporalio/client';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { settableClock } from '../../runtime/clock';
import { createLogger } from '../../runtime/logger';
import { applyMigrations } from '../../runtime/migrate';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff, signIn, TEST_PASSWORD } from '../support/staff';

const STORE = 'obs-store';
const GM = 'obs-gm';
const NOW = new Date('2026-03-10T02:00:00Z');
const PHONE = '13912345678';
const MINUTE = 60_000;

let postgres: TestPostgres;
let db: Db;
const lines: string[] = [];
const clock = settableClock(NOW);
const servers: Server[] = [];

async function listen(client: Client): Promise<string> {
  const server = createApp({ client, db, clock, logger: createLogger({ write: (line: string) => void lines.push(line) }, 'info') }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const unreachableTemporal = () => new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
let base: string;
let token: string;

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: 'Observability store' } });
  const customer = await db.customer.create({ data: { storeId: STORE, name: '王小明', phone: PHONE } });
  const vehicles = ['LSVOBS00000000001', 'LSVOBS00000000002'];
  for (const [i, vin] of vehicles.entries()) {
    await db.vehicle.create({ data: { vin, plate: `苏A0000${i}`, model: 'Sagitar', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-01-01'), mileageKm: 9000, mileageRecordedAt: NOW, avgDailyKm: 30, workflowId: `lifecycle-${vin}` } });
  }
  const task = (n: number, kind: 'REMINDER_CALL' | 'DELIVERY', status: 'OPEN' | 'DONE', dueMinutes: number) => ({
    idempotencyKey: `obs-task-${n}`,
    vin: vehicles[0],
    workflowId: `lifecycle-${vehicles[0]}`,
    cycle: 1,
    kind,
    rule: 'R1',
    status,
    dueAt: new Date(NOW.getTime() + dueMinutes * MINUTE),
    assigneeRole: 'CUSTOMER_RELATIONS' as const,
  });
  await db.task.createMany({ data: [task(1, 'REMINDER_CALL', 'OPEN', -60), task(2, 'REMINDER_CALL', 'OPEN', 60), task(3, 'REMINDER_CALL', 'OPEN', 120), task(4, 'DELIVERY', 'OPEN', -5), task(5, 'DELIVERY', 'DONE', -500)] });
  const message = (n: number, status: 'QUEUED' | 'SENT' | 'FAILED', scheduledMinutes: number) => ({
    idempotencyKey: `obs-msg-${n}`,
    vin: vehicles[0],
    channel: 'SMS' as const,
    template: 'reminder',
    rule: 'R1',
    recipient: PHONE,
    payload: {},
    status,
    scheduledFor: new Date(NOW.getTime() + scheduledMinutes * MINUTE),
  });
  // The oldest due queued message was due 45 minutes ago; one held back for quiet hours is not late.
  await db.notification.createMany({ data: [message(1, 'QUEUED', -45), message(2, 'QUEUED', -3), message(3, 'QUEUED', 300), message(4, 'SENT', -900), message(5, 'FAILED', -900)] });
  const trouble = (n: number, vin: string, failingMinutes: number) => ({
    workflowId: `lifecycle-${vin}`,
    runId: `run-${n}`,
    activityId: String(n),
    activityType: 'closeLifecycle',
    vin,
    firstFailedAt: new Date(NOW.getTime() - failingMinutes * MINUTE),
    lastFailedAt: NOW,
    attempts: 5,
    lastError: 'the database is down',
  });
  await db.activityTrouble.createMany({ data: [trouble(1, vehicles[0], 30), trouble(2, vehicles[1], 11), trouble(3, vehicles[1], 2)] });
  base = await listen(unreachableTemporal());
  await addStaff(db, [{ id: GM, storeId: STORE, role: 'GENERAL_MANAGER', allStores: true }]);
  token = await signIn(base, GM);
}, 120_000);

afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  await db?.$disconnect();
  await postgres?.stop();
});

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

test('every request gets a request id, echoed in the response and on its JSON log line', async () => {
  const given = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'probe-1234abcd' } });
  expect(given.headers.get('x-request-id')).toBe('probe-1234abcd');
  // An id that could break a log line or a header is replaced, not trusted.
  const insane = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'x' } });
  const generated = insane.headers.get('x-request-id')!;
  expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  const requestLines = logged().filter((l) => l.msg === 'request completed');
  expect(requestLines.find((l) => l.requestId === 'probe-1234abcd')).toMatchObject({ level: 30, req: { method: 'GET', url: '/healthz' }, res: { statusCode: 200 } });
  expect(requestLines.some((l) => l.requestId === generated)).toBe(true);
});

test('phone numbers, tokens and passwords sent in a request leave no trace in the logs', async () => {
  const before = lines.length;
  const secretToken = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg';
  await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `sl_session=${secretToken}` }, body: JSON.stringify({ staffId: GM, password: 'wrong-password-987' }) });
  await fetch(`${base}/api/vehicles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secretToken}` }, body: JSON.stringify({ phone: PHONE, name: '王小明' }) });
  await fetch(`${base}/api/vehicles/LSVOBS00000000001?phone=${PHONE}&token=${secretToken}`, { headers: { authorization: `Bearer ${token}` } });
  await fetch(`${base}/setup/${secretToken}`);
  const text = lines.slice(before).join('');
  expect(lines.length - before).toBeGreaterThanOrEqual(4);
  for (const secret of [PHONE, secretToken, token, 'wrong-password-987', TEST_PASSWORD]) expect(text).not.toContain(secret);
});

async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const match = /^(service_lane_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}

test('/metrics: open tasks, the outbox and failing lifecycles as the rows say', async () => {
  const m = await scrape();
  expect(m.get('service_lane_open_tasks{kind="REMINDER_CALL",overdue="true"}')).toBe(1);
  expect(m.get('service_lane_open_tasks{kind="REMINDER_CALL",overdue="false"}')).toBe(2);
  expect(m.get('service_lane_open_tasks{kind="DELIVERY",overdue="true"}')).toBe(1);
  expect(m.get('service_lane_open_tasks{kind="DELIVERY",overdue="false"}')).toBe(0);
  expect(m.get('service_lane_outbox_messages{status="QUEUED"}')).toBe(3);
  expect(m.get('service_lane_outbox_messages{status="SENT"}')).toBe(1);
  expect(m.get('service_lane_outbox_messages{status="FAILED"}')).toBe(1);
  expect(m.get('service_lane_outbox_messages{status="BOUNCED"}')).toBe(0);
  expect(m.get('service_lane_outbox_oldest_queued_age_seconds')).toBe(45 * 60);

  const stuck = await fetch(`${base}/api/workflows/stuck`, { headers: { authorization: `Bearer ${token}` } });
  const listed = ((await stuck.json()) as { lifecycles: unknown[] }).lifecycles.length;
  expect(listed).toBe(2);
  expect(m.get('service_lane_failing_lifecycles')).toBe(listed);
  // As time passes, the gauge and the list move together.
  clock.advance(9 * MINUTE);
  const later = await fetch(`${base}/api/workflows/stuck`, { headers: { authorization: `Bearer ${token}` } });
  expect((await scrape()).get('service_lane_failing_lifecycles')).toBe(((await later.json()) as { lifecycles: unknown[] }).lifecycles.length);
  clock.set(NOW);
});

test('/metrics counts refused sign-ins', async () => {
  const before = (await scrape()).get('service_lane_sign_in_failures_total{kind="api",reason="wrong_credentials"}') ?? 0;
  await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 'nobody', password: 'nothing-here' }) });
  expect((await scrape()).get('service_lane_sign_in_failures_total{kind="api",reason="wrong_credentials"}')).toBe(before + 1);
});

test('/readyz: 503 naming Temporal when it does not answer, 200 when the database and Temporal both do', async () => {
  const down = await fetch(`${base}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({ ok: false, checks: { database: 'ok', temporal: 'unreachable' }, failed: ['temporal'] });

  const answering = unreachableTemporal();
  jest.spyOn(answering.workflowService, 'getSystemInfo').mockResolvedValue({} as Awaited<ReturnType<typeof answering.workflowService.getSystemInfo>>);
  const up = await fetch(`${await listen(answering)}/readyz`);
  expect(up.status).toBe(200);
  expect(await up.json()).toEqual({ ok: true, checks: { database: 'ok', temporal: 'ok' } });
  // Liveness stays what it was: the process answers.
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
});

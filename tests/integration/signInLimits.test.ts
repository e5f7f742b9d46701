// Sign-in (issue 18) on a real PostgreSQL, with two API processes over one database (Temporal is never
// reached): one limit shared by the API, the web form and every process; a right password does not clear
// the client address's count; concurrent guesses cannot slip past the count; `trust proxy` decides whose
// address counts and whether cookies are Secure; a password hashed at another cost is hashed again.
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { configuredCost, hashPassword, verifyPassword } from '../../api/auth/passwords';
import type { SignInLimits } from '../../api/auth/signIn';
import type { TrustProxy } from '../../runtime/config';
import { applyMigrations } from '../../runtime/migrate';
import { createWebRouter } from '../../web/router';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff, TEST_PASSWORD } from '../support/staff';

const STORE = 'store-limits';
const LIMITS: SignInLimits = { perStaff: { maxFailures: 3, windowMs: 15 * 60_000 }, perAddress: { maxFailures: 6, windowMs: 15 * 60_000 } };

let postgres: TestPostgres;
let db: Db;
let connection: Connection;
const servers: Server[] = [];
/** Two API processes of one deployment behind a proxy on loopback, and one reached directly. */
let apiA: string;
let apiB: string;
let direct: string;

async function listen(limits: SignInLimits, trustProxy: TrustProxy): Promise<string> {
  const client = new Client({ connection });
  const routers = [createWebRouter({ client, db, signInLimits: limits, temporalUiUrl: 'http://127.0.0.1:8233' })];
  const server = createApp({ client, db, signInLimits: limits, trustProxy, routers }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '限流测试店' } });
  await addStaff(db, ['shared', 'addr-ok', 'burst', 'slow', 'proxied', 'direct', 'old-hash'].map((id) => ({ id, storeId: STORE, role: 'SERVICE_ADVISOR' as const })));
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  apiA = await listen(LIMITS, ['loopback']);
  apiB = await listen(LIMITS, ['loopback']);
  direct = await listen(LIMITS, false);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await connection?.close().catch(() => undefined);
  await db?.$disconnect();
  await postgres?.stop();
});

function apiSignIn(base: string, staffId: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ staffId, password }) });
}

async function webSignIn(base: string, staffId: string, password: string, headers: Record<string, string> = {}) {
  const form = await fetch(`${base}/login`, { headers });
  const loginCookie = form.headers.get('set-cookie')!.split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  return fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie, ...headers }, body: new URLSearchParams({ _csrf: csrf, staffId, password }) });
}

const from = (address: string) => ({ 'x-forwarded-for': address });

test("one person's failures count across the API, the web form and both processes", async () => {
  const client = from('203.0.113.10');
  expect((await apiSignIn(apiA, 'shared', 'wrong-1', client)).status).toBe(401);
  expect((await webSignIn(apiB, 'shared', 'wrong-2', client)).status).toBe(401);
  expect((await apiSignIn(apiB, 'shared', 'wrong-3', client)).status).toBe(401);
  // The right password now, anywhere, from anywhere: the person is locked out for the window.
  const api = await apiSignIn(apiA, 'shared', TEST_PASSWORD, from('203.0.113.11'));
  expect(api.status).toBe(429);
  expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
  const web = await webSignIn(apiB, 'shared', TEST_PASSWORD, from('203.0.113.12'));
  expect(web.status).toBe(429);
  expect(await web.text()).toContain('失败次数过多');
  expect(await db.signInFailure.count({ where: { key: 'staff:shared' } })).toBe(3);
});

test("a right password clears the person's count but not the client address's", async () => {
  const client = from('203.0.113.20');
  for (const id of ['guess-1', 'guess-2', 'guess-3', 'guess-4']) expect((await apiSignIn(apiA, id, 'nope', client)).status).toBe(401);
  expect((await apiSignIn(apiB, 'addr-ok', 'wrong', client)).status).toBe(401);
  expect((await apiSignIn(apiA, 'addr-ok', TEST_PASSWORD, client)).status).toBe(201);
  expect(await db.signInFailure.count({ where: { key: 'staff:addr-ok' } })).toBe(0);
  // Five failures still stand for the address; the sixth fills it, whoever it names.
  expect((await webSignIn(apiB, 'guess-5', 'nope', client)).status).toBe(401);
  expect((await apiSignIn(apiA, 'addr-ok', TEST_PASSWORD, client)).status).toBe(429);
  // Another address is not held back by it.
  expect((await apiSignIn(apiA, 'addr-ok', TEST_PASSWORD, from('203.0.113.21'))).status).toBe(201);
});

test('concurrent guesses on both processes get exactly the limit through, the rest 429', async () => {
  const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => apiSignIn(i % 2 ? apiA : apiB, 'burst', `guess-${i}`, from(`198.51.100.${i}`)).then((r) => r.status)));
  expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.perStaff.maxFailures);
  expect(statuses.filter((s) => s === 429)).toHaveLength(12 - LIMITS.perStaff.maxFailures);
  expect(await db.signInFailure.count({ where: { key: 'staff:burst' } })).toBe(LIMITS.perStaff.maxFailures);
});

test('the window slides: once the failures that filled it are older than the window, the person may try again', async () => {
  const short = await listen({ perStaff: { maxFailures: 2, windowMs: 1_500 }, perAddress: LIMITS.perAddress }, ['loopback']);
  const client = from('203.0.113.30');
  expect((await apiSignIn(short, 'slow', 'wrong', client)).status).toBe(401);
  expect((await apiSignIn(short, 'slow', 'wrong', client)).status).toBe(401);
  const limited = await apiSignIn(short, 'slow', TEST_PASSWORD, client);
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(2);
  let status = limited.status;
  const deadline = Date.now() + 10_000;
  while (status === 429 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    status = (await apiSignIn(short, 'slow', TEST_PASSWORD, client)).status;
  }
  expect(status).toBe(201);
});

test('behind a trusted proxy the forwarded address counts and cookies are Secure; reached directly, forwarded headers are ignored', async () => {
  const proxied = await webSignIn(apiA, 'proxied', TEST_PASSWORD, { ...from('203.0.113.40'), 'x-forwarded-proto': 'https' });
  expect(proxied.status).toBe(302);
  expect(proxied.headers.get('set-cookie')).toMatch(/sl_session=[^;]+;.*Secure/i);
  expect((await apiSignIn(apiA, 'proxied', 'wrong', from('203.0.113.41'))).status).toBe(401);
  expect(await db.signInFailure.count({ where: { key: 'address:203.0.113.41' } })).toBe(1);
  // The proxy's socket is loopback, but what it forwards is not this host's own scrape.
  expect((await fetch(`${apiA}/metrics`, { headers: from('203.0.113.42') })).status).toBe(403);
  expect((await fetch(`${apiA}/metrics`)).status).toBe(200);

  const spoofed = { ...from('203.0.113.50'), 'x-forwarded-proto': 'https' };
  const plain = await webSignIn(direct, 'direct', TEST_PASSWORD, spoofed);
  expect(plain.status).toBe(302);
  expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i);
  expect((await apiSignIn(direct, 'direct', 'wrong', spoofed)).status).toBe(401);
  expect(await db.signInFailure.count({ where: { key: 'address:203.0.113.50' } })).toBe(0);
  expect(await db.signInFailure.count({ where: { key: 'address:127.0.0.1' } })).toBe(1);
});

test('a password hashed at another cost is hashed again at the configured cost on sign-in, once', async () => {
  const old = await hashPassword(TEST_PASSWORD, { N: 1024, r: 8, p: 1 });
  await db.staff.update({ where: { id: 'old-hash' }, data: { passwordHash: old } });
  expect((await apiSignIn(apiA, 'old-hash', TEST_PASSWORD, from('203.0.113.60'))).status).toBe(201);
  const rehashed = (await db.staff.findUniqueOrThrow({ where: { id: 'old-hash' } })).passwordHash!;
  expect(rehashed.startsWith(`scrypt$${configuredCost().N}$8$1$`)).toBe(true);
  expect(await verifyPassword(TEST_PASSWORD, rehashed)).toBe(true);
  expect((await apiSignIn(apiB, 'old-hash', TEST_PASSWORD, from('203.0.113.60'))).status).toBe(201);
  expect((await db.staff.findUniqueOrThrow({ where: { id: 'old-hash' } })).passwordHash).toBe(rehashed);
});

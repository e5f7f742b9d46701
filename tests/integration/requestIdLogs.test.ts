// Issue 18, logs of a whole flow through the product as `npm start` wires it (real dev server, worker and
// PostgreSQL; the API's and the worker's JSON lines captured): the request id of a person's step reaches
// the log lines of the activities that step caused, and the whole run — sign-in on the form and over the
// API, a wrong password, registration, the reminder call's outcome — logs no phone number, token or password.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createDb, Db } from '../../activities/database';
import { createApp } from '../../api/app';
import { openSession } from '../../api/auth/sessions';
import { createLifecycleWorker } from '../../runtime/lifecycleWorker';
import { createLogger } from '../../runtime/logger';
import { applyMigrations } from '../../runtime/migrate';
import { payloadDataConverter } from '../../runtime/payloadCodec';
import { requestIdInterceptor } from '../../runtime/requestIdHeader';
import type { TemporalDevServer } from '../../runtime/temporalDevServer';
import { lifecycleBundle } from '../../runtime/timeSkippingServer';
import { SHARED_BUNDLE_CACHE } from '../../runtime/workflowBundle';
import { createWebRouter } from '../../web/router';
import { startTestDevServer } from '../support/devServer';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { startPostgres, TestPostgres } from '../support/postgres';
import { TEST_PASSWORD } from '../support/staff';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN = 'LSVREDACT00000001';
const PHONE = '13955501234';
const WRONG_PASSWORD = 'not-the-password-4711';
const MAINLAND_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

let postgres: TestPostgres;
let devServer: TemporalDevServer;
let db: Db;
let connection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let client: Client;
let base: string;
let api: ApiDriver;
const lines: string[] = [];
/** Every secret the run handled: none may be in a log line. */
const secrets = new Set<string>([PHONE, TEST_PASSWORD, WRONG_PASSWORD]);

beforeAll(async () => {
  [postgres, devServer] = await Promise.all([startPostgres(), startTestDevServer()]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await seedWebStores(db);
  const log = createLogger({ write: (line: string) => void lines.push(line) }, 'info');
  const dataConverter = payloadDataConverter(TEST_PAYLOAD_KEYS);
  connection = await Connection.connect({ address: devServer.address });
  client = new Client({ connection, dataConverter, interceptors: { workflow: [requestIdInterceptor] } });
  workerConnection = await NativeConnection.connect({ address: devServer.address });
  worker = await createLifecycleWorker(workerConnection, 'default', db, SHARED_BUNDLE_CACHE, dataConverter, log);
  running = worker.run();
  server = createApp({ client, db, logger: log, routers: [createWebRouter({ client, db, temporalUiUrl: devServer.uiUrl })] }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api = new ApiDriver(base);
}, 240_000);

afterAll(async () => {
  server?.close();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await workerConnection?.close();
  await connection?.close();
  await db?.$disconnect();
  await Promise.all([devServer?.stop(), postgres?.stop()]);
});

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

async function send(staffId: string, method: string, path: string, requestId: string, body?: unknown) {
  const token = await api.token(staffId);
  secrets.add(token);
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

/** Polls: the worker writes an activity's line when the activity returns, which may be after the answer. */
async function activityLinesOf(requestId: string, atLeast: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = logged().filter((l) => l.msg === 'activity completed' && l.requestId === requestId);
    if (found.length >= atLeast || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("a step's request id is on the log lines of the activities it caused, and on no others", async () => {
  const registered = await send(staffIdOf('SERVICE_ADVISOR'), 'POST', '/api/vehicles', 'req-register-0001', {
    vin: VIN,
    plate: '苏F4711A',
    model: 'Sagitar',
    storeId: STORE_A,
    deliveryDate: new Date(Date.now() - 92 * 86_400_000).toISOString().slice(0, 10),
    mileageKm: 4200,
    advisorId: staffIdOf('SERVICE_ADVISOR'),
    customer: { name: '刘女士', phone: PHONE },
  });
  expect([registered.status, registered.json]).toEqual([201, expect.anything()]);
  await api.waitForStage(VIN, 'AWAITING_CALL_OUTCOME');
  // The registration's starts: the lifecycle's first task opens the cycle and the reminder call; the care
  // workflow reads the store's settings.
  const opened = await activityLinesOf('req-register-0001', 4);
  expect(opened.map((l) => [l.workflowId, l.activityType])).toEqual(expect.arrayContaining([[`vehicle-${VIN}`, 'openCycle'], [`vehicle-${VIN}`, 'openTask'], [`care-${VIN}`, 'loadStoreSettings']]));

  const booked = await send(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${VIN}/call-outcome`, 'req-call-outcome-01', { outcome: 'BOOKED', bookedFor: new Date(Date.now() + 86_400_000).toISOString() });
  expect(booked.status).toBe(200);
  const applied = await activityLinesOf('req-call-outcome-01', 1);
  expect(applied.length).toBeGreaterThan(0);
  expect(applied[0]).toMatchObject({ level: 30, workflowId: `vehicle-${VIN}`, attempt: 1, durationMs: expect.any(Number) });
  // The step's own HTTP line has the same id: one id from the request to the database writes it caused.
  expect(logged().find((l) => l.msg === 'request completed' && l.requestId === 'req-call-outcome-01')).toMatchObject({ res: { statusCode: 200 } });
  // A history whose Update and start carry request ids replays with the interceptors that read them.
  const history = await client.workflow.getHandle(`vehicle-${VIN}`).fetchHistory();
  await expect(Worker.runReplayHistory({ workflowBundle: await lifecycleBundle(), dataConverter: payloadDataConverter(TEST_PAYLOAD_KEYS) }, history, 'request-id-replay')).resolves.toBeUndefined();
  // Activities nobody's request caused (none here after the step came to rest) carry no id of a request.
  const ids = new Set(logged().filter((l) => l.msg === 'activity completed').map((l) => l.requestId));
  expect([...ids].filter((id) => id !== undefined).sort()).toEqual(['req-call-outcome-01', 'req-register-0001']);
});

test('the logs of the whole run hold no phone number, token or password', async () => {
  // Sign-in on the form (the session cookie and the form's CSRF token are secrets too) and a wrong password.
  const form = await fetch(`${base}/login`);
  const loginCookie = form.headers.get('set-cookie')!.split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  secrets.add(csrf);
  const post = (password: string) => fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie }, body: new URLSearchParams({ _csrf: csrf, staffId: staffIdOf('SERVICE_ADVISOR'), password }) });
  expect((await post(WRONG_PASSWORD)).status).toBe(401);
  const signedIn = await post(TEST_PASSWORD);
  expect(signedIn.status).toBe(302);
  const session = /sl_session=([^;]+)/.exec(signedIn.headers.get('set-cookie')!)![1];
  secrets.add(session);
  expect((await fetch(`${base}/inbox`, { headers: { cookie: `sl_session=${session}` } })).status).toBe(200);
  // The vehicle page, which shows the customer's phone to the advisor, and the API's copy of it.
  expect((await fetch(`${base}/vehicles/${VIN}`, { headers: { cookie: `sl_session=${session}` } })).status).toBe(200);
  expect((await send(staffIdOf('SERVICE_ADVISOR'), 'GET', `/api/vehicles/${VIN}`, 'req-read-vehicle-1')).json.vehicle.customer).toMatchObject({ phone: PHONE });

  // The manager's list links each lifecycle to Temporal's UI in the configured namespace.
  const manager = await openSession(db, staffIdOf('SERVICE_MANAGER'), 'WEB', new Date());
  secrets.add(manager.token);
  const link = `href="${devServer.uiUrl}/namespaces/default/workflows/vehicle-${VIN}"`;
  let html = '';
  for (const deadline = Date.now() + 15_000; !html.includes(link) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    html = await (await fetch(`${base}/manager`, { headers: { cookie: `sl_session=${manager.token}` } })).text();
  }
  expect(html).toContain(link);

  const text = lines.join('\n');
  expect(lines.length).toBeGreaterThan(10);
  expect(logged().filter((l) => l.msg === 'activity completed').length).toBeGreaterThan(2);
  expect(text.match(MAINLAND_MOBILE)).toBeNull();
  const leaked = [...secrets].filter((secret) => text.includes(secret));
  expect(leaked).toEqual([]);
});

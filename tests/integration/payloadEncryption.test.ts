// Issue 18, payload encryption, on the real dev server and PostgreSQL: what Temporal stores of a
// registered car holds no customer in clear; the product's own clients, the auditors' history page and
// the Temporal UI's codec endpoint (for the roles the policy allows, from the UI's origin) read it back;
// a rotated key set still reads what the old key sealed.
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { openSession } from '../../api/auth/sessions';
import { EncryptionCodec, encryptionKeyOf, payloadDataConverter } from '../../runtime/payloadCodec';
import { newPayloadKey } from '../../runtime/payloadKeys';
import { createWebRouter } from '../../web/router';
import { careWorkflowId } from '../../workflows/care/contract';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys';
import { ProductStack, startProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN = 'LSVCRYPT000000001';
const NAME = '司马明远';
const PHONE = '13900000901';
const EMAIL = 'sima.mingyuan@example.com';
const MASKED = '139****0901';

let stack: ProductStack;
let api: ApiDriver;
/** A client without the codec: what anyone who reads Temporal's database or web UI gets. */
let rawClient: Client;
let uiOrigin: string;

beforeAll(async () => {
  stack = await startProductStack(seedWebStores);
  api = new ApiDriver(stack.base);
  uiOrigin = new URL(stack.temporalUiUrl).origin;
  const advisor = staffIdOf('SERVICE_ADVISOR');
  const registered = await api.call(advisor, 'POST', '/api/vehicles', {
    vin: VIN,
    plate: '苏F90901',
    model: 'Sagitar',
    storeId: STORE_A,
    deliveryDate: new Date(Date.now() - 92 * 24 * 3_600_000).toISOString().slice(0, 10),
    mileageKm: 4200,
    advisorId: advisor,
    customer: { name: NAME, phone: PHONE, email: EMAIL },
  });
  expect(registered.status).toBe(201);
  await api.waitForStage(VIN, 'AWAITING_CALL_OUTCOME');
  // One person's step too, so Updates and their activities' results are in the history.
  expect((await api.call(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'UNDECIDED' })).status).toBe(200);
  rawClient = new Client({ connection: stack.client.connection });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** Every bytes field as UTF-8 text: a value stored in clear would show in this JSON as it is. */
function asText(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(asText);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asText(v)]));
  return value;
}

const startedInput = (history: temporal.api.history.v1.IHistory): Payload => history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
const jsonPayload = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const valueOf = (p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString('utf8'));

async function webCookie(role: string): Promise<string> {
  return `sl_session=${(await openSession(stack.db, staffIdOf(role), 'WEB', new Date())).token}`;
}

function codec(base: string, op: 'decode' | 'encode', body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/codec/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: JSON.stringify(body) });
}

test('Temporal stores no name, phone or e-mail: the raw histories, read without the codec', async () => {
  for (const workflowId of [lifecycleWorkflowId(VIN), careWorkflowId(VIN)]) {
    const history = await rawClient.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events!.length).toBeGreaterThan(3);
    const json = JSON.stringify(asText(history.events));
    const stored = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const secret of [PHONE, NAME, EMAIL]) {
      expect({ workflowId, secret, inJson: json.includes(secret), inBytes: stored.includes(Buffer.from(secret)) }).toEqual({ workflowId, secret, inJson: false, inBytes: false });
    }
    expect(encryptionKeyOf(startedInput(history))).toBe(TEST_PAYLOAD_KEYS[0].id);
    // Search attributes are indexed in clear: the VIN and the plate identify the car, nothing names the person.
    const indexed = history.events![0].workflowExecutionStartedEventAttributes!.searchAttributes?.indexedFields ?? {};
    if (workflowId === lifecycleWorkflowId(VIN)) expect(Object.keys(indexed).sort()).toEqual(['SlAdvisor', 'SlPlate', 'SlStage', 'SlStore', 'SlVin']);
  }
  // Without the codec nothing reads it; a client with it reads the customer back.
  const sealed = startedInput(await rawClient.workflow.getHandle(lifecycleWorkflowId(VIN)).fetchHistory());
  expect(() => defaultPayloadConverter.fromPayload(sealed)).toThrow(/binary\/encrypted/);
  const [opened] = await stack.client.options.loadedDataConverter.payloadCodecs[0].decode([sealed]);
  expect(defaultPayloadConverter.fromPayload<{ customer: unknown }>(opened).customer).toEqual({ name: NAME, phone: PHONE, email: EMAIL });
});

test("the auditor's history page shows the decoded payloads, the phone masked as everywhere for auditors", async () => {
  const res = await fetch(`${stack.base}/audit/vehicles/${VIN}`, { headers: { cookie: await webCookie('AUDITOR') } });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain(NAME);
  expect(html).toContain(MASKED);
  expect(html).toContain(`encryptedWithKey&quot;: &quot;${TEST_PAYLOAD_KEYS[0].id}`);
  expect(html).not.toContain(PHONE);
  expect(html).not.toContain('undecodable');
});

describe('the codec endpoint for the Temporal UI', () => {
  let sealed: ReturnType<typeof jsonPayload>;
  beforeAll(async () => {
    sealed = jsonPayload(startedInput(await rawClient.workflow.getHandle(lifecycleWorkflowId(VIN)).fetchHistory()));
  });

  test('an auditor from the Temporal UI (session cookie, CORS): 200 with the decoded payloads, phones masked', async () => {
    const res = await codec(stack.base, 'decode', { payloads: [sealed] }, { cookie: await webCookie('AUDITOR'), origin: uiOrigin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const { payloads } = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(valueOf(payloads[0]).customer).toEqual({ name: NAME, phone: MASKED, email: EMAIL });
  });

  test('a service manager with a bearer token (the CLI): the phone in full, as for every role that calls customers', async () => {
    // `temporal workflow show --codec-endpoint … --codec-auth "Bearer …"` sends no Origin and an empty X-Namespace.
    const res = await codec(stack.base, 'decode', { payloads: [sealed] }, { authorization: `Bearer ${await api.token(staffIdOf('SERVICE_MANAGER'))}`, 'x-namespace': '' });
    expect(res.status).toBe(200);
    expect(valueOf(((await res.json()) as { payloads: { data: string }[] }).payloads[0]).customer.phone).toBe(PHONE);
  });

  test('an advisor: 403; signed out: 401 (both readable by the UI through CORS)', async () => {
    const advisor = await codec(stack.base, 'decode', { payloads: [sealed] }, { cookie: await webCookie('SERVICE_ADVISOR'), origin: uiOrigin });
    expect(advisor.status).toBe(403);
    expect(advisor.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(JSON.stringify(await advisor.json())).not.toContain(NAME);
    const signedOut = await codec(stack.base, 'decode', { payloads: [sealed] }, { origin: uiOrigin });
    expect(signedOut.status).toBe(401);
  });

  test("CORS: the Temporal UI's preflight is allowed with credentials; any other origin's is refused", async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.base}/codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const fromUi = await preflight(uiOrigin);
    expect(fromUi.status).toBe(204);
    expect(Object.fromEntries(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods'].map((h) => [h, fromUi.headers.get(h)]))).toEqual({
      'access-control-allow-origin': uiOrigin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
    });
    expect(fromUi.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const elsewhere = await preflight('http://evil.example');
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    // Nor does a page of another origin get an answer with an auditor's cookie.
    const forged = await codec(stack.base, 'decode', { payloads: [sealed] }, { cookie: await webCookie('AUDITOR'), origin: 'http://evil.example' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain(NAME);
  });

  test('encode seals as the product does; decode opens it again', async () => {
    const cookie = await webCookie('CUSTOMER_MANAGER');
    const typed = jsonPayload(defaultPayloadConverter.toPayload({ note: '客户来电' }));
    const encoded = (await (await codec(stack.base, 'encode', { payloads: [typed] }, { cookie, origin: uiOrigin })).json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const decoded = (await (await codec(stack.base, 'decode', encoded, { cookie, origin: uiOrigin })).json()) as { payloads: { data: string }[] };
    expect(valueOf(decoded.payloads[0])).toEqual({ note: '客户来电' });
  });

  test('bad input: 4xx with a reason, never a stack trace', async () => {
    const bearer = { authorization: `Bearer ${await api.token(staffIdOf('AUDITOR'))}` };
    const tampered = { ...sealed, data: Buffer.from(Buffer.from(sealed.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64') };
    const cases: [unknown, Record<string, string>, number, RegExp][] = [
      [{ payloads: [{ data: 'not base64!' }] }, bearer, 400, /payloads\.0\.data: must be base64/],
      [{ payloads: [{ ...sealed, externalPayloads: [] }] }, bearer, 400, /externalPayloads/],
      [{}, bearer, 400, /payloads/],
      [{ payloads: [sealed, tampered] }, bearer, 422, /^payloads\.1: encrypted payload does not authenticate/],
      [{ payloads: [sealed] }, { ...bearer, 'x-namespace': 'other' }, 400, /serves Temporal namespace default, not other/],
    ];
    for (const [body, headers, status, reason] of cases) {
      const res = await codec(stack.base, 'decode', body, headers);
      const answer = (await res.json()) as { error: string };
      expect({ status: res.status, error: answer.error }).toEqual({ status, error: expect.stringMatching(reason) });
    }
  });
});

test('key rotation: configured B,A, the histories sealed with A still read, and B seals the new ones', async () => {
  const B = newPayloadKey('rotated');
  const rotated = new Client({ connection: stack.client.connection, dataConverter: payloadDataConverter([B, ...TEST_PAYLOAD_KEYS]) });
  // The product again, configured B,A, beside the running one (which has A only).
  const app = createApp({ client: rotated, db: stack.db, temporalUiOrigins: [uiOrigin], routers: [createWebRouter({ client: rotated, db: stack.db, temporalUiUrl: stack.temporalUiUrl })] });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workflowId = 'payload-rotation-check';
  try {
    const underA = startedInput(await rawClient.workflow.getHandle(lifecycleWorkflowId(VIN)).fetchHistory());
    expect(encryptionKeyOf(underA)).toBe(TEST_PAYLOAD_KEYS[0].id);
    const page = await (await fetch(`${base}/audit/vehicles/${VIN}`, { headers: { cookie: await webCookie('AUDITOR') } })).text();
    expect(page).toContain(NAME);
    expect(page).not.toContain('undecodable');
    expect((await codec(base, 'decode', { payloads: [jsonPayload(underA)] }, { cookie: await webCookie('GENERAL_MANAGER'), origin: uiOrigin })).status).toBe(200);

    // A new workflow started under B,A (on a queue no worker polls: only its stored input matters here).
    await rotated.workflow.start('vehicleLifecycle', { taskQueue: 'payload-rotation-check', workflowId, args: [{ customer: { name: NAME, phone: PHONE } }] });
    const underB = startedInput(await rawClient.workflow.getHandle(workflowId).fetchHistory());
    expect(encryptionKeyOf(underB)).toBe(B.id);
    expect(defaultPayloadConverter.fromPayload<{ customer: unknown }>((await new EncryptionCodec([B]).decode([underB]))[0]).customer).toEqual({ name: NAME, phone: PHONE });
    // A process still on A alone names the key it lacks.
    const stale = await codec(stack.base, 'decode', { payloads: [jsonPayload(underB)] }, { authorization: `Bearer ${await api.token(staffIdOf('AUDITOR'))}` });
    expect(stale.status).toBe(422);
    expect(((await stale.json()) as { error: string }).error).toContain(`payload encrypted with key "${B.id}", which is not configured`);
  } finally {
    await rotated.workflow.getHandle(workflowId).terminate('rotation check over').catch(() => undefined);
    await new Promise((r) => server.close(r));
  }
});

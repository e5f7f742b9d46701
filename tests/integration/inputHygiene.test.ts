// Issue 14's reproduced cases, each refused cleanly at the door and leaving the vehicle able to go on:
// a NUL in a text field, a body in another content type, a booking in year 9999, JSON nested too deep,
// a path that does not decode; and short complete Chinese answers accepted.
import { lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { ProductStack, startProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN = 'LSVHYG1ENE0000001';
const CR = staffIdOf('CUSTOMER_RELATIONS');
const SA = staffIdOf('SERVICE_ADVISOR');
const HOUR = 3_600_000;

let stack: ProductStack;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startProductStack(seedWebStores);
  api = new ApiDriver(stack.base);
  await api.register(VIN, STORE_A, '苏F40001', '13900000401');
  await api.waitForStage(VIN, 'AWAITING_CALL_OUTCOME');
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function raw(path: string, init: RequestInit & { as?: string } = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${stack.base}${path}`, { ...init, headers: { authorization: `Bearer ${await api.token(init.as ?? CR)}`, ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const stage = async () => (await api.call(SA, 'GET', `/api/vehicles/${VIN}`)).json.state.stage;

test('a NUL in a text field is refused with the field named, and the vehicle goes on (no jam)', async () => {
  const booking = { channel: 'PHONE', bookedFor: inHours(2), faultDescription: '异响\u0000', contactPhone: '13900000401' };
  const refused = await api.call(CR, 'POST', `/api/vehicles/${VIN}/bookings`, booking);
  expect(refused).toMatchObject({ status: 400, json: { error: 'faultDescription: must not contain control characters' } });
  expect(await stage()).toBe('AWAITING_CALL_OUTCOME');

  // Anywhere in any body, on any endpoint: sign-in included.
  const signIn = await fetch(`${stack.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 'a\u0000', password: 'x' }) });
  expect(signIn.status).toBe(400);
  const registration = await api.call(SA, 'POST', '/api/vehicles', { vin: 'LSVHYG1ENE0000002', plate: '苏F4\u00000002', model: 'Sagitar', storeId: STORE_A, deliveryDate: '2026-01-01', mileageKm: 10, customer: { name: '刘', phone: '13900000402' } });
  expect(registration).toMatchObject({ status: 400, json: { error: 'plate: must not contain control characters' } });
  expect(await stack.db.vehicle.findUnique({ where: { vin: 'LSVHYG1ENE0000002' } })).toBeNull();
  await expect(stack.client.workflow.getHandle(lifecycleWorkflowId('LSVHYG1ENE0000002')).describe()).rejects.toThrow();
});

test('a body sent as text/plain is refused (415), not run as an empty body', async () => {
  const sent = await raw(`/api/vehicles/${VIN}/call-outcome`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ outcome: 'DECLINED' }) });
  expect(sent).toMatchObject({ status: 415, json: { error: 'send the body as application/json' } });
  expect(await stage()).toBe('AWAITING_CALL_OUTCOME');
  // A POST without a body needs no content type.
  expect((await raw('/api/session', { method: 'DELETE', as: staffIdOf('AUDITOR') })).status).toBe(204);
});

test('a booking in year 9999 is refused at the door; the vehicle keeps answering', async () => {
  const far = await api.call(CR, 'POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'BOOKED', bookedFor: '9999-12-31T10:00:00+08:00' });
  expect(far).toMatchObject({ status: 400, json: { error: 'bookedFor: must be between the years 2000 and 2199' } });
  const nextYear = await api.call(CR, 'POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'BOOKED', bookedFor: inHours(24 * 400) });
  expect(nextYear).toMatchObject({ status: 422, json: { reason: 'TOO_FAR' } });
  expect(await stage()).toBe('AWAITING_CALL_OUTCOME');
});

test('JSON nested too deep and a path that does not decode are 400, not 500', async () => {
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const nested = await raw(`/api/vehicles/${VIN}/call-outcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });
  expect(nested.status).toBe(400);
  expect(nested.json.error).toMatch(/nests deeper than 16 levels|not valid JSON/);
  const undecodable = await raw('/api/vehicles/%FF%FE');
  expect(undecodable).toMatchObject({ status: 400, json: { error: 'the address has characters that do not decode (malformed %-escape)' } });
  const tooLarge = await raw(`/api/vehicles/${VIN}/call-outcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: 'x'.repeat(200_000) }) });
  expect(tooLarge.status).toBe(413);
});

test('short complete Chinese answers are accepted: a two-character fault description books', async () => {
  const booked = await api.call(CR, 'POST', `/api/vehicles/${VIN}/bookings`, { channel: 'PHONE', bookedFor: inHours(2), faultDescription: '异响', contactPhone: '13900000401' });
  expect(booked.status).toBe(200);
  expect(booked.json.stage).toBe('AWAITING_PREPARATION');
});

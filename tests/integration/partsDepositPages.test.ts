// R6b on the real stack (Temporal dev server, PostgreSQL, the worker), through the pages: a booking whose
// work order must order an expensive part asks a deposit; the vehicle page offers the step to the SA (its
// form derived from the command's schema) and shows the booking's deposit unpaid, as does the preparation
// board; less than half is refused beside its field, the deposit paid shows as paid on both.
import type { Db } from '../../activities/database';
import { openSession } from '../../api/auth/sessions';
import { addDays, localDate } from '../../domain/calendar';
import { startProductStack, ProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN = 'LFV2A21K8P4000801';
const DAY_MS = 86_400_000;
const SA = staffIdOf('SERVICE_ADVISOR');
let stack: ProductStack;
let api: ApiDriver;
let bookedFor: string;

async function seedTurbo(db: Db): Promise<void> {
  await seedWebStores(db);
  // Not on the shelf: the turbocharger is ordered for the customer, 4,801 CNY.
  await db.part.create({ data: { partNumber: 'TURBO-06K', name: '涡轮增压器', priceCny: 4801, leadDays: 5 } });
  await db.servicePlanPart.create({ data: { servicePlanId: 'plan-web', partNumber: 'TURBO-06K', quantity: 1 } });
}

beforeAll(async () => {
  stack = await startProductStack(seedTurbo);
  api = new ApiDriver(stack.base);
  await api.register(VIN, STORE_A, '苏F80001', '13900000801');
  await api.waitForStage(VIN, 'AWAITING_CALL_OUTCOME');
  bookedFor = new Date(Date.now() + 10 * DAY_MS).toISOString();
  const booked = await api.call(staffIdOf('CUSTOMER_RELATIONS'), 'POST', `/api/vehicles/${VIN}/call-outcome`, { outcome: 'BOOKED', bookedFor });
  if (booked.status !== 200) throw new Error(`call-outcome: ${booked.status} ${JSON.stringify(booked.json)}`);
}, 560_000);

afterAll(async () => {
  await stack?.stop();
});

async function web(staffId: string) {
  const session = await openSession(stack.db, staffId, 'WEB', new Date());
  const headers = { cookie: `sl_session=${session.token}; sl_lang=zh` };
  return {
    get: async (path: string) => (await fetch(`${stack.base}${path}`, { headers })).text(),
    post: async (path: string, fields: Record<string, string>) => {
      const res = await fetch(`${stack.base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }),
      });
      return { status: res.status, html: await res.text() };
    },
  };
}

const boardPath = () => {
  const day = localDate(Date.parse(bookedFor), 480);
  return `/preparation-board?store=${STORE_A}&from=${day}&to=${addDays(day, 0)}`;
};

test('R6b: the booking asks half the price of the part to order; the SA is offered the deposit step, the board and the booking show it unpaid', async () => {
  const { json } = await api.call(SA, 'GET', `/api/vehicles/${VIN}`);
  expect(json.state.partsDeposit).toEqual({ depositCny: 2401, partsCny: 4801, orderBy: new Date(Date.parse(bookedFor) - 5 * DAY_MS).toISOString() });
  expect(json.state.accepts).toContain('recordPartsDeposit');

  const sa = await web(SA);
  const page = await sa.get(`/vehicles/${VIN}`);
  expect(page).toMatch(/<details class="vehicle-action" data-step="parts-deposit"/);
  expect(page).toContain('name="amountCny"');
  expect(page).toMatch(/data-paid="false">订金未付，配件暂不订货 ¥2401</);
  // A technician neither takes deposits nor is offered the form.
  expect(await (await web(staffIdOf('TECHNICIAN'))).get(`/vehicles/${VIN}`)).not.toContain('data-step="parts-deposit"');

  const board = await (await web(staffIdOf('TECHNICAL_DIRECTOR'))).get(boardPath());
  expect(board).toMatch(/data-paid="false">订金未付，配件暂不订货 ¥2401</);
});

test('R6b: less than half is refused beside its field; the deposit paid shows as paid on the booking and the board', async () => {
  const sa = await web(SA);
  const refused = await sa.post(`/vehicles/${VIN}/act`, { action: 'parts-deposit', formId: 'parts-deposit', amountCny: '1000' });
  expect(refused.status).toBe(422);
  expect(refused.html).toMatch(/<span class="field-error" data-field="amountCny">[^<]*2401[^<]*<\/span>/);
  expect((await stack.db.booking.findFirstOrThrow({ where: { vin: VIN } })).depositPaidAt).toBeNull();

  const paid = await sa.post(`/vehicles/${VIN}/act`, { action: 'parts-deposit', formId: 'parts-deposit', amountCny: '2401', note: '微信转账' });
  expect(paid.status).toBe(302);
  const booking = await stack.db.booking.findFirstOrThrow({ where: { vin: VIN } });
  expect({ paid: Number(booking.depositPaidCny), by: booking.depositPaidBy }).toEqual({ paid: 2401, by: SA });
  expect(await sa.get(`/vehicles/${VIN}`)).toMatch(/data-paid="true">订金已付 ¥2401</);
  expect(await (await web(staffIdOf('TECHNICAL_DIRECTOR'))).get(boardPath())).toMatch(/data-paid="true">订金已付 ¥2401</);
  expect((await api.call(SA, 'GET', `/api/vehicles/${VIN}`)).json.state.partsDeposit.paidCny).toBe(2401);
});

// R12 on the running product (real Temporal dev server, real PostgreSQL): the reception sheet sent with
// the check-in or the walk-in is stored on the repair order, refused whole when a value is bad, and
// printed as the repair order (维修委托书) the customer signs.
import { openSession } from '../../api/auth/sessions';
import { ProductStack, startProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN_BOOKED = 'LSVRECEPT00000001';
const VIN_WALK_IN = 'LSVRECEPT00000002';
const SA = staffIdOf('SERVICE_ADVISOR');
const SA_B = staffIdOf('SERVICE_ADVISOR', 'b');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let stack: ProductStack;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startProductStack(seedWebStores);
  api = new ApiDriver(stack.base);
  await api.register(VIN_BOOKED, STORE_A, '苏F60001', '13900000601');
  await api.register(VIN_WALK_IN, STORE_A, '苏F60002', '13900000602');
  await api.toConfirmation(VIN_BOOKED);
  const confirmed = await api.call(SA, 'POST', `/api/vehicles/${VIN_BOOKED}/confirmation`, {});
  expect(confirmed.json.stage).toBe('AWAITING_CHECK_IN');
  await api.waitForStage(VIN_WALK_IN, 'AWAITING_CALL_OUTCOME');
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** A page as the person sees it in the browser, in their language. */
async function printPage(staffId: string, vin: string, cycle: string | number, lang: 'zh' | 'en' = 'zh'): Promise<{ status: number; html: string }> {
  const web = await openSession(stack.db, staffId, 'WEB', new Date());
  const res = await fetch(`${stack.base}/vehicles/${vin}/repair-orders/${cycle}/print`, { headers: { cookie: `sl_session=${web.token}; sl_lang=${lang}` }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

const sheet = () => ({
  mileageKm: 4350,
  promisedReadyAt: new Date(Date.now() + 3 * HOUR).toISOString(),
  promiseMarginMinutes: 30,
  fuelLevel: 'QUARTER',
  walkAroundFindings: '左前门划痕 5 cm\n后保险杠凹陷',
  itemsLeftInCar: '行车记录仪、雨伞',
  keyTag: 'K-017',
  priceMethod: 'SYSTEM',
  partsSource: 'OEM',
});

const receptionColumns = { fuelLevel: true, walkAroundFindings: true, itemsLeftInCar: true, keyTag: true, priceMethod: true, partsSource: true, promiseMarginMinutes: true, receivedBy: true, handedOverAt: true, checkedInAt: true, status: true } as const;

test('R12: a bad reception sheet is refused naming the field, and nothing of it is stored', async () => {
  const refusals: [Record<string, unknown>, number, RegExp][] = [
    [{ fuelLevel: 'HALF_FULL' }, 400, /^fuelLevel: /],
    [{ fuelLevel: '1/2' }, 400, /^fuelLevel: /],
    [{ priceMethod: 'FIXED_PRICE' }, 400, /^priceMethod: /],
    [{ partsSource: 'STORE' }, 400, /^partsSource: /],
    [{ walkAroundFindings: '划痕\u0007' }, 400, /^walkAroundFindings: must not contain control characters$/],
    [{ walkAroundFindings: '划'.repeat(5000) }, 400, /^walkAroundFindings: must have at most 2000 characters$/],
    [{ itemsLeftInCar: '雨伞\u0000' }, 400, /^itemsLeftInCar: must not contain control characters$/],
    [{ keyTag: 'K-01\n7' }, 400, /^keyTag: must not contain control characters$/],
    [{ keyTag: 'K'.repeat(17) }, 400, /^keyTag: must have at most 16 characters$/],
    [{ promiseMarginMinutes: -5 }, 400, /^promiseMarginMinutes: /],
    [{ promiseMarginMinutes: 1.5 }, 400, /^promiseMarginMinutes: /],
    [{ handedOverAt: 'yesterday' }, 400, /^handedOverAt: /],
    // The margin sits inside the promise: a margin as long as the promise leaves no time for the work.
    [{ promiseMarginMinutes: 180 }, 422, /^promiseMarginMinutes must leave time for the work before promisedReadyAt/],
    [{ handedOverAt: new Date(Date.now() + HOUR).toISOString() }, 422, /^handedOverAt must not be in the future$/],
    [{ handedOverAt: new Date(Date.now() - 30 * HOUR).toISOString() }, 422, /^handedOverAt must be within the last 24 hours$/],
  ];
  for (const [bad, status, reason] of refusals) {
    const res = await api.call(SA, 'POST', `/api/vehicles/${VIN_BOOKED}/check-in`, { ...sheet(), ...bad });
    expect([JSON.stringify(bad).slice(0, 60), res.status, res.json.error]).toEqual([JSON.stringify(bad).slice(0, 60), status, expect.stringMatching(reason)]);
  }
  const order = await stack.db.repairOrder.findFirstOrThrow({ where: { vin: VIN_BOOKED }, select: receptionColumns });
  expect(order).toEqual({ status: 'PREPARED', checkedInAt: null, fuelLevel: null, walkAroundFindings: null, itemsLeftInCar: null, keyTag: null, priceMethod: null, partsSource: null, promiseMarginMinutes: null, receivedBy: null, handedOverAt: null });
  expect(await stack.db.auditEvent.count({ where: { vin: VIN_BOOKED, action: 'vehicle.checked-in' } })).toBe(0);
  expect((await api.call(SA, 'GET', `/api/vehicles/${VIN_BOOKED}`)).json.state.stage).toBe('AWAITING_CHECK_IN');
});

test('R12: the check-in stores the reception sheet on the repair order, and its print shows it to be signed', async () => {
  const sent = sheet();
  const checkedIn = await api.call(SA, 'POST', `/api/vehicles/${VIN_BOOKED}/check-in`, sent);
  expect(checkedIn.status).toBe(200);
  expect(checkedIn.json).toMatchObject({ stage: 'IN_SERVICE', promisedReadyAt: sent.promisedReadyAt });

  const order = await stack.db.repairOrder.findFirstOrThrow({ where: { vin: VIN_BOOKED }, select: { ...receptionColumns, checkInMileageKm: true, promisedReadyAt: true } });
  expect(order).toMatchObject({
    status: 'IN_PROGRESS',
    checkInMileageKm: 4350,
    promisedReadyAt: new Date(sent.promisedReadyAt),
    promiseMarginMinutes: 30,
    fuelLevel: 'QUARTER',
    walkAroundFindings: '左前门划痕 5 cm\n后保险杠凹陷',
    itemsLeftInCar: '行车记录仪、雨伞',
    keyTag: 'K-017',
    priceMethod: 'SYSTEM',
    partsSource: 'OEM',
    receivedBy: SA,
  });
  // Handed over to the workshop when checked in, since the SA did not say otherwise.
  expect(order.handedOverAt).toEqual(order.checkedInAt);

  const zh = await printPage(SA, VIN_BOOKED, 1);
  expect(zh.status).toBe(200);
  for (const shown of [
    'Store A',
    '维修委托书',
    '预约客户',
    '刘女士',
    '苏F60001',
    VIN_BOOKED,
    'Sagitar',
    '<td class="mileage">4350</td>',
    '1/4 箱',
    '左前门划痕 5 cm\n后保险杠凹陷',
    '行车记录仪、雨伞',
    'K-017',
    '系统报价（按所修系统）',
    '原厂配件（本店提供）',
    '含配件等预留 30 分钟',
    'Periodic maintenance / 定期保养',
    '720.00',
    '客户签字',
    '服务顾问签字 SERVICE_ADVISOR A',
    '车间接车人签字',
    '/repair-orders/print.css',
  ]) {
    expect([shown, zh.html.includes(shown)]).toEqual([shown, true]);
  }
  expect(zh.html).not.toContain('class="no-guarantee"');
  expect(zh.html).toMatch(/<span class="handed-over">\d{4}-\d{2}-\d{2} \d{2}:\d{2}<\/span>/);

  const en = await printPage(SA, VIN_BOOKED, 1, 'en');
  for (const shown of ['Repair order', 'Quarter', 'System pricing (by the system repaired)', 'OEM parts (supplied by the store)', 'includes a margin for parts of 30 min', 'Customer signature', 'Received by the workshop']) {
    expect([shown, en.html.includes(shown)]).toEqual([shown, true]);
  }

  const css = await fetch(`${stack.base}/repair-orders/print.css`);
  expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  expect(await css.text()).toMatch(/@media print \{\s*@page \{ size: A4/);
});

test('R12: a walk-in with customer-supplied parts: stored, and the printed order carries the no-guarantee note', async () => {
  const handedOverAt = new Date(Date.now() - 10 * MINUTE).toISOString();
  const walkedIn = await api.call(SA, 'POST', `/api/vehicles/${VIN_WALK_IN}/walk-in`, {
    ...sheet(),
    mileageKm: 5100,
    complaint: '刹车异响',
    fuelLevel: 'FULL',
    partsSource: 'CUSTOMER_SUPPLIED',
    priceMethod: 'ITEM',
    promiseMarginMinutes: 90,
    handedOverAt,
  });
  expect(walkedIn.status).toBe(200);
  expect(walkedIn.json.stage).toBe('IN_SERVICE');
  const order = await stack.db.repairOrder.findFirstOrThrow({ where: { vin: VIN_WALK_IN }, select: receptionColumns });
  expect(order).toMatchObject({ fuelLevel: 'FULL', partsSource: 'CUSTOMER_SUPPLIED', priceMethod: 'ITEM', promiseMarginMinutes: 90, receivedBy: SA, handedOverAt: new Date(handedOverAt) });

  const zh = await printPage(SA, VIN_WALK_IN, 1);
  expect(zh.status).toBe(200);
  for (const shown of ['非预约客户（散客）', '刹车异响', '满箱', '项目报价（按实际作业项目）', '客户自带配件', '含配件等预留 1 小时 30 分钟', '<p class="no-guarantee">客户自带配件，本店不对该配件的质量及因其引起的维修质量作保证。</p>']) {
    expect([shown, zh.html.includes(shown)]).toEqual([shown, true]);
  }
  const en = await printPage(SA, VIN_WALK_IN, 1, 'en');
  expect(en.html).toContain('Customer-supplied parts: the store does not guarantee their quality');
});

test('the printed order is for those who may see the vehicle: another store, an unknown cycle and a signed-out visitor get none', async () => {
  expect((await printPage(SA_B, VIN_BOOKED, 1)).status).toBe(404);
  expect((await printPage(SA, VIN_BOOKED, 9)).status).toBe(404);
  expect((await printPage(SA, VIN_BOOKED, 'one')).status).toBe(404);
  // Every role reads vehicles: the auditor of all stores may print any store's order, the phone number
  // only as far as the role may call customers.
  const audited = await printPage(staffIdOf('AUDITOR'), VIN_BOOKED, 1);
  expect(audited.status).toBe(200);
  expect(audited.html).toContain('<td class="phone">139****0601</td>');
  expect((await printPage(SA, VIN_BOOKED, 1)).html).toContain('<td class="phone">13900000601</td>');
  const signedOut = await fetch(`${stack.base}/vehicles/${VIN_BOOKED}/repair-orders/1/print`, { redirect: 'manual' });
  expect(signedOut.status).toBe(302);
  expect(signedOut.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/vehicles/${VIN_BOOKED}/repair-orders/1/print`)}`);
});

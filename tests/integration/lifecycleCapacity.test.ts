// The lifecycle books into the workshop plan through its activities, on the real Temporal dev server and
// a real PostgreSQL: a booked time claims a bay (R8), a taken time is refused with the next free slots
// (R7: offer free times) and changes nothing, a hold made at the desk becomes the booking, and a
// manager's close gives the bay time back (R9).
import { Db } from '../../activities/database';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { openSession } from '../../api/auth/sessions';
import { seedWorkshop } from '../../runtime/workshopSeed';
import { formatTime } from '../../web/format';
import { addStaff, signIn } from '../support/staff';
import { ProductStack, startProductStack } from '../support/productStack';

const STORE = 'store-lc-cap';
const OFFSET = 480;
const DAY = addDays(localDate(Date.now(), OFFSET), 5);
const at = (hhmm: string) => new Date(localTime(DAY, hhmm, OFFSET)).toISOString();
const [VIN_A, VIN_B] = ['LFV2A21K8P4000301', 'LFV2A21K8P4000302'];

let stack: ProductStack;
let db: Db;
let base: string;
/** Bearer tokens of the signed-in staff, by staff id. */
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startProductStack(async (seeded) => {
    db = seeded;
    await db.store.create({ data: { id: STORE, name: 'Lifecycle capacity store', settings: { contactStartTime: '00:00', contactEndTime: '23:59' } } });
    // One general bay: two cars cannot be booked at one time.
    await seedWorkshop(db, { storeId: STORE, bays: { GENERAL_REPAIR: 1 }, technicians: { GENERAL_REPAIR: 1 } });
  });
  ({ base } = stack);
  const people = [{ id: 'cr-cap', storeId: STORE, role: 'CUSTOMER_RELATIONS' as const }, { id: 'sm-cap', storeId: STORE, role: 'SERVICE_MANAGER' as const }];
  await addStaff(db, people);
  for (const p of people) tokens.set(p.id, await signIn(base, p.id));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown, actor = 'cr-cap'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(actor)}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function register(vin: string, phone: string) {
  const res = await call('POST', '/api/vehicles', {
    vin,
    plate: `苏F${vin.slice(-5)}`,
    model: 'Sagitar',
    storeId: STORE,
    // Delivered 3 months ago, never serviced: the first service is due now and the reminder call owed at once (R1b, R3).
    deliveryDate: new Date(Date.now() - 92 * 86_400_000).toISOString().slice(0, 10),
    mileageKm: 4200,
    customer: { name: '周女士', phone },
  });
  expect(res.status).toBe(201);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { json } = await call('GET', `/api/vehicles/${vin}`);
    if (json.state?.stage === 'AWAITING_CALL_OUTCOME') return;
    if (Date.now() > deadline) throw new Error(`${vin} still at ${json.state?.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('R5 R7 R8 R9: lifecycle bookings claim bay time, a taken time is refused with the next free slots, a close releases it', async () => {
  await Promise.all([register(VIN_A, '13900000301'), register(VIN_B, '13900000302')]);

  const booked = await call('POST', `/api/vehicles/${VIN_A}/call-outcome`, { outcome: 'BOOKED', bookedFor: at('10:00') });
  expect(booked.status).toBe(200);
  const { json: a } = await call('GET', `/api/vehicles/${VIN_A}`);
  const bookingA = a.vehicle.bookings[0];
  expect(bookingA).toMatchObject({ bayId: `${STORE}-general-1`, status: 'TENTATIVE' });
  expect(await db.bayReservation.findUnique({ where: { bookingId: bookingA.id } })).toMatchObject({ status: 'BOOKED', startsAt: new Date(at('10:00')), endsAt: new Date(at('11:00')) });

  // The same bay at an overlapping time: the step is refused before it reaches the workflow, with the
  // next free slots; the call stays owed, nothing is booked.
  const refused = await call('POST', `/api/vehicles/${VIN_B}/call-outcome`, { outcome: 'BOOKED', bookedFor: at('10:30') });
  expect(refused.status).toBe(409);
  expect(refused.json).toMatchObject({ reason: 'BAY_BUSY', nextFree: expect.arrayContaining([expect.objectContaining({ start: at('11:00'), bayId: `${STORE}-general-1` })]) });
  expect(refused.json.error).toMatch(/^slot .* is not available \(BAY_BUSY\); next free: /);

  // The web door runs the same command: the same booking from the inbox is refused with the same reason
  // and the same next free times, and books nothing either.
  const web = await openSession(db, 'cr-cap', 'WEB', new Date());
  const task = await db.task.findFirstOrThrow({ where: { vin: VIN_B, kind: 'REMINDER_CALL', status: 'OPEN' } });
  const page = await fetch(`${base}/tasks/${task.id}/act`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `sl_session=${web.token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: web.csrfToken, outcome: 'BOOKED', bookedFor: `${DAY}T10:30`, returnTo: '/inbox' }),
  });
  // The vehicle's page again, the call's form as sent, the reason and the next free times above it.
  expect(page.status).toBe(409);
  const html = await page.text();
  const form = html.slice(html.indexOf('data-action="call-outcome"'));
  const shown = /<p class="form-error">([^<]*)<\/p>/.exec(form.slice(0, form.indexOf('</form>')))![1].replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  expect(shown).toContain(refused.json.error);
  expect(shown).toContain(formatTime(refused.json.nextFree[0].start));

  // R5: a time outside the store's opening hours is refused at both doors, before the workflow is asked.
  const night = await call('POST', `/api/vehicles/${VIN_B}/call-outcome`, { outcome: 'BOOKED', bookedFor: at('03:00') });
  expect(night).toMatchObject({ status: 422, json: { reason: 'OUTSIDE_HOURS', error: `${DAY} 03:00 is outside the store's hours (08:30–17:30)` } });
  const rush = await call('POST', `/api/vehicles/${VIN_B}/bookings`, { channel: 'PHONE', bookedFor: at('08:30'), faultDescription: '保养和空调检查', contactPhone: '13900000302' });
  expect(rush).toMatchObject({ status: 422, json: { reason: 'MORNING_RUSH' } });
  const { json: b } = await call('GET', `/api/vehicles/${VIN_B}`);
  expect(b.state.stage).toBe('AWAITING_CALL_OUTCOME');
  expect(b.vehicle.bookings).toEqual([]);

  // The desk holds 11:00 while the customer is on the phone; the booking at that time adopts the hold.
  const hold = await call('POST', `/api/stores/${STORE}/holds`, { jobType: 'PERIODIC_MAINTENANCE', start: at('11:00'), vin: VIN_B });
  expect(hold.status).toBe(201);
  expect((await call('POST', `/api/vehicles/${VIN_B}/call-outcome`, { outcome: 'BOOKED', bookedFor: at('11:00') })).status).toBe(200);
  const adopted = await db.bayReservation.findUniqueOrThrow({ where: { id: hold.json.holdId } });
  expect(adopted).toMatchObject({ status: 'BOOKED', expiresAt: null, confirmedBy: 'cr-cap' });
  expect(adopted.bookingId).not.toBeNull();

  const closed = await call('POST', `/api/vehicles/${VIN_A}/correction`, { action: 'CLOSE', reason: 'car sold' }, 'sm-cap');
  expect(closed.status).toBe(200);
  expect(await db.bayReservation.findUnique({ where: { bookingId: bookingA.id } })).toMatchObject({ status: 'RELEASED', releasedBy: 'sm-cap', releaseReason: 'lifecycle closed: car sold' });
  const view = await call('GET', `/api/stores/${STORE}/capacity?from=${DAY}&to=${DAY}`);
  expect(view.json.days[0].bays[0].reservations.map((r: { start: string }) => r.start)).toEqual([at('11:00')]);
});

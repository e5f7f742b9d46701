// R22 the consultants' first-service booked-arrival rate page on a real PostgreSQL (Temporal is never
// reached): each consultant's base and arrivals for the month with the cars behind them; a consultant sees
// their own, a manager every consultant; others may not.
import { createDb, Db } from '../../activities/database';
import { openSession } from '../../api/auth/sessions';
import { localTime } from '../../domain/calendar';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { DatabaseOnlyWeb, startDatabaseOnlyWeb } from '../support/databaseOnlyApi';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff } from '../support/staff';

const STORE = 'store-fs';
const at = (day: string) => new Date(localTime(day, '10:00', 480));
const clock = settableClock(at('2026-12-20'));
const vin = (n: number) => `LSVFSRATE0000000${n}`;

/** The cars of the month: who sold them, when, and their first-service bookings. */
const CARS = [
  { n: 1, consultant: 'sc-1', delivered: '2026-09-03', bookings: [['2026-12-02', 'ARRIVED']] },
  { n: 2, consultant: 'sc-1', delivered: '2026-09-18', bookings: [['2026-12-05', 'NO_SHOW']] },
  // Delivered in August, missed November: an earlier no-show, still owed.
  { n: 3, consultant: 'sc-1', delivered: '2026-08-08', bookings: [['2026-11-10', 'NO_SHOW']] },
  // Delivered in October: January's base, not December's.
  { n: 4, consultant: 'sc-1', delivered: '2026-10-02', bookings: [] },
  { n: 5, consultant: 'sc-2', delivered: '2026-09-09', bookings: [['2026-11-28', 'ARRIVED']] },
] as const;

let postgres: TestPostgres;
let db: Db;
let web: DatabaseOnlyWeb;
let base: string;

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await db.store.create({ data: { id: STORE, name: '首保示范店' } });
  await addStaff(db, [
    { id: 'sc-1', storeId: STORE, role: 'SALES_CONSULTANT', name: '周销售' },
    { id: 'sc-2', storeId: STORE, role: 'SALES_CONSULTANT', name: '吴销售' },
    { id: 'sm-fs', storeId: STORE, role: 'SERVICE_MANAGER' },
    { id: 'sa-fs', storeId: STORE, role: 'SERVICE_ADVISOR' },
  ]);
  for (const car of CARS) {
    const customer = await db.customer.create({ data: { storeId: STORE, name: `客户${car.n}`, phone: `1390000900${car.n}` } });
    await db.vehicle.create({
      data: { vin: vin(car.n), plate: `苏F9000${car.n}`, model: 'Lavida', storeId: STORE, customerId: customer.id, salesConsultantId: car.consultant, deliveryDate: new Date(car.delivered), mileageKm: 100, mileageRecordedAt: at(car.delivered), avgDailyKm: 30, workflowId: `vehicle-${vin(car.n)}` },
    });
    // The first cycle's due date came from R1b, as the lifecycle records it.
    await db.auditEvent.create({ data: { idempotencyKey: `fs-${car.n}-scheduled`, vin: vin(car.n), workflowId: `vehicle-${vin(car.n)}`, runId: 'seed', cycle: 1, rule: 'R1b', action: 'cycle.scheduled', actor: 'system', occurredAt: at(car.delivered) } });
    for (const [i, [day, status]] of car.bookings.entries()) {
      await db.booking.create({ data: { idempotencyKey: `fs-${car.n}-${i}`, vin: vin(car.n), storeId: STORE, cycle: 1, channel: 'PHONE', status, bookedFor: at(day), createdBy: 'seed' } });
    }
  }
  web = await startDatabaseOnlyWeb(db, clock);
  base = web.base;
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function get(actor: string, path: string): Promise<{ status: number; html: string }> {
  const session = await openSession(db, actor, 'WEB', clock.now());
  const res = await fetch(`${base}${path}`, { redirect: 'manual', headers: { cookie: `sl_session=${session.token}` } });
  return { status: res.status, html: await res.text() };
}

const rows = (html: string) => [...html.matchAll(/<tr data-consultant="([\w-]*)" data-base="(\d+)" data-arrived="(\d+)">/g)].map((m) => [m[1], Number(m[2]), Number(m[3])]);

test("R22 the manager's page: each consultant's base (September deliveries plus earlier no-shows), arrivals and the cars", async () => {
  const { status, html } = await get('sm-fs', `/stores/${STORE}/first-service`);
  expect(status).toBe(200);
  expect(rows(html)).toEqual([
    ['sc-1', 3, 1],
    ['sc-2', 1, 1],
  ]);
  expect(html).toContain('周销售');
  const behind = html.slice(html.indexOf('id="consultant-sc-1"'), html.indexOf('id="consultant-sc-2"'));
  expect([...behind.matchAll(/<tr data-vin="(\w+)" data-why="(\w+)">/g)].map((m) => [m[1], m[2]])).toEqual([
    [vin(1), 'DELIVERED_N3'],
    [vin(2), 'DELIVERED_N3'],
    [vin(3), 'EARLIER_NO_SHOW'],
  ]);
  expect(behind).toContain(`href="/vehicles/${vin(1)}"`);
  // January's base: the October delivery, and cars 2 and 3, which missed their bookings and have not come.
  const january = (await get('sm-fs', `/stores/${STORE}/first-service?month=2027-01`)).html;
  expect(rows(january)).toEqual([['sc-1', 3, 0]]);
  expect([...january.matchAll(/<tr data-vin="(\w+)" data-why="(\w+)">/g)].map((m) => [m[1], m[2]])).toEqual([
    [vin(2), 'EARLIER_NO_SHOW'],
    [vin(3), 'EARLIER_NO_SHOW'],
    [vin(4), 'DELIVERED_N3'],
  ]);
});

test('R22 a consultant sees their own rate only; an advisor may not', async () => {
  expect(rows((await get('sc-2', `/stores/${STORE}/first-service`)).html)).toEqual([['sc-2', 1, 1]]);
  expect((await get('sa-fs', `/stores/${STORE}/first-service`)).status).toBe(403);
});

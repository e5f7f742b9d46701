// R23 one vehicle, two files, over a seeded month on a real PostgreSQL (Temporal is never reached): the
// search by plate, VIN, customer name and date (a visit of the product or one a DMS import brought in),
// the sales file and the service file of one car, and who may read them; each visit's documents reach
// customer relations within a working day, or a task says they have not.
import { createDb, Db } from '../../activities/database';
import { openSession } from '../../api/auth/sessions';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { openVisitDocumentTasks } from '../../reports/visitDocuments';
import { registrationActivities } from '../../activities/registration';
import { lifecycleStart } from '../../commands/registration';
import { registerVehicleSchema } from '../../commands/schemas';
import type { VehicleLifecycleInput } from '../../workflows/lifecycle/contract';
import { DatabaseOnlyWeb, startDatabaseOnlyWeb } from '../support/databaseOnlyApi';
import { startPostgres, TestPostgres } from '../support/postgres';
import { local, OTHER_STORE, REPORT_STORE, seedReportMonth, vinOf } from '../support/reportMonth';
import { addStaff } from '../support/staff';

const clock = settableClock(local('2026-12-09 12:00'));

let postgres: TestPostgres;
let db: Db;
let web: DatabaseOnlyWeb;
let base: string;

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await seedReportMonth(db);
  await addStaff(db, [
    { id: 'cr-f', storeId: REPORT_STORE, role: 'CUSTOMER_RELATIONS', name: '赵客服' },
    { id: 'sc-f', storeId: REPORT_STORE, role: 'SALES_CONSULTANT', name: '周销售' },
    { id: 'sa-f', storeId: REPORT_STORE, role: 'SERVICE_ADVISOR', name: '李顾问' },
    { id: 'tech-f', storeId: REPORT_STORE, role: 'TECHNICIAN' },
    { id: 'aud-f', storeId: OTHER_STORE, role: 'AUDITOR', allStores: true },
    { id: 'sa-other', storeId: OTHER_STORE, role: 'SERVICE_ADVISOR' },
  ]);
  // Car 1 was sold by 周销售 and had its 7DC call; its visit of 9 November was received by 李顾问 at 5,230 km.
  await db.vehicle.update({ where: { vin: vinOf(1) }, data: { salesConsultantId: 'sc-f' } });
  await db.task.create({
    data: { idempotencyKey: 'files-7dc', vin: vinOf(1), workflowId: `care-${vinOf(1)}`, cycle: 0, kind: 'NEW_CAR_7DC_CALL', rule: 'R20', status: 'DONE', dueAt: local('2026-08-08 18:00'), assigneeRole: 'CUSTOMER_RELATIONS', completedBy: 'cr-f', completedAt: local('2026-08-08 10:00') },
  });
  await db.repairOrder.updateMany({ where: { vin: vinOf(1) }, data: { checkInMileageKm: 5230, receivedBy: 'sa-f', settledCny: '680.00' } });
  // Car 3's history from the old DMS: a visit in June 2025.
  await db.serviceVisit.create({ data: { storeId: REPORT_STORE, repairOrderNo: 'DMS-2025-0601', serviceDate: new Date('2025-06-01'), vin: vinOf(3), mileageKm: 1200, description: '首保', amountCny: '0.00' } });
  web = await startDatabaseOnlyWeb(db, clock);
  base = web.base;
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function post(actor: string, path: string, form: Record<string, string>): Promise<{ status: number; location: string | null }> {
  const session = await openSession(db, actor, 'WEB', clock.now());
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `sl_session=${session.token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: session.csrfToken, ...form }),
  });
  return { status: res.status, location: res.headers.get('location') };
}

async function get(actor: string, path: string): Promise<{ status: number; html: string }> {
  const session = await openSession(db, actor, 'WEB', clock.now());
  const res = await fetch(`${base}${path}`, { redirect: 'manual', headers: { cookie: `sl_session=${session.token}` } });
  return { status: res.status, html: await res.text() };
}

/** The VINs a search lists. */
async function found(actor: string, query: Record<string, string>): Promise<string[]> {
  const { status, html } = await get(actor, `/files?${new URLSearchParams(query)}`);
  expect(status).toBe(200);
  return [...html.matchAll(/<tr data-vin="(\w+)">/g)].map((m) => m[1]);
}

test('R23 the files are found by plate, VIN, customer name and date, in the person’s store', async () => {
  expect(await found('cr-f', { q: '苏F70001' })).toEqual([vinOf(1)]);
  expect(await found('cr-f', { q: vinOf(2).toLowerCase().slice(-6) })).toEqual([vinOf(2)]);
  expect(await found('cr-f', { q: '客户3' })).toEqual([vinOf(3)]);
  // 12 November: car 8 checked in at 09:35; every car was delivered in August.
  expect(await found('cr-f', { from: '2026-11-12', to: '2026-11-12' })).toEqual([vinOf(8)]);
  expect(await found('cr-f', { from: '2026-08-01', to: '2026-08-01' })).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(vinOf));
  // A visit the DMS import brought in counts as one.
  expect(await found('cr-f', { from: '2025-06-01', to: '2025-06-30' })).toEqual([vinOf(3)]);
  // Name and dates together narrow the search.
  expect(await found('cr-f', { q: '客户', from: '2026-11-09', to: '2026-11-09' })).toEqual([vinOf(1), vinOf(6)]);
  // Another store's car is not found by a person of this store; an auditor spans stores.
  expect(await found('cr-f', { q: '苏F70009' })).toEqual([]);
  expect(await found('aud-f', { q: '苏F70009' })).toEqual([vinOf(9)]);
  const bad = await get('cr-f', '/files?q=%E5%AE%A2%E6%88%B73&from=2026-13-01');
  expect(bad.html).toContain(`data-vin="${vinOf(3)}"`);
  expect(bad.html).toContain('badge red');
});

test('R23 one page holds the sales file and the service file of a car', async () => {
  const { status, html } = await get('sc-f', `/vehicles/${vinOf(1)}/files`);
  expect(status).toBe(200);
  const sales = html.slice(html.indexOf('id="sales-file"'), html.indexOf('id="service-file"'));
  const service = html.slice(html.indexOf('id="service-file"'));
  expect(sales).toContain('data-fact="delivered">2026-08-01<');
  expect(sales).toContain('data-fact="consultant">周销售<');
  expect(sales).toMatch(/<tr data-kind="NEW_CAR_7DC_CALL" data-status="DONE">/);
  expect(service).toMatch(/<article class="visit" data-cycle="1">/);
  expect(service).toMatch(/data-document="reception">[^<]*5230 km[^<]*李顾问/);
  expect(service).toMatch(/data-document="settlement">[^<]*680\.00/);
  expect(service).toMatch(/data-document="survey">[^<]*6 \/ 9/);
  expect(service).toContain(`/vehicles/${vinOf(1)}/repair-orders/1/print`);
  // The sales consultant calls customers: the phone in full.
  expect(html).toContain('13900000701');

  const imported = await get('cr-f', `/vehicles/${vinOf(3)}/files`);
  expect(imported.html).toMatch(/<tr data-order="DMS-2025-0601"><td>DMS-2025-0601<\/td><td>2025-06-01<\/td><td>1200<\/td><td>首保<\/td>/);
  // Car 3's only booking was cancelled: no visit of the product.
  expect(imported.html).not.toContain('class="visit"');
});

test('R23 who may read the files: not the workshop; another store’s car does not exist; phones masked for auditors', async () => {
  expect((await get('tech-f', '/files?q=苏F70001')).status).toBe(403);
  expect((await get('tech-f', `/vehicles/${vinOf(1)}/files`)).status).toBe(403);
  expect((await get('sa-other', `/vehicles/${vinOf(1)}/files`)).status).toBe(404);
  const audit = await get('aud-f', `/vehicles/${vinOf(1)}/files`);
  expect(audit.status).toBe(200);
  expect(audit.html).toContain('139****0701');
  expect(audit.html).not.toContain('13900000701');
});

test("R23 a visit's documents not with customer relations a working day after delivery open a task; receiving them closes it", async () => {
  // 9 December: every November delivery of the month's store (cars 1, 6, 7, 8) is past its day; the other
  // store's car 9 has its own task.
  expect(await openVisitDocumentTasks(db, clock.now())).toBe(5);
  const open = await db.task.findMany({ where: { kind: 'VISIT_DOCUMENTS', status: 'OPEN' }, orderBy: { vin: 'asc' } });
  expect(open.map((t) => [t.vin, t.assigneeRole, t.rule])).toEqual([1, 6, 7, 8, 9].map((n) => [vinOf(n), 'CUSTOMER_RELATIONS', 'R23']));
  // Car 1 was delivered on Monday 9 November at 16:00: due by Tuesday's end (contact hours to 18:00).
  expect(open[0].dueAt.toISOString()).toBe(local('2026-11-10 18:00').toISOString());

  const page = await get('cr-f', `/vehicles/${vinOf(1)}/files`);
  expect(page.html).toContain('data-form="documents:1"');
  expect((await post('sa-f', `/vehicles/${vinOf(1)}/files/documents-received`, { cycle: '1' })).status).toBe(403);
  const done = await post('cr-f', `/vehicles/${vinOf(1)}/files/documents-received`, { cycle: '1' });
  expect([done.status, done.location]).toEqual([302, `/vehicles/${vinOf(1)}/files`]);
  expect((await db.task.findFirstOrThrow({ where: { kind: 'VISIT_DOCUMENTS', vin: vinOf(1) } })).status).toBe('DONE');
  expect(await db.auditEvent.count({ where: { vin: vinOf(1), action: 'visit.documents-received', actor: 'cr-f', rule: 'R23' } })).toBe(1);
  const after = await get('cr-f', `/vehicles/${vinOf(1)}/files`);
  expect(after.html).toMatch(/data-document="to-cr">[^<]*赵客服/);
  expect(after.html).not.toContain('data-form="documents:1"');

  // Twice, or for a visit not delivered, is refused and changes nothing.
  await post('cr-f', `/vehicles/${vinOf(1)}/files/documents-received`, { cycle: '1' });
  await post('cr-f', `/vehicles/${vinOf(2)}/files/documents-received`, { cycle: '1' });
  expect(await db.visitDocuments.count()).toBe(1);
  // The next run opens nothing again.
  expect(await openVisitDocumentTasks(db, clock.now())).toBe(0);
});

test('R23 the sales file holds the sale price the registration gave; without one it says it is not registered', async () => {
  // The door's schema and start options, then the lifecycle's first activity, as a registration runs them.
  const body = registerVehicleSchema.parse({
    vin: 'LSVREP0RTPR1CE001',
    plate: '苏F7P001',
    model: 'Lavida',
    storeId: REPORT_STORE,
    deliveryDate: '2026-11-20',
    mileageKm: 15,
    salesConsultantId: 'sc-f',
    salePriceCny: 159800,
    customer: { name: '价客户', phone: '13900000799' },
  });
  const input = lifecycleStart(body, 'sc-f', clock.now()).args![0] as VehicleLifecycleInput;
  await registrationActivities(db).registerVehicle({ workflowId: `vehicle-${body.vin}`, runId: 'run-price', vin: body.vin, cycle: 1, at: clock.now().toISOString() }, input);
  const priced = await get('sc-f', `/vehicles/${body.vin}/files`);
  expect(priced.html).toContain('data-fact="price">159800.00 元<');
  expect((await get('sc-f', `/vehicles/${vinOf(2)}/files`)).html).toMatch(/data-fact="price">未登记/);
  // A price that is not an amount is refused at the door.
  expect(registerVehicleSchema.safeParse({ ...body, salePriceCny: -1 }).success).toBe(false);
});

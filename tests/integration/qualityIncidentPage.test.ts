// R24 a quality incident's page on a real PostgreSQL (Temporal is never reached): the follow-up call
// registers a loss above the store's threshold and what happened, the ticket's own activities open it,
// page leadership and take the answer, and the page the general manager reads says the car and customer,
// the loss and that it went to leadership at once, what happened, the R24 loop with who and when, the
// ladder with the acknowledgement, and the answer. Linked from the vehicle's service file.
import { createDb, Db } from '../../activities/database';
import { failureTicketActivities } from '../../activities/failureTickets';
import { serviceStepActivities } from '../../activities/serviceSteps';
import { taskActivities } from '../../activities/tasks';
import { openSession } from '../../api/auth/sessions';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { failureTicketWorkflowId } from '../../workflows/failureTicket/contract';
import { DatabaseOnlyWeb, startDatabaseOnlyWeb } from '../support/databaseOnlyApi';
import { startPostgres, TestPostgres } from '../support/postgres';
import { addStaff } from '../support/staff';

const STORE = 'store-r24';
const OTHER = 'store-r24-other';
const VIN = 'LSVR24MAGT0000001';
const TICKET = failureTicketWorkflowId(VIN, 2);
const clock = settableClock(new Date('2026-12-10T06:00:00Z'));

let postgres: TestPostgres;
let db: Db;
let web: DatabaseOnlyWeb;

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  for (const id of [STORE, OTHER]) await db.store.create({ data: { id, name: id === STORE ? '质量示范店' : '另一家店', settings: { contactStartTime: '00:00', contactEndTime: '24:00' } } });
  await addStaff(db, [
    { id: 'cr-q', storeId: STORE, role: 'CUSTOMER_RELATIONS', name: '赵客服' },
    { id: 'gm-q', storeId: STORE, role: 'GENERAL_MANAGER', name: '王总' },
    { id: 'sm-q', storeId: STORE, role: 'SERVICE_MANAGER', name: '钱经理' },
    { id: 'sm-other', storeId: OTHER, role: 'SERVICE_MANAGER' },
  ]);
  await db.staff.update({ where: { id: 'gm-q' }, data: { email: 'gm@r24.example' } });
  const customer = await db.customer.create({ data: { storeId: STORE, name: '孙先生', phone: '13900002401' } });
  await db.vehicle.create({
    data: { vin: VIN, plate: '苏A24001', model: 'Magotan', storeId: STORE, customerId: customer.id, deliveryDate: new Date('2025-06-01'), mileageKm: 18000, mileageRecordedAt: new Date('2026-12-01'), avgDailyKm: 40, cycle: 2, workflowId: `vehicle-${VIN}` },
  });
  const booking = await db.booking.create({ data: { idempotencyKey: 'r24-booking', vin: VIN, storeId: STORE, cycle: 2, channel: 'PHONE', status: 'ARRIVED', bookedFor: new Date('2026-12-03T01:00:00Z'), createdBy: 'seed' } });
  await db.repairOrder.create({
    data: {
      idempotencyKey: 'r24-order',
      vin: VIN,
      bookingId: booking.id,
      cycle: 2,
      status: 'DELIVERED',
      checkedInAt: new Date('2026-12-03T01:10:00Z'),
      deliveredAt: new Date('2026-12-03T09:00:00Z'),
      settledCny: '3200.00',
      items: { create: [{ description: '更换正时皮带', priceCny: '3200.00', laborHours: 3 }] },
    },
  });

  // The lifecycle's follow-up call (cycle 2) registers the incident; the ticket's workflow opens and pages.
  const lifecycle = { workflowId: `vehicle-${VIN}`, runId: 'run-1', vin: VIN, cycle: 2 };
  await taskActivities(db).openTask({ ...lifecycle, at: '2026-12-06T02:00:00.000Z' }, { kind: 'FOLLOW_UP_CALL', rule: 'R17', dueAt: '2026-12-08T10:00:00.000Z', assigneeRole: 'CUSTOMER_RELATIONS' });
  await serviceStepActivities(db).recordFollowUp(
    { ...lifecycle, at: '2026-12-06T02:30:00.000Z' },
    { actor: 'cr-q', attitudeScore: 9, qualityScore: 3, comment: '发动机异响，又回厂了', qualityLossCny: 26000, qualityIncident: '正时皮带装配错误，发动机气门受损，需更换缸盖；客户拖车回厂。' },
  );
  const tickets = failureTicketActivities(db);
  const ticket = { workflowId: TICKET, runId: 'run-t', vin: VIN, cycle: 2 };
  const input = { vin: VIN, storeId: STORE, cycle: 2, grade: 'A' as const, rule: 'R24' as const, reason: '发动机异响，又回厂了', scores: { attitude: 9, quality: 3 }, openedBy: 'cr-q' };
  await tickets.openFailureTicket({ ...ticket, at: '2026-12-06T02:30:01.000Z' }, input, 'GENERAL_MANAGER', '2026-12-07T02:30:01.000Z');
  await tickets.pageEscalationLevel({ ...ticket, at: '2026-12-06T02:30:02.000Z' }, { storeId: STORE, level: 0, round: 0, roles: ['GENERAL_MANAGER', 'SERVICE_MANAGER'], answerBy: '2026-12-07T02:30:01.000Z', grade: 'A', reason: input.reason });
  // The general manager acknowledges the page from the link in it (api/notificationRoutes.ts records this).
  await db.notification.updateMany({ where: { workflowId: TICKET, recipient: 'gm@r24.example' }, data: { acknowledgedAt: new Date('2026-12-06T02:41:00Z'), acknowledgedBy: 'gm@r24.example', status: 'SENT', sentAt: new Date('2026-12-06T02:30:05Z') } });
  web = await startDatabaseOnlyWeb(db, clock);
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

async function get(actor: string, path: string, lang?: 'en'): Promise<{ status: number; html: string }> {
  const session = await openSession(db, actor, 'WEB', clock.now());
  const cookie = [`sl_session=${session.token}`, ...(lang ? [`sl_lang=${lang}`] : [])].join('; ');
  const res = await fetch(`${web.base}${path}`, { redirect: 'manual', headers: { cookie } });
  return { status: res.status, html: await res.text() };
}

const section = (html: string, id: string) => html.slice(html.indexOf(`id="${id}"`), html.indexOf('</section>', html.indexOf(`id="${id}"`)));
const stageRow = (html: string, stage: string) => html.match(new RegExp(`<tr data-stage="${stage}"[^>]*>.*?</tr>`))?.[0] ?? '';

test('R24 the follow-up call keeps the loss and what happened, and the ticket carries them', async () => {
  const survey = await db.followUpSurvey.findFirstOrThrow({ where: { vin: VIN, cycle: 2 } });
  expect(survey.qualityLossCny?.toFixed(2)).toBe('26000.00');
  const ticket = await db.serviceFailureTicket.findFirstOrThrow({ where: { workflowId: TICKET } });
  expect({ cycle: ticket.cycle, loss: ticket.qualityLossCny?.toFixed(2), what: ticket.qualityIncident }).toEqual({ cycle: 2, loss: '26000.00', what: survey.qualityIncident });
});

test('R24 the incident page says the loss, what happened, the loop and the ladder before the answer', async () => {
  const { status, html } = await get('gm-q', `/tickets/${TICKET}`);
  expect(status).toBe(200);
  expect(section(html, 'incident-vehicle')).toContain('苏A24001');
  expect(section(html, 'incident-vehicle')).toContain('孙先生');
  expect(section(html, 'incident-loss')).toContain('data-fact="loss">26000.00 元');
  expect(section(html, 'incident-loss')).toContain('20000.00');
  expect(section(html, 'incident-loss')).toContain('超过门槛：立即上报领导');
  const what = section(html, 'incident-what');
  expect(what).toContain('正时皮带装配错误，发动机气门受损，需更换缸盖；客户拖车回厂。');
  expect(what).toContain('发动机异响，又回厂了');
  expect(what).toContain('data-fact="scores">9 / 3<');
  expect(what).toContain(`/vehicles/${VIN}/repair-orders/2/print`);
  expect(what).toContain('更换正时皮带');
  // Registered by the CR on the call; confirmed by the general manager's acknowledgement; not yet acted on.
  expect(stageRow(html, 'REGISTER')).toMatch(/data-done="true".*赵客服/);
  expect(stageRow(html, 'CONFIRM')).toMatch(/data-done="true".*王总/);
  for (const stage of ['ACT', 'FEEDBACK', 'CLOSE', 'ARCHIVE']) expect(stageRow(html, stage)).toContain('data-done="false"');
  // Leadership at once: level 0 is the general manager and service manager together, each paged.
  const ladder = section(html, 'incident-ladder');
  expect(ladder).toContain('data-level="0" data-round="0"');
  expect(ladder).toContain('总经理');
  expect(ladder).toMatch(/<tr data-recipient="gm@r24\.example">.*王总 · [^<]*<\/span>/);
  expect(ladder).toMatch(/<tr data-recipient="sm-q">.*未确认/);
  expect(section(html, 'incident-answer')).toContain('尚未答复');
});

test('R24 the answer closes the loop and is shown; the page reads in English too', async () => {
  await failureTicketActivities(db).answerFailureTicket(
    { workflowId: TICKET, runId: 'run-t', vin: VIN, cycle: 2, at: '2026-12-06T08:00:00.000Z' },
    { actor: 'sm-q', answer: '免费更换缸盖并提供代步车，技术总监上门致歉；装配工艺已复训。' },
  );
  const { html } = await get('gm-q', `/tickets/${TICKET}`, 'en');
  expect(section(html, 'incident-loss')).toContain('Above the threshold: leadership paged at once');
  expect(section(html, 'incident-answer')).toContain('免费更换缸盖并提供代步车');
  for (const stage of ['ACT', 'FEEDBACK', 'CLOSE']) expect(stageRow(html, stage)).toMatch(/data-done="true".*钱经理/);
  // The database trigger seals the answer into the vehicle's audit chain: archived.
  expect(stageRow(html, 'ARCHIVE')).toMatch(/data-done="true".*audit chain/);
});

// The manager and vehicle pages also link it; they ask Temporal, so qualityIncidentStack.test.ts shows them.
test('R24 the service file links the visit’s incident; another store does not see it', async () => {
  const files = await get('sm-q', `/vehicles/${VIN}/files`);
  expect(files.html).toMatch(new RegExp(`data-document="survey">[^<]*9 / 3 · <a href="/tickets/${TICKET}"`));
  expect((await get('sm-other', `/tickets/${TICKET}`)).status).toBe(404);
  expect((await get('sm-q', '/tickets/failure-NOT-A-TICKET')).status).toBe(404);
});

// R23 report e-mails through the outbox, on a real PostgreSQL and a real SMTP server (the schedule that runs
// the delivery is tests/integration/reportSchedule.test.ts): the reports due at 09:00 on 5 December go to
// their recipients with the seeded month's figures; a bounced report mail belongs to no vehicle, so it is
// recorded in the store's audit chain without a vehicle task, and a manager sends it again. A test month: the
// delivery run every quarter of an hour through November queues each report once, at its due time.
import { Client, Connection } from '@temporalio/client';
import { createDb, Db } from '../../activities/database';
import { createCommandDeps, runCommand } from '../../commands/command';
import { retryMessageCommand } from '../../commands/outbox';
import { createDispatcher } from '../../notifications/dispatcher';
import { DueReport, reportCalendar, reportKey, reportsDueBetween } from '../../reports/calendar';
import { reportDeliveryActivities } from '../../reports/delivery';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { SmtpSink, startSmtpSink } from '../support/messageSinks';
import { startPostgres, TestPostgres } from '../support/postgres';
import { EXPECTED, local, REPORT_STORE, seedReportMonth } from '../support/reportMonth';

const DUE = local('2026-12-05 09:00');
const clock = settableClock(DUE);

let postgres: TestPostgres;
let smtp: SmtpSink;
let db: Db;
let connection: Connection;

beforeAll(async () => {
  [postgres, smtp] = await Promise.all([startPostgres(), startSmtpSink({ rejectRecipients: ['left@store.example'] })]);
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await seedReportMonth(db);
  await db.storeChannel.create({ data: { storeId: REPORT_STORE, channel: 'EMAIL', config: { url: smtp.url, from: '报表示范店 <service@store.example>' }, updatedBy: 'it-admin' } });
  await db.staff.createMany({
    data: [
      { id: 'sm-m', storeId: REPORT_STORE, name: '王经理', role: 'SERVICE_MANAGER', email: 'wang@store.example' },
      { id: 'cm-m', storeId: REPORT_STORE, name: '许经理', role: 'CUSTOMER_MANAGER', email: 'left@store.example' },
      { id: 'sup-m', storeId: REPORT_STORE, name: '吴主管', role: 'SERVICE_SUPERVISOR', email: 'wu@store.example' },
    ],
  });
  connection = Connection.lazy({ address: '127.0.0.1:1' });
}, 120_000);

afterAll(async () => {
  await connection?.close().catch(() => undefined);
  await db?.$disconnect();
  await Promise.all([postgres?.stop(), smtp?.close()]);
});

test('R23 the reports due at 09:00 on 5 December reach their recipients; a bounce is the store’s, not a vehicle’s', async () => {
  const delivered = await reportDeliveryActivities(db).deliverDueReports({ upTo: DUE.toISOString(), lookbackHours: 24, workflowId: 'report-delivery-test' });
  // Before work on Saturday the 5th: that day's daily report and November's 3DC report (the weekly one is due at closing).
  expect(delivered).toEqual([
    { storeId: REPORT_STORE, report: 'DAILY:2026-12-04..2026-12-05', recipients: 2 },
    { storeId: REPORT_STORE, report: 'SURVEY_3DC:2026-11-01..2026-11-30', recipients: 2 },
  ]);
  const recipients = await db.notification.findMany({ where: { template: 'report-delivery' }, orderBy: { idempotencyKey: 'asc' }, select: { idempotencyKey: true, recipient: true } });
  expect(recipients.map((r) => [r.idempotencyKey.split(':')[2], r.recipient])).toEqual([
    ['DAILY', 'wang@store.example'],
    ['DAILY', 'wu@store.example'],
    ['SURVEY_3DC', 'left@store.example'],
    ['SURVEY_3DC', 'wang@store.example'],
  ]);

  const dispatcher = createDispatcher({ db, clock, log: () => undefined });
  try {
    await dispatcher.runOnce();
  } finally {
    dispatcher.close();
  }
  const survey = smtp.mails.find((m) => m.parsed.subject?.includes('3DC') && m.envelopeTo.includes('wang@store.example'));
  const { surveyed, deliveries, missed, pending } = EXPECTED.survey3dc.figures;
  expect(survey?.parsed.subject).toBe('【报表示范店】3DC 回访报表 2026-11-01 – 2026-11-30');
  expect(survey?.parsed.text).toContain(`3DC 覆盖 · 已回访：${surveyed.length} / ${deliveries.length}`);
  expect(survey?.parsed.text).toContain(`3DC 覆盖 · 漏访（窗口已过）：${missed.length}`);
  expect(survey?.parsed.text).toContain(`3DC 覆盖 · 待回访（窗口内）：${pending.length}`);
  expect(survey?.parsed.text).toContain(`/stores/${REPORT_STORE}/reports/SURVEY_3DC/2026-11-01/2026-11-30`);
  expect(smtp.mails).toHaveLength(3);

  const bounced = await db.notification.findFirstOrThrow({ where: { recipient: 'left@store.example' } });
  expect(bounced.status).toBe('BOUNCED');
  expect(await db.task.count({ where: { kind: 'UNDELIVERED_MESSAGE' } })).toBe(0);
  expect(await db.storeAuditEvent.count({ where: { storeId: REPORT_STORE, action: 'message.bounced' } })).toBe(1);
  expect(await db.storeAuditEvent.count({ where: { storeId: REPORT_STORE, action: 'message.sent' } })).toBe(3);

  // The address corrected, the service manager sends it again: recorded in the store's chain.
  const deps = createCommandDeps({ db, client: new Client({ connection }), clock });
  const manager = { id: 'sm-m', name: '王经理', role: 'SERVICE_MANAGER' as const, storeId: REPORT_STORE, allStores: false, session: { id: 's', kind: 'API' as const, csrfToken: 'x', expiresAt: new Date(DUE.getTime() + 3_600_000) } };
  const retried = await runCommand(deps, manager, retryMessageCommand, { messageId: bounced.id }, {});
  expect(retried.status).toBe('QUEUED');
  expect(await db.storeAuditEvent.count({ where: { storeId: REPORT_STORE, action: 'message.retried', actor: 'sm-m' } })).toBe(1);

  // The next run finds nothing new to queue.
  expect(await reportDeliveryActivities(db).deliverDueReports({ upTo: DUE.toISOString(), lookbackHours: 24, workflowId: 'report-delivery-test' })).toEqual([]);
});

test('R23 a test month on the schedule: every report of November queued once, at its due time, to its recipients', async () => {
  const STORE = 'store-month';
  await db.store.create({ data: { id: STORE, name: '整月示范店', settings: { contactStartTime: '09:00', contactEndTime: '18:00' } } });
  // Closed on Sundays; 3DC due on Thursday the 5th, service failures on Sunday the 8th move to Saturday the 7th.
  await db.storeOpeningHours.createMany({ data: [1, 2, 3, 4, 5, 6].map((weekday) => ({ storeId: STORE, weekday, opensAt: '08:30', closesAt: '17:30' })) });
  await db.staff.createMany({
    data: [
      { id: 'sm-month', storeId: STORE, name: '孙经理', role: 'SERVICE_MANAGER', email: 'sun@month.example' },
      { id: 'gm-month', storeId: STORE, name: '何总', role: 'GENERAL_MANAGER', email: 'he@month.example' },
    ],
  });
  const activities = reportDeliveryActivities(db);
  // The schedule's runs, every quarter of an hour from 1 November to 1 December (store time).
  const start = local('2026-11-01 00:00').getTime();
  for (let at = start; at <= local('2026-12-01 00:00').getTime(); at += 15 * 60_000) {
    await activities.deliverDueReports({ upTo: new Date(at).toISOString(), lookbackHours: 24, storeId: STORE, workflowId: 'report-delivery-month' });
  }
  const queued = await db.notification.findMany({ where: { storeId: STORE, template: 'report-delivery' }, select: { idempotencyKey: true, recipient: true, scheduledFor: true } });
  const hours = { utcOffsetMinutes: 480, openingHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opensAt: '08:30', closesAt: '17:30' })), holidays: [], contactStartTime: '09:00', contactEndTime: '18:00' };
  const november = reportCalendar('2026-11', hours);
  expect(november.filter((r) => r.kind === 'SERVICE_FAILURE')[0].dueOn).toBe('2026-11-07');
  const expected = (reports: DueReport[], queuedAt?: number) =>
    reports.flatMap((r) => {
      const to = { DAILY: ['sm-month'], WEEKLY: ['sm-month', 'gm-month'], MONTHLY: ['sm-month', 'gm-month'], SURVEY_3DC: ['sm-month'], SERVICE_FAILURE: ['sm-month', 'gm-month'] }[r.kind];
      return to.map((id) => `report:${STORE}:${reportKey(r.kind, r.period)}:${id} ${new Date(queuedAt ?? r.dueAt).toISOString()}`);
    });
  // The first run also makes up what fell due in the day before it (October's last day, week and month).
  const caughtUp = reportsDueBetween(start - 24 * 3_600_000, start, hours);
  expect(caughtUp.map((r) => r.kind)).toEqual(['DAILY', 'WEEKLY', 'MONTHLY']);
  // Queued on the run at its due time (due times fall on quarter hours), once for each person.
  expect(queued.map((m) => `${m.idempotencyKey} ${m.scheduledFor.toISOString()}`).sort()).toEqual([...expected(caughtUp, start), ...expected(november)].sort());
  expect(new Set(queued.map((m) => m.recipient))).toEqual(new Set(['sun@month.example', 'he@month.example']));
}, 300_000);

// R23 the reports' figures against a seeded month on the real database (PostgreSQL, migrated): each
// number and the vehicles behind it, the store's own days (Shanghai), nothing of another store.
import { createDb, Db } from '../../activities/database';
import { buildReport, BuiltReport, dueReportOf } from '../../reports/build';
import type { ReportKind } from '../../reports/calendar';
import { reportStore, ReportStore } from '../../reports/rows';
import { applyMigrations } from '../../runtime/migrate';
import { startPostgres, TestPostgres } from '../support/postgres';
import { EXPECTED, local, REPORT_STORE, seedReportMonth, vinOf } from '../support/reportMonth';

let postgres: TestPostgres;
let db: Db;
let store: ReportStore;
// Read a week after the month: every report is read as of its due time.
const NOW = local('2026-12-09 12:00');

beforeAll(async () => {
  postgres = await startPostgres();
  await applyMigrations(postgres.url);
  db = createDb(postgres.url);
  await seedReportMonth(db);
  store = (await reportStore(db, REPORT_STORE))!;
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await postgres?.stop();
});

async function report(kind: ReportKind, period: { from: string; to: string }): Promise<BuiltReport> {
  const due = dueReportOf(store, kind, period);
  expect(due).toBeDefined();
  return buildReport(db, store, due!, NOW);
}

function expectFigures(built: BuiltReport, expected: Record<string, readonly number[]>, bases: Record<string, number> = {}) {
  const figures = built.figures.sections.flatMap((s) => s.figures);
  expect(figures.map((f) => f.key).sort()).toEqual(Object.keys(expected).sort());
  for (const f of figures) {
    const cars = expected[f.key];
    expect({ key: f.key, vins: f.vins, count: f.count }).toEqual({ key: f.key, vins: cars.map(vinOf).sort(), count: cars.length });
    if (f.key in bases) expect({ key: f.key, base: f.base }).toEqual({ key: f.key, base: bases[f.key] });
    for (const vin of f.vins) expect(built.plates.get(vin)).toMatch(/^苏F7000\d$/);
  }
}

test('R23 daily report before work on 10 November: yesterday and today, tasks open at 09:00', async () => {
  const built = await report('DAILY', EXPECTED.daily.period);
  expect(built.figures.asOf).toBe(local('2026-11-10 09:00').toISOString());
  expectFigures(built, EXPECTED.daily.figures);
});

test('R23 weekly report, Saturday 14 November: the week Sunday to Saturday', async () => {
  const built = await report('WEEKLY', EXPECTED.weekly.period);
  expect(built.figures.asOf).toBe(local('2026-11-14 18:00').toISOString());
  expectFigures(built, EXPECTED.weekly.figures, { bookedCheckIns: EXPECTED.weekly.figures.checkIns.length });
});

test('R23 monthly report at the end of November', async () => {
  const built = await report('MONTHLY', EXPECTED.monthly.period);
  expect(built.figures.asOf).toBe(local('2026-11-30 18:00').toISOString());
  expectFigures(built, EXPECTED.monthly.figures, { bookedCheckIns: EXPECTED.monthly.figures.checkIns.length });
});

test("R23 / R17 November's 3DC report by 5 December: covered, missed, still in its window", async () => {
  const built = await report('SURVEY_3DC', EXPECTED.survey3dc.period);
  expect(built.due.dueOn).toBe('2026-12-05');
  expectFigures(built, EXPECTED.survey3dc.figures, { surveyed: EXPECTED.survey3dc.figures.deliveries.length });
});

test("R23 / R18 November's service-failure report by 8 December: by grade, answered on time or late, open", async () => {
  const built = await report('SERVICE_FAILURE', EXPECTED.failures.period);
  expect(built.due.dueOn).toBe('2026-12-08');
  expectFigures(built, EXPECTED.failures.figures, { answeredOnTime: EXPECTED.failures.figures.ticketsOpened.length });
});

test('R23 a report not yet due is read as of now; a period the calendar never names is no report', async () => {
  const early = local('2026-11-10 08:00');
  const due = dueReportOf(store, 'DAILY', EXPECTED.daily.period)!;
  const built = await buildReport(db, store, due, early);
  expect(built.figures.asOf).toBe(early.toISOString());
  // At 08:00 car 4's confirmation call was open, car 2's no-show call overdue, car 1's follow-up open.
  expect(built.figures.sections.find((s) => s.key === 'tasks')!.figures.map((f) => f.vins)).toEqual([[vinOf(1), vinOf(2), vinOf(4)], [vinOf(2)]]);
  expect(dueReportOf(store, 'WEEKLY', { from: '2026-11-09', to: '2026-11-15' })).toBeUndefined();
  expect(dueReportOf(store, 'DAILY', { from: '2026-11-09', to: '2026-11-11' })).toBeUndefined();
  expect(dueReportOf(store, 'MONTHLY', { from: '2026-11-01', to: '2026-11-31' })).toBeUndefined();
});

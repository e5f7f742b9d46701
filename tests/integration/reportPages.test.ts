// R23 the reports pages over a seeded month on a real PostgreSQL (Temporal is never reached): the month's
// report calendar, one report with each figure linking to the vehicles behind it, the Excel and CSV
// downloads holding the same figures and vehicles, in Chinese and English, and who may see them.
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { createDb, Db } from '../../activities/database';
import { openSession } from '../../api/auth/sessions';
import { settableClock } from '../../runtime/clock';
import { applyMigrations } from '../../runtime/migrate';
import { REPORTS_TEXT } from '../../web/text/reports';
import { DatabaseOnlyWeb, startDatabaseOnlyWeb } from '../support/databaseOnlyApi';
import { startPostgres, TestPostgres } from '../support/postgres';
import { EXPECTED, local, OTHER_STORE, REPORT_STORE, seedReportMonth, vinOf } from '../support/reportMonth';
import { addStaff } from '../support/staff';

const NOW = local('2026-12-09 12:00');
const clock = settableClock(NOW);
const DAILY = `/stores/${REPORT_STORE}/reports/DAILY/${EXPECTED.daily.period.from}/${EXPECTED.daily.period.to}`;

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
    { id: 'sm-r', storeId: REPORT_STORE, role: 'SERVICE_MANAGER' },
    { id: 'sa-r', storeId: REPORT_STORE, role: 'SERVICE_ADVISOR' },
    { id: 'aud-r', storeId: OTHER_STORE, role: 'AUDITOR', allStores: true },
    { id: 'sm-other', storeId: OTHER_STORE, role: 'SERVICE_MANAGER' },
  ]);
  web = await startDatabaseOnlyWeb(db, clock);
  base = web.base;
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await db?.$disconnect();
  await postgres?.stop();
});

/** A page's HTML with Handlebars' escapes (`=` `'` `&`) read back. */
const readable = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

async function get(actor: string | null, path: string, lang?: 'en'): Promise<Response> {
  const session = actor ? await openSession(db, actor, 'WEB', clock.now()) : null;
  const cookies = [session && `sl_session=${session.token}`, lang && 'sl_lang=en'].filter(Boolean).join('; ');
  return fetch(`${base}${path}`, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
}

/** The count each figure's row shows, by figure key. */
function shownCounts(html: string): Record<string, number> {
  return Object.fromEntries([...html.matchAll(/<tr data-figure="(\w+)"[^>]*>.*?data-count="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
}

const zh = (key: string) => REPORTS_TEXT[key][0];
const en = (key: string) => REPORTS_TEXT[key][1];

test("R23 the month's reports: each on its due time, those fallen due marked, linking to the report", async () => {
  const res = await get('sm-r', `/stores/${REPORT_STORE}/reports?month=2026-12`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const rows = [...html.matchAll(/<tr data-kind="(\w+)" data-period="([\d-]+)\.\.([\d-]+)" data-due="(\w+)">/g)];
  // Contact hours every day: 31 daily reports, 4 Saturdays, the month, November's 3DC and failure reports.
  expect(rows).toHaveLength(31 + 4 + 3);
  // 9 December noon: the dailies up to the 9th, the 5 December weekly and both follow-up reports are due.
  const due = rows.filter((r) => r[4] === 'due').map((r) => `${r[1]} ${r[3]}`);
  expect(due.sort()).toEqual(
    [...Array.from({ length: 9 }, (_, i) => `DAILY 2026-12-0${i + 1}`), 'WEEKLY 2026-12-05', 'SURVEY_3DC 2026-11-30', 'SERVICE_FAILURE 2026-11-30'].sort(),
  );
  expect(html).toContain(`href="/stores/${REPORT_STORE}/reports/SURVEY_3DC/2026-11-01/2026-11-30"`);
  expect(html).toContain(zh('report.kind.SURVEY_3DC'));
});

test('R23 one report: every figure as counted, each linking to its vehicles, the vehicles linking to their pages', async () => {
  const res = await get('sm-r', DAILY);
  expect(res.status).toBe(200);
  const html = readable(await res.text());
  expect(shownCounts(html)).toEqual(Object.fromEntries(Object.entries(EXPECTED.daily.figures).map(([k, cars]) => [k, cars.length])));
  expect(html).toContain(zh('report.figure.yesterdayNoShows'));
  expect(html).toContain(`href="${DAILY}?figure=openTasks#vehicles"`);

  const behind = await (await get('sm-r', `${DAILY}?figure=openTasks`)).text();
  const listed = [...behind.matchAll(/<tr data-vin="(\w+)"><td><a href="\/vehicles\/(\w+)">/g)];
  expect(listed.map((m) => m[1])).toEqual(EXPECTED.daily.figures.openTasks.map(vinOf));
  expect(listed.every((m) => m[1] === m[2])).toBe(true);
  for (const car of EXPECTED.daily.figures.openTasks) expect(behind).toContain(`苏F7000${car}`);
});

test('R23 the report in English', async () => {
  const html = readable(await (await get('sm-r', DAILY, 'en')).text());
  expect(html).toContain(en('report.kind.DAILY'));
  expect(html).toContain(en('report.figure.yesterdayNoShows'));
  expect(html).not.toContain(zh('report.figure.yesterdayNoShows'));
});

test('R23 the Excel download holds the figures and one row per vehicle behind each', async () => {
  const res = await get('sm-r', `${DAILY}/report.xlsx`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  expect(res.headers.get('content-disposition')).toContain(`report-${REPORT_STORE}-daily-2026-11-09-2026-11-10.xlsx`);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  const [figures, vehicles] = book.worksheets;
  const counts = figures.getSheetValues().slice(2).map((r) => (r as ExcelJS.CellValue[]).slice(4, 6));
  expect(counts.map(([label, count]) => [String(label).split(' · ')[1], count])).toEqual(
    Object.entries(EXPECTED.daily.figures).map(([k, cars]) => [zh(`report.figure.${k}`), cars.length]),
  );
  const noShows = vehicles
    .getSheetValues()
    .slice(2)
    .map((r) => (r as ExcelJS.CellValue[]).slice(1, 4))
    .filter(([label]) => String(label).endsWith(zh('report.figure.yesterdayNoShows')));
  expect(noShows).toEqual(EXPECTED.daily.figures.yesterdayNoShows.map((car) => [expect.any(String), vinOf(car), `苏F7000${car}`]));
});

test("R23 the CSV download: UTF-8 with a BOM, the 3DC report's vehicles per figure", async () => {
  const path = `/stores/${REPORT_STORE}/reports/SURVEY_3DC/2026-11-01/2026-11-30/report.csv`;
  const res = await get('sm-r', path, 'en');
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows: string[][] = parseCsv(bytes.subarray(3).toString('utf8'), { relaxColumnCount: true });
  const vinsOf = (key: string) => rows.filter((r) => r[1].endsWith(en(`report.figure.${key}`)) && r[4]).map((r) => r[4]);
  for (const [key, cars] of Object.entries(EXPECTED.survey3dc.figures)) expect(vinsOf(key)).toEqual(cars.map(vinOf));
  const surveyed = rows.find((r) => r[1].endsWith(en('report.figure.surveyed')))!;
  expect([surveyed[2], surveyed[3]]).toEqual([String(EXPECTED.survey3dc.figures.surveyed.length), String(EXPECTED.survey3dc.figures.deliveries.length)]);
});

test('R23 who may: managers and auditors; an advisor is refused, another store is not even confirmed, a stranger signs in first', async () => {
  expect((await get('aud-r', DAILY)).status).toBe(200);
  expect((await get('sa-r', DAILY)).status).toBe(403);
  expect((await get('sa-r', `${DAILY}/report.csv`)).status).toBe(403);
  expect((await get('sm-other', DAILY)).status).toBe(404);
  expect((await get('sm-other', `${DAILY}/report.xlsx`)).status).toBe(404);
  const signedOut = await get(null, DAILY);
  expect(signedOut.status).toBe(302);
  expect(signedOut.headers.get('location')).toMatch(/^\/login\?next=/);
  expect((await get('sm-r', `/stores/${REPORT_STORE}/reports/DAILY/2026-11-09/2026-11-11`)).status).toBe(404);
  expect((await get('sm-r', `/stores/${REPORT_STORE}/reports/YEARLY/2026-01-01/2026-12-31`)).status).toBe(404);
  const own = await get('sm-r', '/reports');
  expect(own.headers.get('location')).toBe(`/stores/${REPORT_STORE}/reports`);
});

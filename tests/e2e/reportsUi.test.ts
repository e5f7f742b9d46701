// R23 in headless Chromium against the running product, over a seeded month: a service manager finds the
// reports in the navigation, opens the daily report of 10 November, follows a figure to the vehicles behind
// it and downloads the report as Excel; customer relations find a car's two files by its plate and record
// that a visit's documents reached them.
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { artifact, launchChromium, signInAs } from '../support/browser';
import { ProductStack, startProductStack } from '../support/productStack';
import { EXPECTED, REPORT_STORE, seedReportMonth, vinOf } from '../support/reportMonth';
import { addStaff } from '../support/staff';

let stack: ProductStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startProductStack(async (db) => {
      await seedReportMonth(db);
      await addStaff(db, [
        { id: 'sm-ui', storeId: REPORT_STORE, role: 'SERVICE_MANAGER', name: '王经理' },
        { id: 'cr-ui', storeId: REPORT_STORE, role: 'CUSTOMER_RELATIONS', name: '赵客服' },
      ]);
    }),
    launchChromium(),
  ]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('R23 a manager opens a report from the navigation, follows a figure to its vehicles and downloads it as Excel', async () => {
  const page = await signInAs(browser, stack.base, 'sm-ui');
  await Promise.all([page.waitForNavigation(), page.click('header nav a[href="/reports"]')]);
  await page.goto(`${stack.base}/stores/${REPORT_STORE}/reports?month=2026-11`);
  const daily = page.locator(`#reports tr[data-kind="DAILY"][data-period="${EXPECTED.daily.period.from}..${EXPECTED.daily.period.to}"] a`);
  await Promise.all([page.waitForNavigation(), daily.click()]);
  const openTasks = page.locator('tr[data-figure="openTasks"] a');
  await expect(openTasks.textContent()).resolves.toBe(String(EXPECTED.daily.figures.openTasks.length));
  await Promise.all([page.waitForNavigation(), openTasks.click()]);
  await expect(page.locator('#vehicles tr[data-vin]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vin')))).resolves.toEqual(EXPECTED.daily.figures.openTasks.map(vinOf));
  await page.screenshot({ path: artifact('report-daily.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-download="xlsx"]')]);
  expect(download.suggestedFilename()).toBe(`report-${REPORT_STORE}-daily-${EXPECTED.daily.period.from}-${EXPECTED.daily.period.to}.xlsx`);
  const file = artifact('report-daily.xlsx');
  await download.saveAs(file);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const counts = book.worksheets[0].getSheetValues().slice(2).map((r) => (r as ExcelJS.CellValue[])[5]);
  expect(counts).toEqual(Object.values(EXPECTED.daily.figures).map((cars) => cars.length));
});

test("R23 customer relations find a car's two files by its plate and record that a visit's documents arrived", async () => {
  const page = await signInAs(browser, stack.base, 'cr-ui');
  await Promise.all([page.waitForNavigation(), page.click('header nav a[href="/files"]')]);
  await page.fill('#file-search input[name=q]', '苏F70001');
  await Promise.all([page.waitForNavigation(), page.click('#file-search button')]);
  await Promise.all([page.waitForNavigation(), page.click(`#file-hits tr[data-vin="${vinOf(1)}"] a`)]);
  await expect(page.locator('#sales-file [data-fact="delivered"]').textContent()).resolves.toBe('2026-08-01');
  await expect(page.locator('#service-file article[data-cycle="1"] [data-document="settlement"]').isVisible()).resolves.toBe(true);
  await Promise.all([page.waitForNavigation(), page.click('form[data-form="documents:1"] button')]);
  await expect(page.locator('.flash.ok').isVisible()).resolves.toBe(true);
  await expect(page.locator('[data-document="to-cr"]').textContent()).resolves.toContain('赵客服');
  await page.screenshot({ path: artifact('vehicle-files.png'), fullPage: true });
});

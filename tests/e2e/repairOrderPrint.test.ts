// R12's repair order (维修委托书) printed from real headless Chromium against the running product: the
// print stylesheet passes the pages' Content-Security-Policy, leaves the navigation off the paper and
// fits a full reception sheet on one A4 page. The PDF and a screenshot go to test-artifacts/.
import { writeFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { artifact, launchChromium, signInAs } from '../support/browser';
import { ProductStack, startProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A } from '../support/webStore';

const VIN = 'LSVRECEPT00000011';
const SA = staffIdOf('SERVICE_ADVISOR');
const HOUR = 3_600_000;

let stack: ProductStack;
let api: ApiDriver;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startProductStack(seedWebStores), launchChromium()]);
  api = new ApiDriver(stack.base);
  await api.register(VIN, STORE_A, '苏F60011', '13900000611');
  await api.waitForStage(VIN, 'AWAITING_CALL_OUTCOME');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('R12: the printed repair order of a walk-in with customer-supplied parts fits one A4 page, signature lines included', async () => {
  const walkedIn = await api.call(SA, 'POST', `/api/vehicles/${VIN}/walk-in`, {
    mileageKm: 23_480,
    promisedReadyAt: new Date(Date.now() + 6 * HOUR).toISOString(),
    promiseMarginMinutes: 120,
    complaint: '冷车启动时发动机舱有异响，刹车时方向盘抖动；顺便做常规保养，检查空调制冷效果',
    fuelLevel: 'THREE_QUARTERS',
    walkAroundFindings: ['左前门划痕约 5 cm', '后保险杠右侧凹陷', '右后轮毂刮伤', '前挡风玻璃右下角裂纹约 2 cm', '仪表：胎压报警灯亮'].join('\n'),
    itemsLeftInCar: '行车记录仪、雨伞、儿童座椅、充电线',
    keyTag: 'K-108',
    priceMethod: 'SYMPTOM',
    partsSource: 'CUSTOMER_SUPPLIED',
  });
  expect(walkedIn.status).toBe(200);

  const page = await signInAs(browser, stack.base, SA);
  const refused: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') refused.push(m.text());
  });
  const res = await page.goto(`${stack.base}/vehicles/${VIN}/repair-orders/1/print`);
  expect(res?.status()).toBe(200);
  await expect(page.locator('.repair-order .no-guarantee').textContent()).resolves.toContain('客户自带配件');
  await page.screenshot({ path: artifact('repair-order-screen.png'), fullPage: true });

  await page.emulateMedia({ media: 'print' });
  expect(refused).toEqual([]);
  await expect(page.locator('header.top').isVisible()).resolves.toBe(false);
  await expect(page.locator('.repair-order .customer-signature').isVisible()).resolves.toBe(true);
  // A4's width at 96 dpi, for a look at the paper in the artifacts.
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.screenshot({ path: artifact('repair-order-print.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  await writeFile(artifact('repair-order.pdf'), pdf);
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(1);
});

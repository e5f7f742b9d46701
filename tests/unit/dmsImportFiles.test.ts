// Reading DMS exports (issue 16): encodings, Chinese date formats, Excel merged cells and dates, the
// first mapping guessed from Chinese headers, the overdue cap's days and the workflow-start rate limit.
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { reminderAt, reminderCallWindow } from '../../domain/contactSchedule';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { parseDate, parseKm, parseMonthDay, parsePhone, parsePlate } from '../../import/cells';
import { guessMapping } from '../../import/fields';
import { spreadOverdue } from '../../import/overdueCap';
import { parseRow } from '../../import/rows';
import { rateLimited, tokenBucket } from '../../import/startRate';
import { readTable } from '../../import/table';

const HEADER = '车架号,车牌号,车型,交车日期,客户姓名,手机';
const ROW = 'LSVAU2180N2183294,苏A·12345,朗逸,2026年3月1日,王先生,138-0000-0000';

test('a CSV in UTF-8, with the BOM, in GBK and tab-separated UTF-16 reads the same', async () => {
  const text = `${HEADER}\r\n${ROW}\r\n`;
  const files = {
    'UTF-8': Buffer.from(text, 'utf8'),
    'UTF-8-BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
    GBK: iconv.encode(text, 'gbk'),
    'UTF-16LE': Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text.replace(/,/g, '\t'), 'utf-16le')]),
  };
  for (const [encoding, bytes] of Object.entries(files)) {
    const table = await readTable(bytes);
    expect({ encoding: table.encoding, headers: table.headers, rows: table.rows }).toEqual({
      encoding,
      headers: ['车架号', '车牌号', '车型', '交车日期', '客户姓名', '手机'],
      rows: [{ line: 2, cells: ['LSVAU2180N2183294', '苏A·12345', '朗逸', '2026年3月1日', '王先生', '138-0000-0000'] }],
    });
  }
  // GBK bytes are not UTF-8: read as UTF-8 they would be replacement characters.
  expect(iconv.encode('王', 'gbk').toString('utf8')).toContain('\ufffd');
});

test('empty lines are skipped but line numbers are the file\'s; a repeated header stays apart; a formula guard is dropped', async () => {
  const table = await readTable(Buffer.from(`电话,电话,备注\n\n13800000000,13900000000,'=1+1\n`));
  expect(table.headers).toEqual(['电话', '电话 (2)', '备注']);
  expect(table.rows).toEqual([{ line: 3, cells: ['13800000000', '13900000000', '=1+1'] }]);
});

test('unreadable files are 422 with a reason in both languages', async () => {
  await expect(readTable(Buffer.alloc(0))).rejects.toMatchObject({ status: 422, details: [{ zh: '文件是空的' }] });
  await expect(readTable(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/\.xls/) });
  await expect(readTable(Buffer.from('a,b\n"unclosed,2\n'))).rejects.toMatchObject({ status: 422 });
});

test('an .xlsx with merged cells gives each cell of a merged range its value; date cells are dates', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('车辆');
  sheet.addRow(['车架号', '车牌号', '客户姓名', '交车日期', '里程']);
  sheet.addRow(['LSVAU2180N2183294', '苏A12345', '王先生', new Date(Date.UTC(2025, 2, 1)), 12345]);
  sheet.addRow(['LSVAU2180N2183295', '苏A12346', null, 45717, '1,200 km']);
  // One customer with two cars: the DMS merged the name over both rows.
  sheet.mergeCells('C2:C3');
  const table = await readTable(Buffer.from(await workbook.xlsx.writeBuffer()));
  expect(table.format).toBe('XLSX');
  expect(table.rows).toEqual([
    { line: 2, cells: ['LSVAU2180N2183294', '苏A12345', '王先生', '2025-03-01', '12345'] },
    { line: 3, cells: ['LSVAU2180N2183295', '苏A12346', '王先生', '45717', '1,200 km'] },
  ]);
  expect(parseDate('45717')).toBe('2025-03-01');
  expect(parseKm('1,200 km')).toBe(1200);
});

test('dates in the forms DMSes write them', () => {
  for (const s of ['2026-03-01', '2026/3/1', '2026年3月1日', '2026.3.1', '20260301', '２０２６年３月１日', '2026/3/1 10:20:00', '2026-03-01T00:00:00.000Z']) expect([s, parseDate(s)]).toEqual([s, '2026-03-01']);
  for (const s of ['2026-02-30', '3/1/2026', '明天', '2026年13月1日']) expect(parseDate(s)).toMatchObject({ zh: expect.stringContaining('不是日期') });
  expect(parseMonthDay('3月1日')).toBe('03-01');
  expect(parseMonthDay('1980-05-06')).toBe('05-06');
});

test('phones and plates as a person typed them are one customer and one plate', () => {
  expect(['+86 138 0000 0000', '0086-13800000000', '138-0000-0000', '（138）00000000'].map(parsePhone)).toEqual(Array(4).fill('13800000000'));
  expect(['苏A·12345', '苏a 12345', '苏A-12345', '苏Ａ１２３４５'].map(parsePlate)).toEqual(Array(4).fill('苏A12345'));
});

test('the first mapping comes from Chinese DMS headers or from our own export\'s names', () => {
  expect(guessMapping('VEHICLES', ['车架号', '车牌号', '车型', '交车日期', '客户姓名', '手机', '上次保养日期', '上次保养里程', '备注'])).toEqual({
    vin: '车架号',
    plate: '车牌号',
    model: '车型',
    deliveryDate: '交车日期',
    customerName: '客户姓名',
    customerPhone: '手机',
    lastServiceDate: '上次保养日期',
    lastServiceKm: '上次保养里程',
  });
  expect(guessMapping('HISTORY', ['vin', 'repairOrderNo', 'serviceDate', 'mileageKm'])).toEqual({ vin: 'vin', repairOrderNo: 'repairOrderNo', serviceDate: 'serviceDate', mileageKm: 'mileageKm' });
});

test('R2/R3 overdue cap: new overdue cars get first contact days in file order, after what earlier imports took', () => {
  const rows = [
    { action: 'CREATE', overdue: true },
    { action: 'CREATE', overdue: false },
    { action: 'UNCHANGED', overdue: true },
    { action: 'CREATE', overdue: true },
    { action: 'CREATE', overdue: true },
    { action: 'CREATE', overdue: true },
  ] as { action: string; overdue: boolean; contactOn?: string }[];
  spreadOverdue(rows, 2, '2026-12-08', new Map([['2026-12-08', 1]]));
  expect(rows.map((r) => r.contactOn)).toEqual(['2026-12-08', undefined, undefined, '2026-12-09', '2026-12-09', '2026-12-10']);
});

test('the start rate limit: a burst, then one start per 1/rate seconds', async () => {
  let now = 0;
  const slept: number[] = [];
  const bucket = tokenBucket(10, 2, () => now, async (ms) => {
    slept.push(ms);
    now += ms;
  });
  for (let i = 0; i < 5; i++) await bucket.take();
  expect(now).toBe(300);
  expect(slept).toEqual([100, 100, 100]);
});

test("an import's client waits for the bucket before each workflow start, and only then", async () => {
  const calls: string[] = [];
  const fake = { workflow: { start: async (type: string) => calls.push(`start ${type}`), getHandle: () => 'handle' } } as unknown as Client;
  let release!: () => void;
  const bucket = { take: () => new Promise<void>((r) => (release = () => (calls.push('token'), r()))) };
  const limited = rateLimited(fake, bucket);
  expect(limited.workflow.getHandle('x')).toBe('handle');
  const started = limited.workflow.start('vehicleLifecycle' as never, {} as never);
  await new Promise((r) => setImmediate(r));
  expect(calls).toEqual([]);
  release();
  await started;
  expect(calls).toEqual(['token', 'start vehicleLifecycle']);
  expect(rateLimited(fake)).toBe(limited);
});

test('R2/R3 with a first contact day: an overdue car is reminded and called on that day, a car due later as planned', () => {
  const s = { ...DEFAULT_STORE_SETTINGS, utcOffsetMinutes: 480, contactStartTime: '09:00', contactEndTime: '18:00' };
  const iso = (ms: number) => new Date(ms).toISOString();
  // Due 1 December: reminder 18 November, call 20 November — both long past on 8 December, so on the 10th.
  expect(iso(reminderAt('2026-12-01', s, '2026-12-10'))).toBe('2026-12-10T01:00:00.000Z');
  expect(reminderCallWindow('2026-12-01', s, '2026-12-10')).toEqual({ at: Date.parse('2026-12-10T01:00:00Z'), by: Date.parse('2026-12-10T10:00:00Z') });
  // Due in March: its own dates come later than the first contact day and stand.
  expect(iso(reminderAt('2027-03-01', s, '2026-12-10'))).toBe(iso(reminderAt('2027-03-01', s)));
  expect(reminderCallWindow('2027-03-01', s, '2026-12-10')).toEqual(reminderCallWindow('2027-03-01', s));
});

test('R23 a DMS column with the sale price reaches the registration; one that is not an amount is the row\'s reason', () => {
  const headers = ['车架号', '车牌号', '车型', '交车日期', '里程', '客户姓名', '手机', '成交价'];
  const mapping = guessMapping('VEHICLES', headers);
  expect(mapping.salePriceCny).toBe('成交价');
  const ctx = { kind: 'VEHICLES' as const, storeId: 'store-1', mapping, headers, today: '2026-12-08', knownCustomers: new Map() };
  const row = (price: string) => parseRow(ctx, { line: 2, cells: ['LSVAU2180N2183294', '苏A12345', '朗逸', '2026-03-01', '3000', '王先生', '13800000000', price] });
  expect(row('¥159,800').input).toMatchObject({ kind: 'VEHICLES', registration: { salePriceCny: 159800 } });
  expect(row('').input).toMatchObject({ kind: 'VEHICLES', registration: { vin: 'LSVAU2180N2183294' } });
  expect((row('').input as { registration: object }).registration).not.toHaveProperty('salePriceCny');
  expect(row('面议').reasons).toEqual([expect.objectContaining({ column: '成交价', field: 'salePriceCny' })]);
});

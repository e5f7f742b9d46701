// Import from a DMS export and export (issue 16), on the real stack: malformed files (GBK, missing
// columns, duplicate VINs, Chinese dates, merged cells in .xlsx), the dry run's report, 200 cars whose
// lifecycles start where R1 / R1b put them, the overdue cap, the same file twice, a run that stops midway
// and resumes, another store's VIN refused, the page, and an export imported into an empty store.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Principal } from '../../api/auth/principal';
import { openSession } from '../../api/auth/sessions';
import { createCommandDeps, runCommand } from '../../commands/command';
import { runImportCommand } from '../../commands/dmsImport';
import { addDays, localDate, localTime } from '../../domain/calendar';
import { cycleDueDate } from '../../domain/dueDate';
import { DEFAULT_STORE_SETTINGS } from '../../domain/storeSettings';
import { systemClock } from '../../runtime/clock';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { ProductStack, startProductStack } from '../support/productStack';
import { ApiDriver, seedWebStores, staffIdOf, STORE_A, STORE_B } from '../support/webStore';

const STARTS_PER_SECOND = 100;
process.env.IMPORT_STARTS_PER_SECOND = String(STARTS_PER_SECOND);

const MANAGER = staffIdOf('SERVICE_MANAGER');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OFFSET = DEFAULT_STORE_SETTINGS.utcOffsetMinutes;
const TODAY = localDate(Date.now(), OFFSET);
const PLAN = { intervalMonths: 6, intervalKm: 7500 }; // seedWebStores' Sagitar

let stack: ProductStack;
let empty: ProductStack;
let api: ApiDriver;
let emptyApi: ApiDriver;

beforeAll(async () => {
  [stack, empty] = await Promise.all([startProductStack(seedWebStores), startProductStack(seedWebStores)]);
  api = new ApiDriver(stack.base);
  emptyApi = new ApiDriver(empty.base);
}, 240_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), empty?.stop()]);
});

const vin = (prefix: string, i: number) => `LSV${prefix}${String(i).padStart(14 - prefix.length, '0')}`;
const csv = (rows: (string | number)[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

async function upload(driver: ApiDriver, bytes: Buffer, kind = 'VEHICLES', contentType = 'text/csv', storeId = STORE_A): Promise<any> {
  const res = await fetch(`${driver.base}/api/stores/${storeId}/imports?kind=${kind}&fileName=test.${contentType === XLSX ? 'xlsx' : 'csv'}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${await driver.token(MANAGER)}` },
    body: new Uint8Array(bytes),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const dryRun = (driver: ApiDriver, jobId: string, body: unknown = {}) => driver.call(MANAGER, 'POST', `/api/stores/${STORE_A}/imports/${jobId}/dry-run`, body);

async function runToEnd(driver: ApiDriver, jobId: string): Promise<any> {
  const started = await driver.call(MANAGER, 'POST', `/api/stores/${STORE_A}/imports/${jobId}/run`, {});
  if (started.status !== 202) throw new Error(`run: ${started.status} ${JSON.stringify(started.json)}`);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const { json } = await driver.call(MANAGER, 'GET', `/api/stores/${STORE_A}/imports/${jobId}`);
    if (json.status === 'DONE') return json;
    if (json.lastError) throw new Error(`import stopped: ${json.lastError}`);
  }
  throw new Error('import did not finish in 60 s');
}

const rowAt = (report: any, line: number) => report.rows.find((r: any) => r.line === line);

test('malformed files: GBK, bad cells, Chinese dates, duplicate VINs, missing columns — each refused row says why per column, in both languages', async () => {
  const header = ['车架号', '车牌号', '车型', '交车日期', '里程', '客户姓名', '手机'];
  const file = iconv.encode(
    csv([
      header,
      [vin('BAD', 1), '苏B·10001', 'Sagitar', '2026年3月1日', '"1,200"', '张　三', '+86 139 0000 1001'],
      [vin('BAD', 2), '苏B10002', 'Sagitar', '2026/3/1', '1200', '李四', '13900001002'],
      [vin('BAD', 3), '苏B10003', 'Sagitar', '明天', '1200', '王五', '13900001003'],
      ['LSVBADIOQ00000004', '苏B10004', 'Sagitar', '2026-03-01', '1200', '赵六', '139'],
      [vin('BAD', 5), '苏B10005', 'Sagitar', '2026-03-01', '1200', '钱七', '13900001005'],
      [vin('BAD', 5), '苏B10006', 'Sagitar', '2026-03-01', '1200', '孙八', '13900001006'],
    ]),
    'gbk',
  );
  const job = await upload(api, file);
  expect(job).toMatchObject({ format: 'CSV', encoding: 'GBK', rowCount: 6, status: 'UPLOADED', headers: header, mapping: { vin: '车架号', plate: '车牌号', customerName: '客户姓名', customerPhone: '手机', deliveryDate: '交车日期' } });
  const { status, json: report } = await dryRun(api, job.id);
  expect(status).toBe(200);
  expect(report.counts).toEqual({ CREATE: 2, UPDATE: 0, UNCHANGED: 0, REFUSED: 4 });
  // R1b: never serviced, due within three months of delivery (2026年3月1日 and 2026/3/1 are 1 March).
  const r1b = cycleDueDate({ deliveryDate: '2026-03-01', mileageKm: 1200, mileageRecordedOn: TODAY, ...PLAN, newCarDailyKm: DEFAULT_STORE_SETTINGS.newCarDailyKm, firstServiceWithinMonths: 3 });
  expect(rowAt(report, 2)).toMatchObject({ action: 'CREATE', key: vin('BAD', 1), dueDate: r1b.dueDate, dueRule: r1b.reason === 'first-service' ? 'R1b' : 'R1' });
  expect(rowAt(report, 3)).toMatchObject({ action: 'CREATE', dueDate: r1b.dueDate });
  expect(rowAt(report, 4).reasons).toEqual([{ column: '交车日期', field: 'deliveryDate', message: '"明天" is not a date (2026-03-01, 2026/3/1 or 2026年3月1日)', zh: '“明天”不是日期（可写 2026-03-01、2026/3/1 或 2026年3月1日）' }]);
  expect(rowAt(report, 5).reasons).toEqual([
    { column: '车架号', field: 'vin', message: 'VIN must be 17 letters/digits without I, O or Q', zh: '车架号须为 17 位字母或数字（不含 I、O、Q）' },
    { column: '手机', field: 'customerPhone', message: 'phone must be digits, spaces or dashes', zh: '只能是数字、空格或短横线' },
  ]);
  for (const line of [6, 7]) expect(rowAt(report, line).reasons[0]).toMatchObject({ column: '车架号', zh: `车架号 ${vin('BAD', 5)} 在文件第 6、7 行重复出现：同一车架号只能导入一次` });
  // The downloadable report, in the reader's language.
  const zh = await fetch(`${stack.base}/api/stores/${STORE_A}/imports/${job.id}/report?format=csv&lang=zh`, { headers: { authorization: `Bearer ${await api.token(MANAGER)}` } });
  expect(zh.headers.get('content-disposition')).toMatch(/attachment/);
  const zhText = await zh.text();
  expect(zhText).toContain('行,结果,标识,原因');
  expect(zhText).toContain('交车日期: “明天”不是日期');
  expect(zhText).toContain('拒绝');

  // A file without the plate column cannot be imported at all: 422 naming what is missing.
  const noPlate = await upload(api, Buffer.from(csv([['车架号', '车型', '交车日期', '客户姓名', '手机'], [vin('BAD', 8), 'Sagitar', '2026-03-01', '周九', '13900001008']])));
  const missing = await api.call(MANAGER, 'POST', `/api/stores/${STORE_A}/imports/${noPlate.id}/dry-run`, {});
  expect(missing.status).toBe(422);
  expect(missing.json.error).toBe('the file has no column for: plate');
  // A mapping naming a column the file lacks, or a field that does not exist, is 400.
  expect((await dryRun(api, noPlate.id, { mapping: { vin: '车架号', plate: '牌照' } })).json.error).toBe('mapping.plate: the file has no column "牌照"');
  expect((await dryRun(api, noPlate.id, { mapping: { colour: '车型' } })).status).toBe(400);
  // Anything but the file itself is refused at the door.
  const asJson = await api.call(MANAGER, 'POST', `/api/stores/${STORE_A}/imports`, { content: 'x' });
  expect(asJson.status).toBe(415);
  const xls = await fetch(`${stack.base}/api/stores/${STORE_A}/imports`, { method: 'POST', headers: { 'content-type': 'application/vnd.ms-excel', authorization: `Bearer ${await api.token(MANAGER)}` }, body: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0]) });
  expect(xls.status).toBe(422);
});

test('an .xlsx with merged cells: one owner merged over two cars is each car\'s owner; a saved preset maps the next file', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('车辆清单');
  sheet.addRow(['VIN码', '牌照', '车型', '购车日期', '车主', '联系电话', '上次保养日期', '上次保养里程']);
  sheet.addRow([vin('XLS', 1), '苏C20001', 'Sagitar', new Date(Date.UTC(2024, 0, 15)), '周先生', '13900002001', new Date(Date.UTC(2026, 8, 1)), 20000]);
  sheet.addRow([vin('XLS', 2), '苏C20002', 'Sagitar', new Date(Date.UTC(2024, 5, 1)), null, '13900002001', '2026年9月5日', '18,000']);
  sheet.mergeCells('E2:E3');
  const job = await upload(api, Buffer.from(await workbook.xlsx.writeBuffer()), 'VEHICLES', XLSX);
  expect(job).toMatchObject({ format: 'XLSX', rowCount: 2 });
  // 牌照 is no name the importer knows: the mapping is chosen, and kept as the store's preset.
  const mapping = { vin: 'VIN码', plate: '牌照', model: '车型', deliveryDate: '购车日期', customerName: '车主', customerPhone: '联系电话', lastServiceDate: '上次保养日期', lastServiceKm: '上次保养里程' };
  expect((await dryRun(api, job.id)).json.error).toBe('the file has no column for: plate');
  const { json: report } = await dryRun(api, job.id, { mapping, savePreset: '老DMS车辆表' });
  expect(report.rows.map((r: any) => [r.action, r.dueRule])).toEqual([
    ['CREATE', 'R1'],
    ['CREATE', 'R1'],
  ]);
  // R1 from the last service date and km: the sooner of six months and 7,500 km at the car's own pace.
  const due = cycleDueDate({ deliveryDate: '2024-01-15', lastServiceDate: '2026-09-01', lastServiceKm: 20000, mileageKm: 20000, mileageRecordedOn: '2026-09-01', ...PLAN, newCarDailyKm: 40, firstServiceWithinMonths: 3 });
  expect(report.rows[0].dueDate).toBe(due.dueDate);
  const again = await upload(api, Buffer.from(await workbook.xlsx.writeBuffer()), 'VEHICLES', XLSX);
  expect((await dryRun(api, again.id, { preset: '老DMS车辆表' })).json.counts).toMatchObject({ CREATE: 2, REFUSED: 0 });
  await runToEnd(api, job.id);
  await api.waitForStage(vin('XLS', 2), 'WAITING_FOR_REMINDER');
  const owners = await stack.db.vehicle.findMany({ where: { vin: { in: [vin('XLS', 1), vin('XLS', 2)] } }, include: { customer: true } });
  expect(owners.map((v) => v.customer.name)).toEqual(['周先生', '周先生']);
  expect(new Set(owners.map((v) => v.customerId)).size).toBe(1);
});

test('a run that stops midway (Temporal unreachable) resumes where it stopped, rows applied twice create nothing twice', async () => {
  const rows: (string | number)[][] = [['车架号', '车牌号', '车型', '交车日期', '里程', '客户姓名', '手机']];
  for (let i = 0; i < 30; i++) rows.push([vin('CRS', i), `苏F3${String(i).padStart(4, '0')}`, 'Sagitar', addDays(TODAY, -20), 800, `客户C${i}`, `1360000${String(i).padStart(4, '0')}`]);
  const job = await upload(api, Buffer.from(csv(rows)));
  // A client that loses the server after 20 starts (10 cars: lifecycle and care each).
  let starts = 0;
  const flaky = new Proxy(stack.client, {
    get: (target, prop) =>
      prop === 'workflow'
        ? new Proxy(target.workflow, {
            get: (wf, p) => (p === 'start' ? (...args: Parameters<typeof wf.start>) => (++starts > 20 ? Promise.reject(new Error('Temporal unreachable')) : wf.start(...args)) : (Reflect.get(wf, p, wf) as any)?.bind?.(wf) ?? Reflect.get(wf, p, wf)),
          })
        : Reflect.get(target, prop, target),
  });
  const web = await openSession(stack.db, MANAGER, 'API', new Date());
  const staff = await stack.db.staff.findUniqueOrThrow({ where: { id: MANAGER } });
  const principal: Principal = { id: staff.id, name: staff.name, role: staff.role, storeId: staff.storeId, allStores: false, session: { id: 'test', kind: 'API', csrfToken: web.csrfToken, expiresAt: new Date(Date.now() + 3_600_000) } };
  const { proceed } = await runCommand(createCommandDeps({ client: flaky, db: stack.db, clock: systemClock }), principal, runImportCommand, { storeId: STORE_A, jobId: job.id }, {});
  await expect(proceed()).rejects.toThrow('Temporal unreachable');
  const stopped = (await api.call(MANAGER, 'GET', `/api/stores/${STORE_A}/imports/${job.id}`)).json;
  expect(stopped).toMatchObject({ status: 'RUNNING', interrupted: true, lastError: 'Temporal unreachable' });
  expect(stopped.done).toBeGreaterThanOrEqual(6);
  expect(stopped.done).toBeLessThanOrEqual(10);
  // A crash can also lose the marks of rows already applied: those are applied again.
  const applied = await stack.db.importRow.findMany({ where: { jobId: job.id, doneAt: { not: null } }, take: 3 });
  await stack.db.importRow.updateMany({ where: { jobId: job.id, row: { in: applied.map((r) => r.row) } }, data: { doneAt: null } });

  const resumed = await runToEnd(api, job.id);
  expect(resumed).toMatchObject({ done: 30, counts: { CREATE: 30, REFUSED: 0 } });
  const vins = rows.slice(1).map((r) => String(r[0]));
  await Promise.all(vins.map((v) => api.waitForStage(v, 'WAITING_FOR_REMINDER')));
  expect(await stack.db.vehicle.count({ where: { vin: { in: vins } } })).toBe(30);
  expect(await stack.db.customer.count({ where: { phone: { startsWith: '1360000' } } })).toBe(30);
  const registered = await stack.db.auditEvent.groupBy({ by: ['vin'], where: { vin: { in: vins }, action: 'vehicle.registered' }, _count: { _all: true } });
  expect(registered.filter((r) => r._count._all !== 1)).toEqual([]);
  for (const v of vins.slice(8, 12)) await expect(stack.client.workflow.getHandle(`care-${v}`).describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
  // Done is done.
  expect((await api.call(MANAGER, 'POST', `/api/stores/${STORE_A}/imports/${job.id}/run`, {})).status).toBe(409);
});

test("a VIN held by another store is refused in the dry run with the registration's reason", async () => {
  const elsewhere = vin('ELS', 1);
  await api.register(elsewhere, STORE_B, '苏G00001', '13500000001');
  const job = await upload(api, Buffer.from(csv([['车架号', '车牌号', '车型', '交车日期', '里程', '客户姓名', '手机'], [elsewhere, '苏G00001', 'Sagitar', '2026-01-01', 100, '吴先生', '13500000002']])));
  const { json } = await dryRun(api, job.id);
  expect(json.rows[0]).toMatchObject({
    action: 'REFUSED',
    reasons: [{ column: '车架号', field: 'vin', message: 'this VIN is already registered; a manager can transfer it between stores', zh: '此车架号已在其他门店登记；经理可在门店之间转移车辆' }],
  });
  await runToEnd(api, job.id);
  expect(await stack.db.vehicle.findUnique({ where: { vin: elsewhere }, select: { storeId: true } })).toEqual({ storeId: STORE_B });
  expect(await stack.db.customer.count({ where: { phone: '13500000002' } })).toBe(0);
});

test('the page: upload in a multipart form, the report in Chinese beside each row, the run with its progress, the exports', async () => {
  const web = await openSession(stack.db, MANAGER, 'WEB', new Date());
  const cookie = `sl_session=${web.token}`;
  const form = new FormData();
  form.set('_csrf', web.csrfToken);
  form.set('kind', 'HISTORY');
  form.set('file', new Blob([csv([['车架号', '工单号', '维修日期', '进厂里程', '维修项目', '金额'], [vin('FLT', 0), 'RO-1001', '2026年9月1日', '15000', '常规保养', '¥680'], [vin('FLT', 1), 'RO-1002', '2026/9/2', '"15,100"', '更换刹车片', '"1,200.50"'], [vin('NSV', 1), 'RO-1003', '2026-09-03', '', '', '']])]), '维修记录.csv');
  const uploaded = await fetch(`${stack.base}/stores/${STORE_A}/imports`, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  expect(uploaded.status).toBe(303);
  const jobPath = uploaded.headers.get('location')!;
  const page = await (await fetch(`${stack.base}${jobPath}`, { headers: { cookie } })).text();
  expect(page).toContain('维修记录.csv');
  expect(page).toContain('<option value="工单号" selected>');
  const post = (path: string, fields: Record<string, string>) => fetch(`${stack.base}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: web.csrfToken, ...fields }) });
  const checked = await post(`${jobPath}/dry-run`, { 'map.vin': '车架号', 'map.repairOrderNo': '工单号', 'map.serviceDate': '维修日期', 'map.mileageKm': '进厂里程', 'map.description': '维修项目', 'map.amountCny': '金额' });
  expect(checked.status).toBe(200);
  const report = await checked.text();
  expect(report).toMatch(/data-count="CREATE">新建: <strong>3<\/strong>/);
  // Without the CSRF token nothing is uploaded.
  const noToken = new FormData();
  noToken.set('kind', 'VEHICLES');
  noToken.set('file', new Blob(['a,b\n1,2\n']), 'x.csv');
  expect((await fetch(`${stack.base}/stores/${STORE_A}/imports`, { method: 'POST', body: noToken, headers: { cookie }, redirect: 'manual' })).status).toBe(403);

  expect((await post(`${jobPath}/run`, {})).status).toBe(303);
  for (let deadline = Date.now() + 30_000; (await stack.db.importJob.findUniqueOrThrow({ where: { id: jobPath.split('/').pop()! } })).status !== 'DONE'; await new Promise((r) => setTimeout(r, 200))) if (Date.now() > deadline) throw new Error('history import did not finish');
  const after = await (await fetch(`${stack.base}${jobPath}`, { headers: { cookie } })).text();
  expect(after).toContain('导入完成');
  expect(await stack.db.serviceVisit.findMany({ where: { storeId: STORE_A }, orderBy: { repairOrderNo: 'asc' }, select: { repairOrderNo: true, serviceDate: true, mileageKm: true } })).toEqual([
    { repairOrderNo: 'RO-1001', serviceDate: new Date('2026-09-01'), mileageKm: 15000 },
    { repairOrderNo: 'RO-1002', serviceDate: new Date('2026-09-02'), mileageKm: 15100 },
    { repairOrderNo: 'RO-1003', serviceDate: new Date('2026-09-03'), mileageKm: null },
  ]);
  const list = await (await fetch(`${stack.base}/stores/${STORE_A}/imports`, { headers: { cookie } })).text();
  expect(list).toContain(`href="/api/stores/${STORE_A}/export/customers.csv"`);
  // Refused with a reason on the page, in Chinese: an old .xls.
  const xls = new FormData();
  xls.set('_csrf', web.csrfToken);
  xls.set('kind', 'VEHICLES');
  xls.set('file', new Blob([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0])]), 'old.xls');
  const refused = await fetch(`${stack.base}/stores/${STORE_A}/imports`, { method: 'POST', body: xls, headers: { cookie }, redirect: 'manual' });
  expect(refused.status).toBe(422);
  expect(await refused.text()).toContain('无法读取旧版 Excel 文件');
});

test('export → import into an empty store → zero differences', async () => {
  const exported = async (driver: ApiDriver, name: string) => {
    const res = await fetch(`${driver.base}/api/stores/${STORE_A}/export/${name}.csv`, { headers: { authorization: `Bearer ${await driver.token(MANAGER)}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    return res.text();
  };
  const files = { customers: await exported(api, 'customers'), vehicles: await exported(api, 'vehicles'), history: await exported(api, 'history') };
  expect(files.vehicles.split('\r\n').length).toBeGreaterThan(30);
  expect(files.history).toContain('RO-1002');
  // Our own store reads its export back as it is.
  expect((await dryRun(api, (await upload(api, Buffer.from(files.vehicles))).id)).json.counts).toMatchObject({ CREATE: 0, UPDATE: 0, REFUSED: 0 });

  for (const [kind, name] of [['CUSTOMERS', 'customers'], ['VEHICLES', 'vehicles'], ['HISTORY', 'history']] as const) {
    const job = await upload(emptyApi, Buffer.from(files[name]), kind);
    const { json } = await dryRun(emptyApi, job.id);
    expect([name, json.counts.REFUSED, json.rows.filter((r: any) => r.action === 'REFUSED').slice(0, 3)]).toEqual([name, 0, []]);
    await runToEnd(emptyApi, job.id);
  }
  // A car's row is written by its lifecycle's first step, a moment after the import started it: the
  // export is compared once the lifecycles have caught up (or, failing that, as it stands after 30 s).
  for (const name of ['customers', 'vehicles', 'history'] as const) {
    let now = await exported(emptyApi, name);
    for (const deadline = Date.now() + 30_000; now !== files[name] && Date.now() < deadline; now = await exported(emptyApi, name)) await new Promise((r) => setTimeout(r, 250));
    expect([name, now]).toEqual([name, files[name]]);
  }
}, 150_000);

/** 200 cars: 100 serviced two months ago (R1 ahead), 60 never serviced since a recent delivery (R1b ahead), 40 long overdue. */
function fleet(prefix: string): { file: Buffer; expected: Map<string, { dueDate: string; rule: string; overdue: boolean }> } {
  const rows: (string | number)[][] = [['车架号', '车牌号', '车型', '交车日期', '里程', '上次保养日期', '上次保养里程', '客户编号', '客户姓名', '手机']];
  const expected = new Map<string, { dueDate: string; rule: string; overdue: boolean }>();
  const formats = [(d: string) => d, (d: string) => d.replace(/-0?/g, '/'), (d: string) => { const [y, m, dd] = d.split('-'); return `${y}年${Number(m)}月${Number(dd)}日`; }];
  for (let i = 0; i < 200; i++) {
    const kind = i < 100 ? 'serviced' : i < 160 ? 'new' : 'overdue';
    const delivery = addDays(TODAY, kind === 'serviced' ? -400 : kind === 'new' ? -30 : -800);
    const last = kind === 'serviced' ? { date: addDays(TODAY, -60), km: 15000 } : kind === 'overdue' ? { date: addDays(TODAY, -240), km: 30000 } : undefined;
    const mileage = last?.km ?? 1500;
    const f = formats[i % 3];
    rows.push([vin(prefix, i), `苏E${prefix}${String(i).padStart(3, '0')}`, 'Sagitar', f(delivery), mileage, last ? f(last.date) : '', last?.km ?? '', i % 2 ? `C${prefix}${i}` : '', `客户${i}`, `13${prefix === 'FLT' ? 7 : 8}0000${String(i).padStart(4, '0')}`]);
    const due = cycleDueDate({ deliveryDate: delivery, lastServiceDate: last?.date, lastServiceKm: last?.km, mileageKm: mileage, mileageRecordedOn: last?.date ?? TODAY, ...PLAN, newCarDailyKm: DEFAULT_STORE_SETTINGS.newCarDailyKm, firstServiceWithinMonths: 3 });
    expected.set(vin(prefix, i), { dueDate: due.dueDate, rule: due.reason === 'first-service' ? 'R1b' : 'R1', overdue: kind === 'overdue' });
  }
  return { file: Buffer.from(csv(rows)), expected };
}

const stageOf = async (v: string) => (await api.call(staffIdOf('AUDITOR'), 'GET', `/api/vehicles/${v}`)).json?.state;

test('200 cars: lifecycles start where R1 / R1b put them, overdue reminders capped per day, starts rate-limited; the same file twice creates nothing', async () => {
  const { file, expected } = fleet('FLT');
  const job = await upload(api, file);
  const { json: report } = await dryRun(api, job.id, { overduePerDay: 15 });
  expect(report.counts).toEqual({ CREATE: 200, UPDATE: 0, UNCHANGED: 0, REFUSED: 0 });
  expect(report.overdue).toEqual({ cars: 40, perDay: 15, days: { [TODAY]: 15, [addDays(TODAY, 1)]: 15, [addDays(TODAY, 2)]: 10 } });
  for (const r of report.rows) expect([r.key, r.dueDate, r.dueRule]).toEqual([r.key, expected.get(r.key)!.dueDate, expected.get(r.key)!.rule]);

  const started = performance.now();
  const done = await runToEnd(api, job.id);
  const seconds = (performance.now() - started) / 1000;
  console.log(`[import] 200 cars (400 workflow starts at ${STARTS_PER_SECOND}/s) in ${seconds.toFixed(1)} s`);
  expect(done).toMatchObject({ done: 200, percent: 100, counts: { CREATE: 200, REFUSED: 0 } });

  const vins = [...expected.keys()];
  // Each lifecycle records its R1 due date as it opens its first cycle.
  for (let deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 500))) {
    const dated = await stack.db.vehicle.count({ where: { vin: { in: vins }, nextDueDate: { not: null } } });
    if (dated === 200) break;
    if (Date.now() > deadline) throw new Error(`${dated} of 200 lifecycles dated`);
  }
  const cars = await stack.db.vehicle.findMany({ where: { vin: { in: vins } }, select: { vin: true, nextDueDate: true, storeId: true } });
  expect(cars.filter((c) => c.nextDueDate!.toISOString().slice(0, 10) !== expected.get(c.vin)!.dueDate || c.storeId !== STORE_A)).toEqual([]);
  expect(await stack.db.auditEvent.count({ where: { vin: { in: vins }, action: 'cycle.scheduled', rule: 'R1b' } })).toBe(60);

  // R2/R3: today's 15 overdue cars are reminded and called now; tomorrow's wait for tomorrow's contact hours.
  const overdue = vins.filter((v) => expected.get(v)!.overdue);
  for (let deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 500))) {
    const calls = await stack.db.task.count({ where: { vin: { in: vins }, kind: 'REMINDER_CALL' } });
    if (calls >= 15) break;
    if (Date.now() > deadline) throw new Error(`${calls} call tasks`);
  }
  await api.waitForStage(overdue[14], 'AWAITING_CALL_OUTCOME');
  const tomorrow = await stageOf(overdue[15]);
  expect(tomorrow.stage).toBe('WAITING_FOR_REMINDER');
  expect(tomorrow.waitingFor[0].by).toBe(new Date(localTime(addDays(TODAY, 1), '00:00', OFFSET)).toISOString());
  expect((await stageOf(overdue[39])).waitingFor[0].by).toBe(new Date(localTime(addDays(TODAY, 2), '00:00', OFFSET)).toISOString());
  expect((await stageOf(vins[0])).stage).toBe('WAITING_FOR_REMINDER');
  expect(await stack.db.task.count({ where: { vin: { in: vins }, kind: 'REMINDER_CALL' } })).toBe(15);
  expect(await stack.db.notification.count({ where: { vin: { in: vins }, template: 'maintenance-reminder' } })).toBe(15);

  // The same file again: the dry run finds every car as it is, and the run creates nothing.
  const counts = async () => ({
    vehicles: await stack.db.vehicle.count(),
    customers: await stack.db.customer.count(),
    registered: await stack.db.auditEvent.count({ where: { action: 'vehicle.registered' } }),
    runs: (await Promise.all(vins.slice(0, 20).map((v) => stack.client.workflow.getHandle(lifecycleWorkflowId(v)).describe()))).map((d) => d.runId).join(),
  });
  const before = await counts();
  const twice = await upload(api, file);
  expect((await dryRun(api, twice.id)).json.counts).toEqual({ CREATE: 0, UPDATE: 0, UNCHANGED: 200, REFUSED: 0 });
  expect((await runToEnd(api, twice.id)).counts).toEqual({ CREATE: 0, UPDATE: 0, UNCHANGED: 200, REFUSED: 0 });
  expect(await counts()).toEqual(before);
}, 180_000);

// The dry run: what importing each row would do — create, update, leave unchanged, or refuse and why —
// decided by the same rules as the commands that will write it: the registration's schema and its
// one-store-per-VIN rule (`vinStanding`), the customer's identity (DMS id, else phone), a visit's
// (repair-order number and date). For a new car, R1 / R1b at import: its due date, and whether its
// reminder is already overdue (those are spread over days, ./overdueCap.ts).
import { registrationActivities } from '../activities/registration';
import type { Db } from '../activities/database';
import { HttpError } from '../api/httpError';
import type { CommandContext } from '../commands/command';
import { reasonIn } from '../commands/reasons';
import { CLOSED_NEEDS_REOPEN, vinStanding } from '../commands/registration';
import { CalendarDate } from '../domain/calendar';
import { reminderAt } from '../domain/contactSchedule';
import { cycleDueDate } from '../domain/dueDate';
import { resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import { customerChanges, matchCustomer } from './customers';
import { ImportKind, Mapping } from './fields';
import { CustomerInput, parseRow, RowInput, RowReason, storeToday } from './rows';
import type { Table } from './table';

export type RowAction = 'CREATE' | 'UPDATE' | 'UNCHANGED' | 'REFUSED';

export interface RowChange {
  column?: string;
  field: string;
  from: string | null;
  to: string;
}

export interface PlannedRow {
  row: number;
  line: number;
  action: RowAction;
  key?: string;
  reasons: RowReason[];
  changes: RowChange[];
  input?: RowInput;
  dueDate?: CalendarDate;
  dueRule?: 'R1' | 'R1b';
  /** The car's R2 reminder time has passed: its first contacts are owed at once, within the store's daily cap. */
  overdue?: boolean;
  contactOn?: CalendarDate;
}

export interface PlanJob {
  storeId: string;
  kind: ImportKind;
  mapping: Mapping;
}

type PlanDeps = Pick<CommandContext, 'db' | 'client' | 'at'>;

/** How many rows are looked up at once (a Temporal describe and a few queries each). */
const CONCURRENCY = 8;

async function inBatches<T, R>(items: T[], each: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) out.push(...(await Promise.all(items.slice(i, i + CONCURRENCY).map(each))));
  return out;
}

const refused = (base: Omit<PlannedRow, 'action' | 'reasons' | 'changes'>, reasons: RowReason[]): PlannedRow => ({ ...base, action: 'REFUSED', reasons, changes: [] });

/** Refusals from a command's own check (409 another store's VIN …), in both languages. */
function reasonOf(err: unknown, column: string | undefined, field: string): RowReason {
  if (!(err instanceof HttpError) || err.status >= 500) throw err;
  return { column, field, message: err.message, zh: reasonIn('zh', err.message) };
}

function keyOf(input: RowInput): string {
  if (input.kind === 'VEHICLES') return input.registration.vin;
  if (input.kind === 'CUSTOMERS') return input.dmsCustomerId ?? input.customer.phone;
  return `${input.visit.repairOrderNo} ${input.visit.serviceDate}`;
}

const KEY_FIELD: Record<ImportKind, string> = { VEHICLES: 'vin', CUSTOMERS: 'customerId', HISTORY: 'repairOrderNo' };
const KEY_NAME: Record<ImportKind, [string, string]> = { VEHICLES: ['VIN', '车架号'], CUSTOMERS: ['customer', '客户'], HISTORY: ['repair order', '维修工单'] };

/** A key on several lines cannot be told apart: which line is right? Every one of them is refused. */
function duplicates(kind: ImportKind, mapping: Mapping, parsed: { line: number; input?: RowInput }[]): Map<number, RowReason> {
  const lines = new Map<string, number[]>();
  parsed.forEach((p) => p.input && lines.set(keyOf(p.input), [...(lines.get(keyOf(p.input)) ?? []), p.line]));
  const out = new Map<number, RowReason>();
  const [en, zh] = KEY_NAME[kind];
  for (const [key, at] of lines) {
    if (at.length < 2) continue;
    const reason = { column: mapping[KEY_FIELD[kind]] ?? mapping.phone, field: KEY_FIELD[kind], message: `${en} ${key} appears on lines ${at.join(', ')} of the file: each is imported once`, zh: `${zh} ${key} 在文件第 ${at.join('、')} 行重复出现：同一${zh}只能导入一次` };
    for (const line of at) out.set(line, reason);
  }
  return out;
}

/**
 * A customer named on several rows (a customer with two cars) must be the same person each time: the same
 * DMS id with other details, or one phone under two DMS ids, is refused on the later rows.
 */
function customerConsistency(mapping: Mapping, fields: { name: string; phone: string }) {
  const byId = new Map<string, { line: number; facts: string }>();
  const byPhone = new Map<string, { line: number; id?: string }>();
  return (line: number, dmsId: string | undefined, c: CustomerInput): RowReason | undefined => {
    const facts = JSON.stringify([c.name, c.phone, c.email ?? null]);
    const sameId = dmsId === undefined ? undefined : byId.get(dmsId);
    if (sameId && sameId.facts !== facts) return { column: mapping[fields.name], field: fields.name, message: `customer ${dmsId} has other details on line ${sameId.line}`, zh: `客户 ${dmsId} 在第 ${sameId.line} 行的资料与此行不同` };
    const samePhone = byPhone.get(c.phone);
    if (samePhone && samePhone.id !== dmsId) return { column: mapping[fields.phone], field: fields.phone, message: `phone ${c.phone} is another customer's on line ${samePhone.line}`, zh: `电话 ${c.phone} 在第 ${samePhone.line} 行属于另一位客户` };
    if (dmsId !== undefined && !sameId) byId.set(dmsId, { line, facts });
    if (!samePhone) byPhone.set(c.phone, { line, id: dmsId });
    return undefined;
  };
}

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

/** The store's customers by the DMS id they were imported under, for car rows that name their customer by id alone. */
async function customersByDmsId(db: Db, storeId: string): Promise<Map<string, CustomerInput>> {
  const ids = await db.customerDmsId.findMany({ where: { storeId } });
  const customers = await db.customer.findMany({ where: { id: { in: ids.map((i) => i.customerId) } } });
  const byId = new Map(customers.map((c) => [c.id, c]));
  return new Map(
    ids.flatMap((i) => {
      const c = byId.get(i.customerId);
      return c ? [[i.dmsId, { name: c.name, phone: c.phone, email: c.email ?? undefined }] as const] : [];
    }),
  );
}

export interface Plan {
  rows: PlannedRow[];
  settings: StoreSettings;
  today: CalendarDate;
}

export async function planImport(deps: PlanDeps, job: PlanJob, table: Table): Promise<Plan> {
  const { db, at } = deps;
  const { storeId, kind, mapping } = job;
  const store = await db.store.findUniqueOrThrow({ where: { id: storeId }, select: { settings: true } });
  const settings = resolveStoreSettings(store.settings);
  const today = storeToday(at, settings.utcOffsetMinutes);
  const knownCustomers = kind === 'VEHICLES' ? await customersByDmsId(db, storeId) : new Map<string, CustomerInput>();
  const parsed = table.rows.map((r) => parseRow({ kind, storeId, mapping, headers: table.headers, today, knownCustomers }, r));
  const dup = duplicates(kind, mapping, parsed);
  const fields = kind === 'VEHICLES' ? { name: 'customerName', phone: 'customerPhone' } : { name: 'name', phone: 'phone' };
  const sameCustomer = customerConsistency(mapping, fields);
  const otherCustomer = new Map<number, RowReason>();
  for (const p of parsed) {
    const input = p.input;
    if (!input || input.kind === 'HISTORY' || dup.has(p.line)) continue;
    const reason = sameCustomer(p.line, input.dmsCustomerId, input.kind === 'VEHICLES' ? input.registration.customer : input.customer);
    if (reason) otherCustomer.set(p.line, reason);
  }
  const policies = registrationActivities(db);
  const policyOf = new Map<string, ReturnType<typeof policies.loadCyclePolicy>>();

  const planRow = async (p: (typeof parsed)[number], row: number): Promise<PlannedRow> => {
    const base = { row, line: p.line, key: p.input && keyOf(p.input) };
    if (!p.input) return refused(base, p.reasons);
    const duplicate = dup.get(p.line);
    if (duplicate) return refused(base, [duplicate]);
    const input = p.input;
    if (input.kind === 'HISTORY') {
      const v = input.visit;
      try {
        await vinStanding(deps, v.vin, storeId);
      } catch (err) {
        return refused(base, [reasonOf(err, mapping.vin, 'vin')]);
      }
      const stored = await db.serviceVisit.findUnique({ where: { storeId_repairOrderNo_serviceDate: { storeId, repairOrderNo: v.repairOrderNo, serviceDate: new Date(v.serviceDate) } } });
      if (!stored) return { ...base, action: 'CREATE', reasons: [], changes: [], input };
      if (stored.vin !== v.vin) return refused(base, [{ column: mapping.vin, field: 'vin', message: `repair order ${v.repairOrderNo} of ${v.serviceDate} is another car's (${stored.vin})`, zh: `${v.serviceDate} 的维修工单 ${v.repairOrderNo} 属于另一辆车（${stored.vin}）` }]);
      const now = { mileageKm: stored.mileageKm, description: stored.description, amountCny: stored.amountCny === null ? null : Number(stored.amountCny) };
      const changes = (['mileageKm', 'description', 'amountCny'] as const)
        .filter((k) => v[k] !== undefined && v[k] !== now[k])
        .map((k) => ({ column: mapping[k], field: k, from: now[k] === null ? null : String(now[k]), to: String(v[k]) }));
      return { ...base, action: changes.length ? 'UPDATE' : 'UNCHANGED', reasons: [], changes, input };
    }
    const customer = input.kind === 'VEHICLES' ? input.registration.customer : input.customer;
    const inconsistent = otherCustomer.get(p.line);
    if (inconsistent) return refused(base, [inconsistent]);
    const match = await matchCustomer(db, storeId, input.dmsCustomerId, customer.phone, mapping[fields.phone]);
    if (match.conflict) return refused(base, [match.conflict]);
    const customerDiff = match.existing ? customerChanges(match.existing, customer) : [];
    const renamed = (field: string) => (kind === 'VEHICLES' ? `customer${field[0].toUpperCase()}${field.slice(1)}` : field);
    const changes = customerDiff.map((c) => ({ column: mapping[renamed(c.field)], field: renamed(c.field), from: c.from, to: c.to }));
    if (input.kind === 'CUSTOMERS') return { ...base, action: !match.existing ? 'CREATE' : changes.length ? 'UPDATE' : 'UNCHANGED', reasons: [], changes, input };

    const reg = input.registration;
    let standing: Awaited<ReturnType<typeof vinStanding>>;
    try {
      standing = await vinStanding(deps, reg.vin, storeId);
    } catch (err) {
      return refused(base, [reasonOf(err, mapping.vin, 'vin')]);
    }
    if (standing.row && !standing.running) return refused(base, [reasonOf(new HttpError(409, CLOSED_NEEDS_REOPEN), mapping.vin, 'vin')]);
    if (standing.running) {
      const car = await db.vehicle.findUnique({ where: { vin: reg.vin }, select: { plate: true, model: true, deliveryDate: true } });
      const registered = { plate: car?.plate, model: car?.model, deliveryDate: day(car?.deliveryDate) };
      const differs = car ? (['plate', 'model', 'deliveryDate'] as const).filter((f) => registered[f] !== reg[f]) : [];
      if (differs.length) {
        return refused(
          base,
          differs.map((f) => ({ column: mapping[f], field: f, message: `the registered car has ${registered[f]}: a running lifecycle keeps its records (change them in the store)`, zh: `已登记的车辆为 ${registered[f]}：进行中的服务周期不随导入更改，请在系统中修改` })),
        );
      }
      return { ...base, action: changes.length ? 'UPDATE' : 'UNCHANGED', reasons: [], changes, input };
    }
    if (!policyOf.has(reg.model)) policyOf.set(reg.model, policies.loadCyclePolicy(storeId, reg.model));
    const policy = await policyOf.get(reg.model)!;
    const due = cycleDueDate({
      deliveryDate: reg.deliveryDate,
      lastServiceDate: reg.lastService?.date,
      lastServiceKm: reg.lastService?.mileageKm,
      mileageKm: reg.mileageKm,
      mileageRecordedOn: reg.mileageRecordedOn!,
      intervalMonths: policy.intervalMonths,
      intervalKm: policy.intervalKm,
      newCarDailyKm: policy.settings.newCarDailyKm,
      firstServiceWithinMonths: policy.settings.firstServiceWithinMonths,
    });
    return { ...base, action: 'CREATE', reasons: [], changes, input, dueDate: due.dueDate, dueRule: due.reason === 'first-service' ? 'R1b' : 'R1', overdue: reminderAt(due.dueDate, policy.settings) <= at.getTime() };
  };

  const rows = await inBatches(
    parsed.map((p, i) => [p, i] as const),
    ([p, i]) => planRow(p, i),
  );
  return { rows, settings, today };
}

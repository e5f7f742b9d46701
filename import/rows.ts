// A data row as the input of the command that will write it, with the same hygiene as the API: each cell
// read by its field's type (./cells.ts), then the command's own schema (registration, customer, visit).
// Every reason names the DMS column it is about, in English and Chinese.
import { z } from 'zod';
import { HttpError } from '../api/httpError';
import { calendarDate, parseInput, text } from '../commands/input';
import { registerVehicleSchema, vinSchema } from '../commands/schemas';
import type { Registration } from '../commands/registration';
import { localDate } from '../domain/calendar';
import { cellValue, CellValue, isUnreadable } from './cells';
import { ImportKind, IMPORT_FIELDS, Mapping } from './fields';
import type { TableRow } from './table';

export interface RowReason {
  /** The DMS column, when the reason is about one cell. */
  column?: string;
  field?: string;
  message: string;
  zh: string;
}

export const customerSchema = registerVehicleSchema.shape.customer;
export type CustomerInput = z.infer<typeof customerSchema>;

/** A past visit, one per repair-order number and date. */
export const visitSchema = z.strictObject({
  vin: vinSchema,
  repairOrderNo: text({ max: 64 }),
  serviceDate: calendarDate,
  mileageKm: registerVehicleSchema.shape.mileageKm.optional(),
  description: text({ max: 1000, multiline: true }).optional(),
  amountCny: z.number().min(0).max(10_000_000).optional(),
});
export type VisitInput = z.infer<typeof visitSchema>;

export type RowInput =
  | { kind: 'VEHICLES'; registration: Registration; dmsCustomerId?: string; customerGiven: boolean }
  | { kind: 'CUSTOMERS'; customer: CustomerInput; dmsCustomerId?: string }
  | { kind: 'HISTORY'; visit: VisitInput };

export interface ParsedRow {
  line: number;
  input?: RowInput;
  reasons: RowReason[];
}

/** Schema paths of each kind's input → the field they come from. */
const FIELD_OF_PATH: Record<ImportKind, Record<string, string>> = {
  VEHICLES: {
    'customer.name': 'customerName',
    'customer.phone': 'customerPhone',
    'customer.email': 'customerEmail',
    'customer.birthday': 'customerBirthday',
    'lastService.date': 'lastServiceDate',
    'lastService.mileageKm': 'lastServiceKm',
  },
  CUSTOMERS: {},
  HISTORY: {},
};

/** The schema's refusal, reason by reason, on the columns they are about. */
function schemaReasons(kind: ImportKind, mapping: Mapping, err: unknown): RowReason[] {
  if (!(err instanceof HttpError) || err.status !== 400) throw err;
  const issues = (err.details ?? []) as { path: string; message: string; zh: string }[];
  return issues.map((i) => {
    const field = FIELD_OF_PATH[kind][i.path] ?? i.path;
    return { column: mapping[field], field, message: i.message, zh: i.zh };
  });
}

/** Reads a row's cells by the mapping: values by field, and the cells that could not be read. */
function readCells(kind: ImportKind, mapping: Mapping, headers: string[], row: TableRow) {
  const values: Record<string, CellValue> = {};
  const reasons: RowReason[] = [];
  for (const field of IMPORT_FIELDS[kind]) {
    const column = mapping[field.name];
    if (column === undefined) continue;
    const value = cellValue(field.type, row.cells[headers.indexOf(column)] ?? '');
    if (isUnreadable(value)) reasons.push({ column, field: field.name, message: value.message, zh: value.zh });
    else if (value !== undefined) values[field.name] = value;
  }
  return { values, reasons };
}

const dropUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A car's registration from its row; the odometer reading dates from the last service when that is where it came from. */
function vehicleInput(v: Record<string, CellValue>, storeId: string, today: string): Record<string, unknown> {
  const lastService = v.lastServiceDate !== undefined || v.lastServiceKm !== undefined ? { date: v.lastServiceDate, mileageKm: v.lastServiceKm ?? v.mileageKm } : undefined;
  const mileageKm = v.mileageKm ?? v.lastServiceKm;
  const fromLastService = lastService && (v.mileageKm === undefined || v.mileageKm === v.lastServiceKm);
  return dropUndefined({
    vin: v.vin,
    plate: v.plate,
    model: v.model,
    storeId,
    deliveryDate: v.deliveryDate,
    mileageKm,
    mileageRecordedOn: v.mileageRecordedOn ?? (fromLastService ? lastService.date : today),
    advisorId: v.advisorId,
    salesConsultantId: v.salesConsultantId,
    salePriceCny: v.salePriceCny,
    customer: dropUndefined({ name: v.customerName, phone: v.customerPhone, email: v.customerEmail, birthday: v.customerBirthday }),
    lastService,
    newCar: v.newCar,
    inspectionDate: v.inspectionDate,
    insuranceRenewalDate: v.insuranceRenewalDate,
  });
}

export interface RowContext {
  kind: ImportKind;
  storeId: string;
  mapping: Mapping;
  headers: string[];
  /** The store's today: an odometer reading without a date counts from it, as at the front desk. */
  today: string;
  /** Customers the store already has by DMS id: a car's row may name its customer by id alone. */
  knownCustomers: Map<string, CustomerInput>;
}

/**
 * The row parsed, or its reasons. A reason about a cell that could not be read stands alone: the schema's
 * word on that field (now missing) would only repeat it.
 */
export function parseRow(ctx: RowContext, row: TableRow): ParsedRow {
  const { kind, mapping } = ctx;
  const { values, reasons } = readCells(kind, mapping, ctx.headers, row);
  const unread = new Set(reasons.map((r) => r.field));
  const attempt = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    try {
      return parseInput(schema, value);
    } catch (err) {
      reasons.push(...schemaReasons(kind, mapping, err).filter((r) => !unread.has(r.field)));
      return undefined;
    }
  };
  const dmsCustomerId = values.customerId === undefined ? undefined : String(values.customerId);
  let input: RowInput | undefined;
  if (kind === 'VEHICLES') {
    const customerGiven = values.customerName !== undefined || values.customerPhone !== undefined;
    const known = dmsCustomerId === undefined ? undefined : ctx.knownCustomers.get(dmsCustomerId);
    // A car's row that names its customer by DMS id alone takes the customer the store has under that id.
    if (!customerGiven && known) Object.assign(values, dropUndefined({ customerName: known.name, customerPhone: known.phone, customerEmail: known.email }));
    const registration = attempt(registerVehicleSchema, vehicleInput(values, ctx.storeId, ctx.today));
    if (registration) input = { kind, registration, dmsCustomerId, customerGiven };
  } else if (kind === 'CUSTOMERS') {
    const customer = attempt(customerSchema, dropUndefined({ name: values.name, phone: values.phone, email: values.email, birthday: values.birthday }));
    if (customer) input = { kind, customer, dmsCustomerId };
  } else {
    const visit = attempt(visitSchema, dropUndefined({ vin: values.vin, repairOrderNo: values.repairOrderNo, serviceDate: values.serviceDate, mileageKm: values.mileageKm, description: values.description, amountCny: values.amountCny }));
    if (visit) input = { kind, visit };
  }
  return reasons.length ? { line: row.line, reasons } : { line: row.line, input, reasons };
}

/** The fields a mapping lacks that every row needs: the file cannot be imported without them. */
export function missingFields(kind: ImportKind, mapping: Mapping): string[] {
  return IMPORT_FIELDS[kind].filter((f) => f.required && mapping[f.name] === undefined).map((f) => f.name);
}

export const storeToday = (at: Date, utcOffsetMinutes: number) => localDate(at.getTime(), utcOffsetMinutes);

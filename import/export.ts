// A store's customers, vehicles and service history as CSV files (no lock-in): the columns are the
// import's own field names, so an export imported into another store reads back without a mapping, and
// exporting that store gives the same files. History is the visits imported from a DMS and every repair
// order the product delivered. Phones are masked for roles that do not call customers, as everywhere.
import type { Db } from '../activities/database';
import { maskPhone } from '../api/auth/policy';
import { localDate } from '../domain/calendar';
import { resolveStoreSettings } from '../domain/storeSettings';
import { csvCell } from '../web/pages/audit';
import { monthDayOf } from './customers';

export const EXPORTS = ['customers', 'vehicles', 'history'] as const;
export type ExportName = (typeof EXPORTS)[number];

const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : '');

type Line = (string | number | null | undefined)[];

function csv(columns: string[], lines: Line[]): string {
  // The BOM makes Excel read the file as UTF-8; the importer reads it either way.
  return `\uFEFF${[columns.join(','), ...lines.map((l) => l.map(csvCell).join(','))].join('\r\n')}\r\n`;
}

/** Each customer of the store by the id a DMS knew it by, else the product's own id. */
async function customerIds(db: Db, storeId: string): Promise<Map<string, string>> {
  const refs = await db.customerDmsId.findMany({ where: { storeId } });
  return new Map(refs.map((r) => [r.customerId, r.dmsId]));
}

export async function exportCsv(db: Db, storeId: string, name: ExportName, seesPhones: boolean): Promise<string> {
  const phone = (p: string) => (seesPhones ? p : maskPhone(p));
  const byDms = await customerIds(db, storeId);
  const idOf = (customerId: string) => byDms.get(customerId) ?? customerId;
  if (name === 'customers') {
    const customers = await db.customer.findMany({ where: { storeId } });
    const lines = customers.map((c) => [idOf(c.id), c.name, phone(c.phone), c.email, monthDayOf(c.birthday)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    return csv(['customerId', 'name', 'phone', 'email', 'birthday'], lines);
  }
  if (name === 'vehicles') {
    const vehicles = await db.vehicle.findMany({ where: { storeId }, include: { customer: true }, orderBy: { vin: 'asc' } });
    return csv(
      ['vin', 'plate', 'model', 'deliveryDate', 'mileageKm', 'mileageRecordedOn', 'lastServiceDate', 'lastServiceKm', 'customerId', 'customerName', 'customerPhone', 'customerEmail', 'advisorId', 'salesConsultantId', 'salePriceCny'],
      vehicles.map((v) => [v.vin, v.plate, v.model, day(v.deliveryDate), v.mileageKm, day(v.mileageRecordedAt), day(v.lastServiceDate), v.lastServiceKm, idOf(v.customerId), v.customer.name, phone(v.customer.phone), v.customer.email, v.advisorId, v.salesConsultantId, v.salePriceCny?.toFixed(2)]),
    );
  }
  const [store, visits, orders] = await Promise.all([
    db.store.findUniqueOrThrow({ where: { id: storeId }, select: { settings: true } }),
    db.serviceVisit.findMany({ where: { storeId } }),
    db.repairOrder.findMany({ where: { vehicle: { storeId }, deliveredAt: { not: null } }, include: { items: { orderBy: { description: 'asc' } } } }),
  ]);
  const offset = resolveStoreSettings(store.settings).utcOffsetMinutes;
  const lines: Line[] = [
    ...visits.map((v) => [v.vin, v.repairOrderNo, day(v.serviceDate), v.mileageKm, v.description, v.amountCny?.toString()]),
    // A delivery's service date is the store's calendar day, as R1 counts it.
    ...orders.map((o) => [o.vin, o.id, localDate(o.deliveredAt!.getTime(), offset), o.checkInMileageKm, o.items.map((i) => i.description).join('; ') || null, o.settledCny?.toString()]),
  ];
  lines.sort((a, b) => `${a[0]} ${a[2]} ${a[1]}`.localeCompare(`${b[0]} ${b[2]} ${b[1]}`));
  return csv(['vin', 'repairOrderNo', 'serviceDate', 'mileageKm', 'description', 'amountCny'], lines);
}

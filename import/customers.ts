// Who a DMS row's customer is in the store: the customer the DMS's own customer id was imported as, else
// the one with that phone (a store keeps one customer per phone). The lifecycle finds its customer by
// phone too, so a phone changed in the DMS is changed on the record before the car's lifecycle starts.
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import type { CustomerInput, RowReason } from './rows';

export interface StoredCustomer {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  birthday: Date | null;
}

export interface CustomerMatch {
  existing?: StoredCustomer;
  /** The phone is another customer's: importing would merge two people. */
  conflict?: RowReason;
}

/** R21 greets by month and day; the year is not kept (2000 has a 29 February). */
const birthdayDate = (monthDay: string) => new Date(`2000-${monthDay}T00:00:00Z`);
export const monthDayOf = (d: Date | null) => (d ? d.toISOString().slice(5, 10) : undefined);

export async function matchCustomer(db: Db | Tx, storeId: string, dmsId: string | undefined, phone: string, phoneColumn?: string): Promise<CustomerMatch> {
  const [byDms, byPhone] = await Promise.all([
    dmsId === undefined ? null : db.customerDmsId.findUnique({ where: { storeId_dmsId: { storeId, dmsId } } }),
    db.customer.findUnique({ where: { storeId_phone: { storeId, phone } } }),
  ]);
  const existing = byDms ? await db.customer.findUnique({ where: { id: byDms.customerId } }) : byPhone;
  if (byPhone && existing && byPhone.id !== existing.id) {
    return { conflict: { column: phoneColumn, field: 'phone', message: `phone ${phone} belongs to another customer of the store`, zh: `电话 ${phone} 属于本店的另一位客户` } };
  }
  if (byPhone && dmsId !== undefined && !byDms) {
    const other = await db.customerDmsId.findUnique({ where: { customerId: byPhone.id } });
    if (other) return { conflict: { column: phoneColumn, field: 'phone', message: `phone ${phone} belongs to DMS customer ${other.dmsId}`, zh: `电话 ${phone} 属于 DMS 客户 ${other.dmsId}` } };
  }
  return { existing: existing ?? undefined };
}

/** What writing `c` would change on the stored customer, field by field. */
export function customerChanges(stored: StoredCustomer, c: CustomerInput): { field: keyof CustomerInput; from: string | null; to: string }[] {
  const now: Record<keyof CustomerInput, string | undefined> = { name: stored.name, phone: stored.phone, email: stored.email ?? undefined, birthday: monthDayOf(stored.birthday) };
  return (Object.keys(now) as (keyof CustomerInput)[]).filter((k) => c[k] !== undefined && c[k] !== now[k]).map((k) => ({ field: k, from: now[k] ?? null, to: c[k]! }));
}

/** Creates or brings up to date the customer and the DMS id it is known by; run again, it changes nothing. */
export async function writeCustomer(tx: Tx, storeId: string, dmsId: string | undefined, c: CustomerInput): Promise<string> {
  const { existing, conflict } = await matchCustomer(tx, storeId, dmsId, c.phone);
  if (conflict) throw new CustomerConflict(conflict);
  const fields = { name: c.name, phone: c.phone, ...(c.email !== undefined ? { email: c.email } : {}), ...(c.birthday !== undefined ? { birthday: birthdayDate(c.birthday) } : {}) };
  const id = existing ? (await tx.customer.update({ where: { id: existing.id }, data: fields })).id : (await tx.customer.create({ data: { storeId, ...fields } })).id;
  if (dmsId !== undefined) await tx.customerDmsId.upsert({ where: { storeId_dmsId: { storeId, dmsId } }, create: { storeId, dmsId, customerId: id }, update: {} });
  return id;
}

/** The store changed between the plan and the run: the row is refused with the reason, nothing written. */
export class CustomerConflict extends Error {
  constructor(readonly reason: RowReason) {
    super(reason.message);
  }
}

// The outbox as people see it, for the JSON API and the admin pages alike (settling a message is a
// command: commands/outbox.ts).
import { z } from 'zod';
import type { Db } from '../../activities/database';
import { maskPhone, maskPhonesDeep, seesPhoneNumbers } from '../auth/policy';
import { inStore, Principal } from '../auth/principal';
import { HttpError } from '../httpError';
import { vinSchema } from '../../commands/schemas';

export const OUTBOX_STATUSES = ['QUEUED', 'SENDING', 'SENT', 'FAILED', 'BOUNCED', 'SUPPRESSED'] as const;
export const OUTBOX_CHANNELS = ['SMS', 'EMAIL', 'PAGE', 'WECOM', 'DINGTALK'] as const;
/** Only a message that finally failed or bounced is settled by hand. */
export const SETTLEABLE: readonly string[] = ['FAILED', 'BOUNCED'];

export const outboxQuerySchema = z.strictObject({
  store: z.string().trim().min(1).max(64).optional(),
  status: z.enum(OUTBOX_STATUSES).optional(),
  channel: z.enum(OUTBOX_CHANNELS).optional(),
  vin: vinSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OutboxQuery = z.infer<typeof outboxQuerySchema>;

/** Customer phone numbers (also as a message's recipient) only for the roles that call customers. */
export function forViewer<T>(p: Principal, value: T): T {
  if (seesPhoneNumbers(p.role)) return value;
  const masked = maskPhonesDeep(value);
  const maskRecipients = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(maskRecipients);
    if (v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'recipient' && typeof x === 'string' && /^\+?\d[\d -]{6,}$/.test(x) ? maskPhone(x) : maskRecipients(x)]));
    }
    return v;
  };
  return maskRecipients(masked) as T;
}

/** Messages newest first and the counts per status; a person of one store lists that store only, whatever the query asks. */
export async function listOutbox(db: Db, p: Principal, q: OutboxQuery) {
  const store = p.allStores ? q.store : p.storeId;
  const messages = await db.notification.findMany({
    where: { storeId: store, status: q.status, channel: q.channel, vin: q.vin },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: q.limit,
  });
  const counts = await db.notification.groupBy({ by: ['status'], where: { storeId: store }, _count: { _all: true } });
  return forViewer(p, { store, messages, counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number> });
}

/** A message of the person's stores; another store's is answered as if it did not exist. */
export async function visibleMessage(db: Db, p: Principal, id: string) {
  const message = await db.notification.findUnique({ where: { id } }).catch(() => null);
  if (!message || !inStore(p, message.storeId)) throw new HttpError(404, `no outbox message ${id}`);
  return message;
}

export async function outboxMessage(db: Db, p: Principal, id: string) {
  return forViewer(p, await visibleMessage(db, p, id));
}

/** A vehicle's messages, oldest first, and its customer's opt-outs; the caller has checked the store. */
export async function vehicleMessages(db: Db, p: Principal, vin: string) {
  const vehicle = await db.vehicle.findUnique({ where: { vin }, include: { customer: { include: { optOuts: true } } } });
  if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
  const messages = await db.notification.findMany({ where: { vin }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return forViewer(p, { vin, locale: vehicle.customer.locale, optOuts: vehicle.customer.optOuts, messages });
}

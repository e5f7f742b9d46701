// Parts against bookings (R6, R9) and purchase orders: reserving what a booking needs (with other times
// proposed when the parts will be late), picking them into the technician's labelled basket, ordering
// parts and receiving them. Straight database work: the lifecycle learns of parts through its
// preparation step.
import { z } from 'zod';
import { LIFECYCLE_JOB_TYPE, nextFreeSlots } from '../activities/bayReservations';
import { loadStoreCapacity } from '../activities/capacityModel';
import type { Db } from '../activities/database';
import { pickParts, PartsRefusal, receivePurchaseOrder, reserveParts } from '../activities/parts';
import { inStore, Principal } from '../api/auth/principal';
import { HttpError } from '../api/httpError';
import { resolveStoreSettings } from '../domain/storeSettings';
import type { PurchaseOrder } from '../generated/prisma/client';
import { CommandContext, defineCommand, StoreSubject } from './command';
import { instant, text } from './input';

const partNumber = text({ max: 64 });
const quantity = z.number().int().min(1).max(10_000);

export const reserveBody = z.strictObject({ parts: z.array(z.strictObject({ partNumber, quantity })).min(1).max(100) });
export const pickBody = z.strictObject({ technicianId: text({ max: 64 }) });
export const purchaseOrderBody = z.strictObject({ partNumber, quantity, expectedAt: instant });
const noInput = z.strictObject({});

/** A booking, by its id; one of another store is answered as if it did not exist. */
export type BookingSubject = { bookingId: string };
/** A store's purchase order, by its id. */
export type PurchaseOrderSubject = StoreSubject & { orderId: string };

const TX = { maxWait: 30_000, timeout: 30_000 };

/** The parts rules' refusals (unknown part, nothing to pick, not in stock) as every command's: an HttpError. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PartsRefusal) throw new HttpError(err.status, err.message);
    throw err;
  }
}

/** A booking of another store is not found, as if it did not exist. */
async function bookingInScope(db: Db, person: Principal, bookingId: string): Promise<void> {
  const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { storeId: true } });
  if (!booking || !inStore(person, booking.storeId)) throw new HttpError(404, `no booking ${bookingId}`);
}

async function reserve(ctx: CommandContext, bookingId: string, parts: z.output<typeof reserveBody>['parts']) {
  await bookingInScope(ctx.db, ctx.principal, bookingId);
  const now = ctx.at;
  const result = await ctx.db.$transaction(async (tx) => {
    const reserved = await reserveParts(tx, bookingId, parts, ctx.principal.id, now);
    if (!reserved.late) return { ...reserved, proposals: [] };
    // R6 / R8: parts late → the customer is offered the first good times once they are in.
    const booking = await tx.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { bayReservation: true } });
    const capacity = await loadStoreCapacity(tx, booking.storeId);
    const jobTypeCode = booking.bayReservation?.jobTypeCode ?? LIFECYCLE_JOB_TYPE;
    if (!capacity || !capacity.model.jobTypes.some((j) => j.code === jobTypeCode)) return { ...reserved, proposals: [] };
    const readyAt = reserved.readiness.readyAt;
    const proposals = await nextFreeSlots(tx, booking.storeId, capacity, { jobTypeCode, start: readyAt, partsReadyAt: readyAt, priority: booking.bayReservation?.priority, now });
    return { ...reserved, proposals };
  }, TX);
  return {
    ...result,
    readiness: { readyAt: new Date(result.readiness.readyAt).toISOString(), parts: result.readiness.parts.map((p) => ({ ...p, readyAt: new Date(p.readyAt).toISOString() })) },
  };
}

export type PartsReserved = Awaited<ReturnType<typeof reserve>>;

/** R6: sets aside the parts a booking needs; says when they will be in, whether that is late, and if so other times. */
export const reservePartsCommand = defineCommand<typeof reserveBody, PartsReserved, BookingSubject>({
  name: 'parts.reserve',
  action: 'parts.manage',
  schema: reserveBody,
  run: (ctx, { bookingId }, { parts }) => refusing(() => reserve(ctx, bookingId, parts)),
});

async function pick(ctx: CommandContext, bookingId: string, technicianId: string) {
  await bookingInScope(ctx.db, ctx.principal, bookingId);
  const picked = await ctx.db.$transaction(async (tx) => {
    const booking = await tx.booking.findUnique({ where: { id: bookingId }, include: { store: true } });
    if (!booking) throw new PartsRefusal(404, `no booking ${bookingId}`);
    return pickParts(tx, bookingId, technicianId, resolveStoreSettings(booking.store.settings).utcOffsetMinutes, ctx.at);
  }, TX);
  return { bookingId, ...picked };
}

export type PartsPicked = Awaited<ReturnType<typeof pick>>;

/** R6: the booking's reserved parts picked into the technician's basket (plate · booked date · technician), in one transaction. */
export const pickPartsCommand = defineCommand<typeof pickBody, PartsPicked, BookingSubject>({
  name: 'parts.pick',
  action: 'parts.pick',
  schema: pickBody,
  run: (ctx, { bookingId }, { technicianId }) => refusing(() => pick(ctx, bookingId, technicianId)),
});

/** R6: parts ordered for the store, with the time they are expected. */
export const orderPartsCommand = defineCommand<typeof purchaseOrderBody, PurchaseOrder, StoreSubject>({
  name: 'parts.order',
  action: 'parts.manage',
  schema: purchaseOrderBody,
  async run({ db, principal, at }, { storeId }, body) {
    if (!(await db.store.findUnique({ where: { id: storeId } }))) throw new HttpError(404, `unknown store ${storeId}`);
    if (!(await db.part.findUnique({ where: { partNumber: body.partNumber } }))) throw new HttpError(422, `unknown part number ${body.partNumber}`);
    return db.purchaseOrder.create({ data: { storeId, partNumber: body.partNumber, quantity: body.quantity, expectedAt: new Date(body.expectedAt), createdBy: principal.id, createdAt: at } });
  },
});

/** R6: a purchase order's parts arrive and go on the shelf; the bookings waiting for them are ready. */
export const receivePartsCommand = defineCommand<typeof noInput, Awaited<ReturnType<typeof receivePurchaseOrder>>, PurchaseOrderSubject>({
  name: 'parts.receive',
  action: 'parts.manage',
  schema: noInput,
  run: ({ db, principal, at }, { storeId, orderId }) => refusing(() => db.$transaction((tx) => receivePurchaseOrder(tx, storeId, orderId, principal.id, at), TX)),
});

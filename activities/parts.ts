// Parts against bookings (R6): reserved from stock or incoming orders, picked into a labelled basket,
// returned to stock when the booking is cancelled (R9). Each function runs inside the caller's transaction.
import { localDate } from '../domain/calendar';
import { basketLabel, PartNeed, partsLate, partsReadiness, PartsReadiness, PartSupply } from '../domain/partsReadiness';
import { Tx } from './auditedStep';

/** A refusal the person can act on (unknown part, nothing to pick); the transaction is rolled back. */
export class PartsRefusal extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

async function supplies(tx: Tx, storeId: string, partNumbers: string[]): Promise<PartSupply[]> {
  const parts = await tx.part.findMany({
    where: { partNumber: { in: partNumbers } },
    include: { stock: { where: { storeId } }, purchaseOrders: { where: { storeId, status: 'ORDERED' } } },
  });
  return parts.map((p) => ({
    partNumber: p.partNumber,
    onHand: p.stock[0]?.onHand ?? 0,
    reserved: p.stock[0]?.reserved ?? 0,
    leadDays: p.leadDays,
    incoming: p.purchaseOrders.map((o) => ({ quantity: o.quantity, expectedAt: o.expectedAt.getTime() })),
  }));
}

async function openBooking(tx: Tx, bookingId: string) {
  const booking = await tx.booking.findUnique({ where: { id: bookingId }, include: { vehicle: { select: { plate: true } }, partReservations: true } });
  if (!booking) throw new PartsRefusal(404, `no booking ${bookingId}`);
  if (booking.status !== 'TENTATIVE' && booking.status !== 'CONFIRMED') throw new PartsRefusal(409, `booking ${bookingId} is ${booking.status.toLowerCase()}`);
  return booking;
}

export interface ReservationResult {
  bookingId: string;
  bookedFor: string;
  readiness: PartsReadiness;
  /** R6 / R8: the parts will not be in before the booked time; the customer is to be offered another time. */
  late: boolean;
}

/** R6: sets aside the parts a booking needs and says when they will all be in. */
export async function reserveParts(tx: Tx, bookingId: string, needs: PartNeed[], by: string, now: Date): Promise<ReservationResult> {
  const booking = await openBooking(tx, bookingId);
  const partNumbers = needs.map((n) => n.partNumber);
  if (new Set(partNumbers).size !== partNumbers.length) throw new PartsRefusal(422, 'each part number once per request');
  const known = await supplies(tx, booking.storeId, partNumbers);
  const unknown = partNumbers.filter((p) => !known.some((k) => k.partNumber === p));
  if (unknown.length > 0) throw new PartsRefusal(422, `unknown part number ${unknown.join(', ')}`);
  // Quantities this booking already holds are taken out of `reserved` before judging what it needs.
  const own = new Map(booking.partReservations.filter((r) => r.status === 'RESERVED').map((r) => [r.partNumber, r.quantity]));
  const picked = booking.partReservations.filter((r) => r.status === 'PICKED' && partNumbers.includes(r.partNumber));
  if (picked.length > 0) throw new PartsRefusal(409, `already picked for booking ${bookingId}: ${picked.map((r) => r.partNumber).join(', ')}`);
  const readiness = partsReadiness(
    needs,
    known.map((s) => ({ ...s, reserved: s.reserved - (own.get(s.partNumber) ?? 0) })),
    now.getTime(),
  );
  for (const part of readiness.parts) {
    const delta = part.quantity - (own.get(part.partNumber) ?? 0);
    await tx.partStock.upsert({
      where: { storeId_partNumber: { storeId: booking.storeId, partNumber: part.partNumber } },
      create: { storeId: booking.storeId, partNumber: part.partNumber, onHand: 0, reserved: part.quantity },
      update: { reserved: { increment: delta } },
    });
    await tx.partReservation.upsert({
      where: { bookingId_partNumber: { bookingId, partNumber: part.partNumber } },
      create: { bookingId, storeId: booking.storeId, partNumber: part.partNumber, quantity: part.quantity, reservedBy: by, expectedReadyAt: new Date(part.readyAt), createdAt: now },
      update: { quantity: part.quantity, status: 'RESERVED', reservedBy: by, expectedReadyAt: new Date(part.readyAt), returnedAt: null },
    });
  }
  return { bookingId, bookedFor: booking.bookedFor.toISOString(), readiness, late: partsLate(readiness, booking.bookedFor.getTime()) };
}

/** R6: the technician takes the booking's parts off the shelf into a basket labelled plate · date · technician. */
export async function pickParts(tx: Tx, bookingId: string, technicianId: string, utcOffsetMinutes: number, now: Date): Promise<{ basketLabel: string; parts: { partNumber: string; quantity: number }[] }> {
  const booking = await openBooking(tx, bookingId);
  const toPick = booking.partReservations.filter((r) => r.status === 'RESERVED');
  if (toPick.length === 0) throw new PartsRefusal(409, `booking ${bookingId} has no reserved parts to pick`);
  const technician = await tx.staff.findUnique({ where: { id: technicianId } });
  if (!technician || technician.storeId !== booking.storeId) throw new PartsRefusal(422, `unknown technician ${technicianId}`);
  const label = basketLabel(booking.vehicle.plate, localDate(booking.bookedFor.getTime(), utcOffsetMinutes), technician.name);
  for (const r of toPick) {
    const { count } = await tx.partStock.updateMany({
      where: { storeId: booking.storeId, partNumber: r.partNumber, onHand: { gte: r.quantity }, reserved: { gte: r.quantity } },
      data: { onHand: { decrement: r.quantity }, reserved: { decrement: r.quantity } },
    });
    if (count === 0) throw new PartsRefusal(409, `part ${r.partNumber} is not in stock yet (${r.quantity} needed)`);
    await tx.partReservation.update({ where: { id: r.id }, data: { status: 'PICKED', basketLabel: label, pickedBy: technicianId, pickedAt: now } });
  }
  return { basketLabel: label, parts: toPick.map((r) => ({ partNumber: r.partNumber, quantity: r.quantity })) };
}

/** R9: a cancelled booking's parts go back: reserved ones are freed, picked ones return to the shelf (退库). */
export async function returnParts(tx: Tx, bookingId: string, now: Date): Promise<{ partNumber: string; quantity: number; wasPicked: boolean }[]> {
  const live = await tx.partReservation.findMany({ where: { bookingId, status: { in: ['RESERVED', 'PICKED'] } } });
  for (const r of live) {
    await tx.partStock.update({
      where: { storeId_partNumber: { storeId: r.storeId, partNumber: r.partNumber } },
      data: r.status === 'PICKED' ? { onHand: { increment: r.quantity } } : { reserved: { decrement: r.quantity } },
    });
    await tx.partReservation.update({ where: { id: r.id }, data: { status: 'RETURNED', returnedAt: now } });
  }
  return live.map((r) => ({ partNumber: r.partNumber, quantity: r.quantity, wasPicked: r.status === 'PICKED' }));
}

/** A purchase order's parts arrive: they go on the shelf. */
export async function receivePurchaseOrder(tx: Tx, storeId: string, orderId: string, by: string, now: Date) {
  const order = await tx.purchaseOrder.findFirst({ where: { id: orderId, storeId } });
  if (!order) throw new PartsRefusal(404, `no purchase order ${orderId} in store ${storeId}`);
  if (order.status !== 'ORDERED') throw new PartsRefusal(409, `purchase order ${orderId} is ${order.status.toLowerCase()}`);
  const stock = await tx.partStock.upsert({
    where: { storeId_partNumber: { storeId, partNumber: order.partNumber } },
    create: { storeId, partNumber: order.partNumber, onHand: order.quantity },
    update: { onHand: { increment: order.quantity } },
  });
  // The bookings waiting for this part, oldest first, are ready now as far as the shelf covers them (R6 board).
  const waiting = await tx.partReservation.findMany({ where: { storeId, partNumber: order.partNumber, status: 'RESERVED' }, orderBy: { createdAt: 'asc' } });
  let covered = 0;
  const ready: string[] = [];
  for (const r of waiting) {
    covered += r.quantity;
    if (covered > stock.onHand) break;
    if (r.expectedReadyAt > now) ready.push(r.id);
  }
  if (ready.length > 0) await tx.partReservation.updateMany({ where: { id: { in: ready } }, data: { expectedReadyAt: now } });
  return tx.purchaseOrder.update({ where: { id: orderId }, data: { status: 'RECEIVED', receivedAt: now, receivedBy: by } });
}

// Parts against bookings (R6, R9), purchase orders, and the technical director's preparation board (R6)
// over HTTP. Straight database work: the lifecycle learns of parts through its preparation step.
import express, { Request, Router } from 'express';
import { z } from 'zod';
import { LIFECYCLE_JOB_TYPE, nextFreeSlots } from '../activities/bayReservations';
import { loadStoreCapacity } from '../activities/capacityModel';
import type { Db } from '../activities/database';
import type { Clock } from '../runtime/clock';
import { authorize, principalOf } from './auth/middleware';
import { storeScoped } from './capacityRoutes';
import { receivePurchaseOrder, reserveParts } from '../activities/parts';
import { daysBetween, isCalendarDate } from '../domain/calendar';
import { bookingInScope, pickBookingParts, preparationBoard } from './workshopPlan';
import { actorOf, handle, parse, RequestError } from './planRequests';

const calendarDate = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const staffId = z.string().trim().min(1).max(64);
const partNumber = z.string().trim().min(1).max(64);
const quantity = z.number().int().min(1).max(10_000);

export const reserveBody = z.strictObject({ parts: z.array(z.strictObject({ partNumber, quantity })).min(1).max(100) });
export const pickBody = z.strictObject({ technicianId: staffId });
export const purchaseOrderBody = z.strictObject({ partNumber, quantity, expectedAt: z.iso.datetime({ offset: true }) });
export const boardQuery = z
  .strictObject({ from: calendarDate, to: calendarDate })
  .refine((r) => daysBetween(r.from, r.to) >= 0 && daysBetween(r.from, r.to) < 62, 'from..to must be 1 to 62 days');

const TX = { maxWait: 30_000, timeout: 30_000 };

async function ownBooking(db: Db, req: Request): Promise<string> {
  const bookingId = req.params.bookingId as string;
  await bookingInScope(db, principalOf(req), bookingId);
  return bookingId;
}

export function partsRoutes({ db, clock }: { db: Db; clock: Clock }): Router {
  const router = express.Router();

  router.post(
    '/api/bookings/:bookingId/parts',
    authorize('parts.manage'),
    handle(async (req, res) => {
      const actor = actorOf(req);
      const { parts } = parse(reserveBody, req.body ?? {});
      const bookingId = await ownBooking(db, req);
      const now = clock.now();
      const result = await db.$transaction(async (tx) => {
        const reserved = await reserveParts(tx, bookingId, parts, actor, now);
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
      res.json({
        ...result,
        readiness: { readyAt: new Date(result.readiness.readyAt).toISOString(), parts: result.readiness.parts.map((p) => ({ ...p, readyAt: new Date(p.readyAt).toISOString() })) },
      });
    }),
  );

  router.post(
    '/api/bookings/:bookingId/parts/pick',
    authorize('parts.pick'),
    handle(async (req, res) => {
      const { technicianId } = parse(pickBody, req.body ?? {});
      const bookingId = await ownBooking(db, req);
      const result = await pickBookingParts(db, bookingId, technicianId, clock.now());
      res.json({ bookingId, ...result });
    }),
  );

  router.post(
    '/api/stores/:storeId/purchase-orders',
    authorize('parts.manage'),
    storeScoped,
    handle(async (req, res) => {
      const actor = actorOf(req);
      const body = parse(purchaseOrderBody, req.body ?? {});
      const storeId = req.params.storeId as string;
      if (!(await db.store.findUnique({ where: { id: storeId } }))) throw new RequestError(404, `unknown store ${storeId}`);
      if (!(await db.part.findUnique({ where: { partNumber: body.partNumber } }))) throw new RequestError(422, `unknown part number ${body.partNumber}`);
      const order = await db.purchaseOrder.create({ data: { storeId, partNumber: body.partNumber, quantity: body.quantity, expectedAt: new Date(body.expectedAt), createdBy: actor } });
      res.status(201).json(order);
    }),
  );

  router.post(
    '/api/stores/:storeId/purchase-orders/:orderId/receive',
    authorize('parts.manage'),
    storeScoped,
    handle(async (req, res) => {
      const actor = actorOf(req);
      const order = await db.$transaction((tx) => receivePurchaseOrder(tx, req.params.storeId as string, req.params.orderId as string, actor, clock.now()), TX);
      res.json(order);
    }),
  );

  router.get(
    '/api/stores/:storeId/parts/:partNumber',
    authorize('capacity.read'),
    storeScoped,
    handle(async (req, res) => {
      const storeId = req.params.storeId as string;
      const number = req.params.partNumber as string;
      const part = await db.part.findUnique({
        where: { partNumber: number },
        include: {
          stock: { where: { storeId } },
          purchaseOrders: { where: { storeId, status: 'ORDERED' }, orderBy: { expectedAt: 'asc' } },
          reservations: { where: { storeId, status: { in: ['RESERVED', 'PICKED'] } }, orderBy: { createdAt: 'asc' } },
        },
      });
      if (!part) throw new RequestError(404, `unknown part number ${number}`);
      const { stock, purchaseOrders, reservations, ...rest } = part;
      res.json({ ...rest, storeId, onHand: stock[0]?.onHand ?? 0, reserved: stock[0]?.reserved ?? 0, purchaseOrders, reservations });
    }),
  );

  router.get(
    '/api/stores/:storeId/preparation-board',
    authorize('capacity.read'),
    storeScoped,
    handle(async (req, res) => {
      const range = parse(boardQuery, req.query);
      const storeId = req.params.storeId as string;
      const rows = await preparationBoard(db, storeId, range, clock.now().getTime());
      if (!rows) throw new RequestError(404, `unknown store ${storeId}`);
      res.json({ storeId, from: range.from, to: range.to, rows });
    }),
  );

  return router;
}

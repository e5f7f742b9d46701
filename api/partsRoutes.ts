// Parts against bookings (R6, R9), purchase orders, and the technical director's preparation board (R6)
// over HTTP. Reserving, picking, ordering and receiving are commands (commands/parts.ts); the reads go
// straight to the database.
import express, { Router } from 'express';
import { z } from 'zod';
import type { CommandDeps } from '../commands/command';
import { orderPartsCommand, pickPartsCommand, receivePartsCommand, reservePartsCommand } from '../commands/parts';
import { daysBetween, isCalendarDate } from '../domain/calendar';
import { authorize } from './auth/middleware';
import { storeScoped } from './capacityRoutes';
import { preparationBoard } from './workshopPlan';
import { commandRunner, handle, parse, RequestError } from './planRequests';

const calendarDate = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');

export const boardQuery = z
  .strictObject({ from: calendarDate, to: calendarDate })
  .refine((r) => daysBetween(r.from, r.to) >= 0 && daysBetween(r.from, r.to) < 62, 'from..to must be 1 to 62 days');

export function partsRoutes({ commands }: { commands: CommandDeps }): Router {
  const { db, clock } = commands;
  const router = express.Router();
  const run = commandRunner(commands);

  router.post(
    '/api/bookings/:bookingId/parts',
    authorize('parts.manage'),
    handle(async (req, res) => {
      res.json(await run(req, reservePartsCommand, { bookingId: req.params.bookingId as string }));
    }),
  );

  router.post(
    '/api/bookings/:bookingId/parts/pick',
    authorize('parts.pick'),
    handle(async (req, res) => {
      res.json(await run(req, pickPartsCommand, { bookingId: req.params.bookingId as string }));
    }),
  );

  router.post(
    '/api/stores/:storeId/purchase-orders',
    authorize('parts.manage'),
    storeScoped,
    handle(async (req, res) => {
      res.status(201).json(await run(req, orderPartsCommand, { storeId: req.params.storeId as string }));
    }),
  );

  router.post(
    '/api/stores/:storeId/purchase-orders/:orderId/receive',
    authorize('parts.manage'),
    storeScoped,
    handle(async (req, res) => {
      res.json(await run(req, receivePartsCommand, { storeId: req.params.storeId as string, orderId: req.params.orderId as string }, {}));
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

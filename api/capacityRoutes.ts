// Workshop capacity, slots and holds (R8) over HTTP: what the booking desk and the admin UI's
// capacity view use. Reads and claims go straight to the database; no workflow is involved until a
// lifecycle books (and then adopts the vehicle's hold).
import express, { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { claimSlot, nextFreeSlots, releaseReservation, SlotRefused, withNextFree } from '../activities/bayReservations';
import { RULE_REFUSALS } from '../commands/bookedTime';
import { calendarDate, instant, text } from '../commands/input';
import { CapacityOf, loadOccupations, StoreCapacity } from '../activities/capacityModel';
import type { Db } from '../activities/database';
import type { Clock } from '../runtime/clock';
import { authorize, principalOf } from './auth/middleware';
import { HttpError } from './httpError';
import { inStore } from './auth/principal';
import { addDays, daysBetween, isCalendarDate, localTime } from '../domain/calendar';
import { PRIORITIES } from '../domain/capacity';
import { MAX_SEARCH_DAYS, searchSlots } from '../domain/slotSearch';
import { capacityDays, reservationView } from './workshopPlan';
import { actorOf, handle, parse, RequestError } from './planRequests';

const code = text({ max: 64 });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM');

// The range's own checks run only on two real dates (zod runs an object's refinements after a field failed).
const bothDates = (r: { from: unknown; to: unknown }) => typeof r.from === 'string' && typeof r.to === 'string' && isCalendarDate(r.from) && isCalendarDate(r.to);
export const dateRange = z
  .object({ from: calendarDate, to: calendarDate })
  .refine((r) => !bothDates(r) || daysBetween(r.from, r.to) >= 0, 'to must not be before from')
  .refine((r) => !bothDates(r) || daysBetween(r.from, r.to) < MAX_SEARCH_DAYS, `at most ${MAX_SEARCH_DAYS} days at a time`);

export const slotQuery = z.strictObject({
  jobType: code,
  from: calendarDate,
  to: calendarDate,
  date: calendarDate.optional(),
  time: hhmm.optional(),
  partOfDay: z.enum(['MORNING', 'AFTERNOON']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  partsReadyAt: instant.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

export const holdBody = z.strictObject({
  jobType: code,
  start: instant,
  bayId: code.optional(),
  priority: z.enum(PRIORITIES).optional(),
  vin: z.string().trim().toUpperCase().regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'VIN must be 17 letters/digits without I, O or Q').optional(),
  /** true books the slot at once; otherwise a tentative hold that expires unless confirmed. */
  book: z.boolean().default(false),
});

export const releaseBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

// Many desks claim at once: a claim may wait for a pooled connection and for a competing claim's commit.
const CLAIM_TX = { maxWait: 30_000, timeout: 30_000 };

/** A store's plan is for its own people (and those who span stores); another store's is not found. */
export function storeScoped(req: Request, _res: Response, next: NextFunction): void {
  const storeId = String(req.params.storeId);
  if (!inStore(principalOf(req), storeId)) return next(new HttpError(404, `unknown store ${storeId}`));
  next();
}

async function known(capacity: Promise<StoreCapacity | null>, storeId: string): Promise<StoreCapacity> {
  const found = await capacity;
  if (!found) throw new RequestError(404, `unknown store ${storeId}`);
  return found;
}

export function capacityRoutes({ db, clock, capacityOf }: { db: Db; clock: Clock; capacityOf: CapacityOf }): Router {
  const router = express.Router();
  const storeCapacity = (storeId: string) => known(capacityOf(db, storeId), storeId);

  router.get(
    '/api/stores/:storeId/capacity-model',
    authorize('capacity.read'),
    storeScoped,
    handle(async (req, res) => {
      const { model, settings } = await storeCapacity(req.params.storeId as string);
      const { slotGridMinutes, bookableCapacityFraction, morningRushMinutes, eveningNoArrivalMinutes, maxArrivalsPerSlot, slotHoldMinutes, utcOffsetMinutes } = settings;
      res.json({ storeId: req.params.storeId, ...model, settings: { utcOffsetMinutes, slotGridMinutes, bookableCapacityFraction, morningRushMinutes, eveningNoArrivalMinutes, maxArrivalsPerSlot, slotHoldMinutes } });
    }),
  );

  router.get(
    '/api/stores/:storeId/slots',
    authorize('capacity.read'),
    storeScoped,
    handle(async (req, res) => {
      const query = parse(slotQuery, req.query);
      parse(dateRange, query);
      const storeId = req.params.storeId as string;
      const capacity = await storeCapacity(storeId);
      const now = clock.now();
      const occupations = await occupationsOfDays(db, storeId, query.from, query.to, capacity, now);
      const result = searchSlots(
        capacity.model,
        occupations,
        {
          jobTypeCode: query.jobType,
          from: query.from,
          to: query.to,
          preference: { date: query.date, time: query.time, partOfDay: query.partOfDay },
          priority: query.priority,
          partsReadyAt: query.partsReadyAt ? Date.parse(query.partsReadyAt) : null,
          notBefore: now.getTime(),
          limit: query.limit,
        },
        capacity.settings,
      );
      res.json({ storeId, ...result });
    }),
  );

  router.post(
    '/api/stores/:storeId/holds',
    authorize('capacity.book'),
    storeScoped,
    handle(async (req, res) => {
      const actor = actorOf(req);
      const body = parse(holdBody, req.body ?? {});
      const storeId = req.params.storeId as string;
      const capacity = await storeCapacity(storeId);
      if (!capacity.model.jobTypes.some((j) => j.code === body.jobType)) throw new RequestError(422, `unknown job type ${body.jobType}`);
      if (body.bayId && !capacity.model.bays.some((b) => b.id === body.bayId)) throw new RequestError(422, `unknown bay ${body.bayId}`);
      const now = clock.now();
      const expiresAt = body.book ? null : new Date(now.getTime() + capacity.settings.slotHoldMinutes * 60_000);
      const request = { jobTypeCode: body.jobType, start: Date.parse(body.start), bayId: body.bayId, priority: body.priority, vin: body.vin, expiresAt, createdBy: actor };
      try {
        const claimed = await db.$transaction((tx) => claimSlot(tx, storeId, capacity, request, now), CLAIM_TX);
        res.status(201).json({ holdId: claimed.id, status: body.book ? 'BOOKED' : 'HELD', expiresAt: expiresAt?.toISOString() ?? null, ...claimed.slot });
      } catch (err) {
        if (!(err instanceof SlotRefused)) throw err;
        // After the transaction: the search for other times holds no connection and sees the winner's commit.
        const unavailable = await withNextFree(db, storeId, capacity, request, err, now);
        const status = RULE_REFUSALS.has(err.reason) ? 422 : 409;
        throw new RequestError(status, unavailable.message, { reason: err.reason, nextFree: unavailable.nextFree });
      }
    }),
  );

  router.post(
    '/api/stores/:storeId/holds/:holdId/confirm',
    authorize('capacity.book'),
    storeScoped,
    handle(async (req, res) => {
      const actor = actorOf(req);
      const storeId = req.params.storeId as string;
      const capacity = await storeCapacity(storeId);
      const now = clock.now();
      const result = await db.$transaction(async (tx) => {
        const hold = await tx.bayReservation.findFirst({ where: { id: req.params.holdId as string, storeId } });
        if (!hold) throw new RequestError(404, `no hold ${req.params.holdId} in store ${storeId}`);
        if (hold.status === 'BOOKED') return hold;
        if (hold.status === 'HELD' && hold.expiresAt && hold.expiresAt <= now) {
          await releaseReservation(tx, hold.id, 'system', 'hold expired before it was confirmed', now);
          await tx.bayReservation.update({ where: { id: hold.id }, data: { status: 'EXPIRED' } });
          const nextFree = await nextFreeSlots(tx, storeId, capacity, { jobTypeCode: hold.jobTypeCode, start: hold.startsAt.getTime(), priority: hold.priority, now });
          return { expired: true as const, nextFree };
        }
        if (hold.status !== 'HELD') throw new RequestError(409, `hold ${hold.id} is ${hold.status.toLowerCase()}`);
        return tx.bayReservation.update({ where: { id: hold.id }, data: { status: 'BOOKED', expiresAt: null, confirmedBy: actor, confirmedAt: now } });
      }, CLAIM_TX);
      if ('expired' in result) throw new RequestError(409, `hold ${req.params.holdId} expired before it was confirmed`, { reason: 'EXPIRED', nextFree: result.nextFree });
      res.json(reservationView(result));
    }),
  );

  router.post(
    '/api/stores/:storeId/holds/:holdId/release',
    authorize('capacity.book'),
    storeScoped,
    handle(async (req, res) => {
      const actor = actorOf(req);
      const { reason } = parse(releaseBody, req.body ?? {});
      const storeId = req.params.storeId as string;
      const hold = await db.$transaction(async (tx) => {
        const found = await tx.bayReservation.findFirst({ where: { id: req.params.holdId as string, storeId } });
        if (!found) throw new RequestError(404, `no hold ${req.params.holdId} in store ${storeId}`);
        if (found.bookingId) throw new RequestError(409, `hold ${found.id} belongs to booking ${found.bookingId}; cancel the booking instead (R9)`);
        await releaseReservation(tx, found.id, actor, reason, clock.now());
        return tx.bayReservation.findUniqueOrThrow({ where: { id: found.id } });
      });
      res.json(reservationView(hold));
    }),
  );

  router.get(
    '/api/stores/:storeId/capacity',
    authorize('capacity.read'),
    storeScoped,
    handle(async (req, res) => {
      const range = parse(dateRange, req.query);
      const storeId = req.params.storeId as string;
      const capacity = await storeCapacity(storeId);
      const days = await capacityDays(db, storeId, capacity, range, clock.now());
      res.json({ storeId, from: range.from, to: range.to, gridMinutes: capacity.settings.slotGridMinutes, days });
    }),
  );

  return router;
}

function occupationsOfDays(db: Db, storeId: string, from: string, to: string, capacity: StoreCapacity, now: Date) {
  const offset = capacity.model.utcOffsetMinutes;
  return loadOccupations(db, storeId, new Date(localTime(from, '00:00', offset)), new Date(localTime(addDays(to, 1), '00:00', offset)), now);
}

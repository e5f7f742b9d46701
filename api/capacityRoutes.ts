// Workshop capacity, slots and holds (R8) over HTTP: what the booking desk and the admin UI's
// capacity view use. Reads go straight to the database; holds are commands (commands/holds.ts). No
// workflow is involved until a lifecycle books (and then adopts the vehicle's hold).
import express, { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { CommandDeps } from '../commands/command';
import { confirmHoldCommand, placeHoldCommand, releaseHoldCommand } from '../commands/holds';
import { calendarDate, instant, text } from '../commands/input';
import { loadOccupations, StoreCapacity } from '../activities/capacityModel';
import type { Db } from '../activities/database';
import { authorize, principalOf } from './auth/middleware';
import { HttpError } from './httpError';
import { inStore } from './auth/principal';
import { addDays, daysBetween, isCalendarDate, localTime } from '../domain/calendar';
import { PRIORITIES } from '../domain/capacity';
import { MAX_SEARCH_DAYS, searchSlots } from '../domain/slotSearch';
import { capacityDays } from './workshopPlan';
import { commandRunner, handle, parse, RequestError } from './planRequests';

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

export function capacityRoutes({ commands }: { commands: CommandDeps }): Router {
  const { db, clock, capacityOf } = commands;
  const router = express.Router();
  const run = commandRunner(commands);
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
      res.status(201).json(await run(req, placeHoldCommand, { storeId: req.params.storeId as string }));
    }),
  );

  router.post(
    '/api/stores/:storeId/holds/:holdId/confirm',
    authorize('capacity.book'),
    storeScoped,
    handle(async (req, res) => {
      res.json(await run(req, confirmHoldCommand, { storeId: req.params.storeId as string, holdId: req.params.holdId as string }, {}));
    }),
  );

  router.post(
    '/api/stores/:storeId/holds/:holdId/release',
    authorize('capacity.book'),
    storeScoped,
    handle(async (req, res) => {
      res.json(await run(req, releaseHoldCommand, { storeId: req.params.storeId as string, holdId: req.params.holdId as string }));
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

// Bay time at the booking desk (R8): a tentative hold (it expires unless confirmed) or a booking at once,
// confirming a hold, and giving one back. The database's slot cells keep a bay from being claimed twice,
// however many desks claim at once; a refused claim names its reason and the next free times.
import { z } from 'zod';
import { claimSlot, nextFreeSlots, releaseReservation, SlotRefused, withNextFree } from '../activities/bayReservations';
import type { StoreCapacity } from '../activities/capacityModel';
import { HttpError } from '../api/httpError';
import { reservationView, ReservationView } from '../api/workshopPlan';
import { PRIORITIES } from '../domain/capacity';
import type { Slot } from '../domain/slotSearch';
import { RULE_REFUSALS } from './bookedTime';
import { CommandContext, defineCommand, StoreSubject } from './command';
import { instant, text } from './input';

const code = text({ max: 64 });

export const holdBody = z.strictObject({
  jobType: code,
  start: instant,
  bayId: code.optional(),
  priority: z.enum(PRIORITIES).optional(),
  vin: z.string().trim().toUpperCase().regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'VIN must be 17 letters/digits without I, O or Q').optional(),
  /** true books the slot at once; otherwise a tentative hold that expires unless confirmed. */
  book: z.boolean().default(false),
});

export const releaseBody = z.strictObject({ reason: text({ max: 500, multiline: true }) });
const noInput = z.strictObject({});

/** A hold of a store, by its id (what `POST …/holds` answered as `holdId`). */
export type HoldSubject = StoreSubject & { holdId: string };

// Many desks claim at once: a claim may wait for a pooled connection and for a competing claim's commit.
const CLAIM_TX = { maxWait: 30_000, timeout: 30_000 };

async function storeCapacity(ctx: CommandContext, storeId: string): Promise<StoreCapacity> {
  const found = await ctx.capacityOf(ctx.db, storeId);
  if (!found) throw new HttpError(404, `unknown store ${storeId}`);
  return found;
}

export type Claimed = { holdId: string; status: 'BOOKED' | 'HELD'; expiresAt: string | null } & Slot;

/** A hold, or with `book: true` a booking; 409 (taken, day full) or 422 (against the rules) with `reason` and `nextFree`. */
export const placeHoldCommand = defineCommand<typeof holdBody, Claimed, StoreSubject>({
  name: 'capacity.hold',
  action: 'capacity.book',
  schema: holdBody,
  async run(ctx, { storeId }, body) {
    const capacity = await storeCapacity(ctx, storeId);
    if (!capacity.model.jobTypes.some((j) => j.code === body.jobType)) throw new HttpError(422, `unknown job type ${body.jobType}`);
    if (body.bayId && !capacity.model.bays.some((b) => b.id === body.bayId)) throw new HttpError(422, `unknown bay ${body.bayId}`);
    const now = ctx.at;
    const expiresAt = body.book ? null : new Date(now.getTime() + capacity.settings.slotHoldMinutes * 60_000);
    const request = { jobTypeCode: body.jobType, start: Date.parse(body.start), bayId: body.bayId, priority: body.priority, vin: body.vin, expiresAt, createdBy: ctx.principal.id };
    try {
      const claimed = await ctx.db.$transaction((tx) => claimSlot(tx, storeId, capacity, request, now), CLAIM_TX);
      return { holdId: claimed.id, status: body.book ? 'BOOKED' : 'HELD', expiresAt: expiresAt?.toISOString() ?? null, ...claimed.slot };
    } catch (err) {
      if (!(err instanceof SlotRefused)) throw err;
      // After the transaction: the search for other times holds no connection and sees the winner's commit.
      const unavailable = await withNextFree(ctx.db, storeId, capacity, request, err, now);
      throw new HttpError(RULE_REFUSALS.has(err.reason) ? 422 : 409, unavailable.message, undefined, { reason: err.reason, nextFree: unavailable.nextFree });
    }
  },
});

/** The hold becomes a booking; one that expired meanwhile is 409 with `reason: EXPIRED` and the next free times. */
export const confirmHoldCommand = defineCommand<typeof noInput, ReservationView, HoldSubject>({
  name: 'capacity.confirm',
  action: 'capacity.book',
  schema: noInput,
  async run(ctx, { storeId, holdId }) {
    const capacity = await storeCapacity(ctx, storeId);
    const now = ctx.at;
    const result = await ctx.db.$transaction(async (tx) => {
      const hold = await tx.bayReservation.findFirst({ where: { id: holdId, storeId } });
      if (!hold) throw new HttpError(404, `no hold ${holdId} in store ${storeId}`);
      if (hold.status === 'BOOKED') return hold;
      if (hold.status === 'HELD' && hold.expiresAt && hold.expiresAt <= now) {
        await releaseReservation(tx, hold.id, 'system', 'hold expired before it was confirmed', now);
        await tx.bayReservation.update({ where: { id: hold.id }, data: { status: 'EXPIRED' } });
        const nextFree = await nextFreeSlots(tx, storeId, capacity, { jobTypeCode: hold.jobTypeCode, start: hold.startsAt.getTime(), priority: hold.priority, now });
        return { expired: true as const, nextFree };
      }
      if (hold.status !== 'HELD') throw new HttpError(409, `hold ${hold.id} is ${hold.status.toLowerCase()}`);
      return tx.bayReservation.update({ where: { id: hold.id }, data: { status: 'BOOKED', expiresAt: null, confirmedBy: ctx.principal.id, confirmedAt: now } });
    }, CLAIM_TX);
    if ('expired' in result) throw new HttpError(409, `hold ${holdId} expired before it was confirmed`, undefined, { reason: 'EXPIRED', nextFree: result.nextFree });
    return reservationView(result);
  },
});

/** Gives a hold back, with the reason; a booking's bay time is released by cancelling the booking (R9). */
export const releaseHoldCommand = defineCommand<typeof releaseBody, ReservationView, HoldSubject>({
  name: 'capacity.release',
  action: 'capacity.book',
  schema: releaseBody,
  async run(ctx, { storeId, holdId }, { reason }) {
    const hold = await ctx.db.$transaction(async (tx) => {
      const found = await tx.bayReservation.findFirst({ where: { id: holdId, storeId } });
      if (!found) throw new HttpError(404, `no hold ${holdId} in store ${storeId}`);
      if (found.bookingId) throw new HttpError(409, `hold ${found.id} belongs to booking ${found.bookingId}; cancel the booking instead (R9)`);
      await releaseReservation(tx, found.id, ctx.principal.id, reason, ctx.at);
      return tx.bayReservation.findUniqueOrThrow({ where: { id: found.id } });
    });
    return reservationView(hold);
  },
});

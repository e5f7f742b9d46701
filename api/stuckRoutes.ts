// Lifecycles that are stuck: one of their activities has kept failing for more than 10 minutes (the
// database down, or data it refuses outside a person's step). The worker records them
// (activities/activityTrouble.ts); managers read them here and on the manager page.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../activities/database';
import type { Clock } from '../runtime/clock';
import { authorize, principalOf } from './auth/middleware';
import { HttpError } from './httpError';

/** How long an activity fails before its lifecycle counts as stuck. */
export const STUCK_AFTER_MINUTES = 10;

export interface StuckLifecycle {
  workflowId: string;
  runId: string;
  workflowType: string | null;
  vin: string | null;
  plate: string | null;
  storeId: string | null;
  activityType: string;
  firstFailedAt: string;
  lastFailedAt: string;
  attempts: number;
  lastError: string;
  failingForMinutes: number;
}

/**
 * Stuck lifecycles as of `now`, longest-failing first. With `store`, only that store's vehicles; rows
 * that name no known vehicle only for people who span stores (no `store`).
 */
export async function stuckLifecycles(db: Db, { now, store }: { now: Date; store?: string }): Promise<StuckLifecycle[]> {
  const rows = await db.activityTrouble.findMany({
    where: { firstFailedAt: { lt: new Date(now.getTime() - STUCK_AFTER_MINUTES * 60_000) } },
    orderBy: { firstFailedAt: 'asc' },
    take: 500,
  });
  const vins = [...new Set(rows.flatMap((r) => (r.vin ? [r.vin] : [])))];
  const vehicles = new Map((await db.vehicle.findMany({ where: { vin: { in: vins } }, select: { vin: true, plate: true, storeId: true } })).map((v) => [v.vin, v]));
  return rows
    .map((r) => {
      const vehicle = r.vin ? vehicles.get(r.vin) : undefined;
      return {
        workflowId: r.workflowId,
        runId: r.runId,
        workflowType: r.workflowType,
        vin: r.vin,
        plate: vehicle?.plate ?? null,
        storeId: vehicle?.storeId ?? null,
        activityType: r.activityType,
        firstFailedAt: r.firstFailedAt.toISOString(),
        lastFailedAt: r.lastFailedAt.toISOString(),
        attempts: r.attempts,
        lastError: r.lastError,
        failingForMinutes: Math.floor((now.getTime() - r.firstFailedAt.getTime()) / 60_000),
      };
    })
    .filter((s) => store === undefined || s.storeId === store);
}

const querySchema = z.strictObject({ store: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() });

export function stuckRoutes({ db, clock }: { db: Db; clock: Clock }): express.Router {
  const router = express.Router();
  router.get('/api/workflows/stuck', authorize('manager.view'), async (req, res) => {
    const query = querySchema.safeParse(req.query);
    if (!query.success) throw new HttpError(400, query.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
    const p = principalOf(req);
    // A person of one store sees that store only, whatever the query asks.
    const store = p.allStores ? query.data.store : p.storeId;
    const now = clock.now();
    res.json({ asOf: now.toISOString(), stuckAfterMinutes: STUCK_AFTER_MINUTES, lifecycles: await stuckLifecycles(db, { now, store }) });
  });
  return router;
}

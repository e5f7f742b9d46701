// A model's periodic-maintenance plan as the work order uses it (R6): labour, estimate and parts.
import type { Prisma } from '../generated/prisma/client';
import { Tx } from './auditedStep';
import { readThroughCache } from './readThroughCache';

export interface ServicePlanTerms {
  laborHours: number;
  estimateCny: Prisma.Decimal | null;
  parts: { partNumber: string; quantity: number }[];
}

/** The plan, read through the step's transaction when not known yet; null without a plan. */
export type PlanOf = (tx: Tx, servicePlanId: string | null) => Promise<ServicePlanTerms | null>;

/** Plans are reference data seeded with the store; each work order would otherwise read them again. */
export function servicePlanCache(ttlMs = 60_000): PlanOf {
  const cached = readThroughCache<ServicePlanTerms | null>(ttlMs);
  return async (tx, servicePlanId) => {
    if (!servicePlanId) return null;
    return cached(servicePlanId, async () => {
      const plan = await tx.servicePlan.findUnique({ where: { id: servicePlanId }, include: { parts: { select: { partNumber: true, quantity: true } } } });
      return plan && { laborHours: plan.laborHours, estimateCny: plan.estimateCny, parts: plan.parts };
    });
  };
}

// A model's periodic-maintenance plan as the work order uses it (R6): labour, estimate and parts.
import type { Prisma } from '../generated/prisma/client';
import { Tx } from './auditedStep';
import { versionedCache } from './readThroughCache';

export interface ServicePlanTerms {
  laborHours: number;
  estimateCny: Prisma.Decimal | null;
  parts: { partNumber: string; quantity: number }[];
}

/** The plan, read through the step's transaction when not known yet; null without a plan. */
export type PlanOf = (tx: Tx, servicePlanId: string | null) => Promise<ServicePlanTerms | null>;

/**
 * Plans are reference data; each work order would otherwise read a plan and its parts again. The plan's
 * `version` (stamped by the database with every change of the plan or its parts) says when to.
 */
export function servicePlanCache(): PlanOf {
  const cached = versionedCache<ServicePlanTerms | null>();
  return async (tx, servicePlanId) => {
    if (!servicePlanId) return null;
    const current = await tx.servicePlan.findUnique({ where: { id: servicePlanId }, select: { version: true } });
    if (!current) return null;
    return cached(servicePlanId, current.version, async () => {
      const plan = await tx.servicePlan.findUnique({ where: { id: servicePlanId }, include: { parts: { select: { partNumber: true, quantity: true } } } });
      return plan && { laborHours: plan.laborHours, estimateCny: plan.estimateCny, parts: plan.parts };
    });
  };
}

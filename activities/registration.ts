import { ApplicationFailure } from '@temporalio/common';
import { resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import type { VehicleLifecycleInput } from '../workflows/definitions';
import { auditedStep } from './auditedStep';
import { Db } from './database';
import { StepContext } from './stepContext';

export interface CyclePolicy {
  settings: StoreSettings;
  intervalMonths: number;
  intervalKm: number;
  servicePlanId: string | null;
}

export function registrationActivities(db: Db) {
  return {
    /** Creates or refreshes the customer and vehicle records the workflow stands for. */
    async registerVehicle(ctx: StepContext, input: VehicleLifecycleInput): Promise<null> {
      const { vehicle: v, customer: c } = input;
      return auditedStep(db, ctx, { step: 'register', action: 'vehicle.registered', actor: input.registeredBy, data: { plate: v.plate, model: v.model, storeId: v.storeId } }, async (tx) => {
        const store = await tx.store.findUnique({ where: { id: v.storeId } });
        if (!store) throw ApplicationFailure.nonRetryable(`unknown store ${v.storeId}`, 'UnknownStore');
        const customer = await tx.customer.upsert({
          where: { storeId_phone: { storeId: v.storeId, phone: c.phone } },
          create: { storeId: v.storeId, name: c.name, phone: c.phone, email: c.email },
          update: { name: c.name, email: c.email },
        });
        const plan = await tx.servicePlan.findUnique({ where: { model: v.model } });
        const fields = {
          plate: v.plate,
          model: v.model,
          storeId: v.storeId,
          customerId: customer.id,
          servicePlanId: plan?.id ?? null,
          salesConsultantId: v.salesConsultantId,
          advisorId: v.advisorId,
          deliveryDate: new Date(v.deliveryDate),
          mileageKm: v.mileageKm,
          mileageRecordedAt: new Date(v.mileageRecordedOn),
          avgDailyKm: 0,
          lastServiceDate: input.history.lastServiceDate ? new Date(input.history.lastServiceDate) : null,
          lastServiceKm: input.history.lastServiceKm ?? null,
          cycle: input.history.cycle,
          workflowId: ctx.workflowId,
        };
        await tx.vehicle.upsert({ where: { vin: v.vin }, create: { vin: v.vin, ...fields }, update: fields });
        return null;
      });
    },

    /** The store's settings, read when a decision needs them (e.g. a ticket's answer hours). */
    async loadStoreSettings(storeId: string): Promise<StoreSettings> {
      const store = await db.store.findUnique({ where: { id: storeId } });
      if (!store) throw ApplicationFailure.nonRetryable(`unknown store ${storeId}`, 'UnknownStore');
      return resolveStoreSettings(store.settings);
    },

    /** Store settings and the model's service interval, read at the start of each cycle (R1). */
    async loadCyclePolicy(storeId: string, model: string): Promise<CyclePolicy> {
      const [store, plan] = await Promise.all([
        db.store.findUnique({ where: { id: storeId } }),
        db.servicePlan.findUnique({ where: { model } }),
      ]);
      if (!store) throw ApplicationFailure.nonRetryable(`unknown store ${storeId}`, 'UnknownStore');
      const settings = resolveStoreSettings(store.settings);
      return {
        settings,
        intervalMonths: plan?.intervalMonths ?? settings.defaultIntervalMonths,
        intervalKm: plan?.intervalKm ?? settings.defaultIntervalKm,
        servicePlanId: plan?.id ?? null,
      };
    },

    /**
     * R1: records the computed due date on the vehicle, so lists and reports need no workflow query.
     * A revision > 1 is a recomputation after new mileage came in.
     */
    async scheduleCycle(ctx: StepContext, due: { dueDate: string; reason: string; avgDailyKm: number; policy: CyclePolicy; revision?: number }): Promise<null> {
      const step = due.revision && due.revision > 1 ? `schedule:r${due.revision}` : 'schedule';
      return auditedStep(db, ctx, { step, action: 'cycle.scheduled', rule: due.reason === 'first-service' ? 'R1b' : 'R1', actor: 'system', data: due as unknown as Record<string, unknown> }, async (tx) => {
        await tx.vehicle.update({ where: { vin: ctx.vin }, data: { nextDueDate: new Date(due.dueDate), cycle: ctx.cycle, avgDailyKm: due.avgDailyKm } });
        return null;
      });
    },

    /** A cycle that ends without a service (declined, never reached) is recorded, never just dropped. */
    async closeCycleWithoutService(ctx: StepContext, reason: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'closed-without-service', action: 'cycle.closed-without-service', rule: 'R3', actor: 'system', data: { reason } }, async () => null);
    },
  };
}

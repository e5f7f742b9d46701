import { ApplicationFailure } from '@temporalio/common';
import { cycleDueDate, DueDate } from '../domain/dueDate';
import { resolveStoreSettings, StoreSettings } from '../domain/storeSettings';
import type { Prisma } from '../generated/prisma/client';
import type { VehicleLifecycleInput } from '../workflows/lifecycle/contract';
import { auditedStep, StepRecord, Tx } from './auditedStep';
import { Db } from './database';
import { StepContext } from './stepContext';

export interface CyclePolicy {
  settings: StoreSettings;
  intervalMonths: number;
  intervalKm: number;
  servicePlanId: string | null;
  /**
   * The store's weekly opening hours and coming holidays: work for people falls due in them (none kept:
   * its contact hours). Absent in policies recorded before working hours counted.
   */
  workingHours?: { openingHours: { weekday: number; opensAt: string; closesAt: string }[]; holidays: string[] };
}

/** The due date of a cycle as R1 decided it, with what it was decided from. */
export interface ScheduledDue extends DueDate {
  avgDailyKm: number;
  policy: CyclePolicy;
  /** > 1: decided again after new mileage came in or store settings changed. */
  revision?: number;
}

/** A cycle opened: the policy it runs under and its due date (R1). */
export interface OpenedCycle {
  policy: CyclePolicy;
  due: DueDate & { avgDailyKm: number };
}

function registered(input: VehicleLifecycleInput): StepRecord {
  const { vehicle: v } = input;
  return { step: 'register', action: 'vehicle.registered', actor: input.registeredBy, data: { plate: v.plate, model: v.model, storeId: v.storeId } };
}

/**
 * Creates or refreshes the customer and vehicle records the workflow stands for. `policy`, when the caller
 * has just read it, already vouches for the store and names the model's plan.
 */
async function registerInTx(tx: Tx, ctx: StepContext, input: VehicleLifecycleInput, policy?: CyclePolicy): Promise<null> {
  const { customer: c } = input;
  const v = input.vehicle;
  if (!policy && !(await tx.store.findUnique({ where: { id: v.storeId }, select: { id: true } }))) throw unknownStore(v.storeId);
  const customer = await tx.customer.upsert({
    where: { storeId_phone: { storeId: v.storeId, phone: c.phone } },
    create: { storeId: v.storeId, name: c.name, phone: c.phone, email: c.email },
    update: { name: c.name, email: c.email },
  });
  const servicePlanId = policy ? policy.servicePlanId : ((await tx.servicePlan.findUnique({ where: { model: v.model }, select: { id: true } }))?.id ?? null);
  const fields = {
    plate: v.plate,
    model: v.model,
    storeId: v.storeId,
    customerId: customer.id,
    servicePlanId,
    salesConsultantId: v.salesConsultantId,
    advisorId: v.advisorId,
    // Absent on a refresh that does not know it (a later cycle's input of an older run): left as it is.
    salePriceCny: v.salePriceCny,
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
}

function unknownStore(storeId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`unknown store ${storeId}`, 'UnknownStore');
}

/** Store settings and the model's service interval, read at the start of each cycle (R1). */
async function cyclePolicy(db: Db, storeId: string, model: string): Promise<CyclePolicy> {
  const [store, plan, openingHours, holidays] = await Promise.all([
    db.store.findUnique({ where: { id: storeId } }),
    db.servicePlan.findUnique({ where: { model } }),
    db.storeOpeningHours.findMany({ where: { storeId }, orderBy: { weekday: 'asc' } }),
    db.storeHoliday.findMany({ where: { storeId }, orderBy: { date: 'asc' } }),
  ]);
  if (!store) throw unknownStore(storeId);
  const settings = resolveStoreSettings(store.settings);
  return {
    settings,
    intervalMonths: plan?.intervalMonths ?? settings.defaultIntervalMonths,
    intervalKm: plan?.intervalKm ?? settings.defaultIntervalKm,
    servicePlanId: plan?.id ?? null,
    workingHours: {
      openingHours: openingHours.map((h) => ({ weekday: h.weekday, opensAt: h.opensAt, closesAt: h.closesAt })),
      holidays: holidays.map((h) => h.date.toISOString().slice(0, 10)),
    },
  };
}

function scheduled(due: ScheduledDue): StepRecord {
  const step = due.revision && due.revision > 1 ? `schedule:r${due.revision}` : 'schedule';
  return { step, action: 'cycle.scheduled', rule: due.reason === 'first-service' ? 'R1b' : 'R1', actor: 'system', data: due as unknown as Record<string, unknown> };
}

/** R1: the computed due date on the vehicle, so lists and reports need no workflow query. */
async function recordDueDate(tx: Tx, ctx: StepContext, due: ScheduledDue): Promise<null> {
  await tx.vehicle.update({ where: { vin: ctx.vin }, data: { nextDueDate: new Date(due.dueDate), cycle: ctx.cycle, avgDailyKm: due.avgDailyKm } });
  return null;
}

function openedBy({ policy, dueDate, reason, avgDailyKm }: ScheduledDue): OpenedCycle {
  return { policy, due: { dueDate, reason, avgDailyKm } };
}

export function registrationActivities(db: Db) {
  return {
    async registerVehicle(ctx: StepContext, input: VehicleLifecycleInput): Promise<null> {
      return auditedStep(db, ctx, registered(input), (tx) => registerInTx(tx, ctx, input));
    },

    /** The store's settings, read when a decision needs them (e.g. a ticket's answer hours). */
    async loadStoreSettings(storeId: string): Promise<StoreSettings> {
      const store = await db.store.findUnique({ where: { id: storeId } });
      if (!store) throw unknownStore(storeId);
      return resolveStoreSettings(store.settings);
    },

    async loadCyclePolicy(storeId: string, model: string): Promise<CyclePolicy> {
      return cyclePolicy(db, storeId, model);
    },

    /** R1, decided by the workflow; a revision > 1 is a recomputation after new mileage came in. */
    async scheduleCycle(ctx: StepContext, due: ScheduledDue): Promise<null> {
      return auditedStep(db, ctx, scheduled(due), (tx) => recordDueDate(tx, ctx, due));
    },

    /**
     * A cycle's start in one step: registers the vehicle when asked (its first cycle), reads the policy,
     * decides the due date (R1 / R1b) and records it. The audit trail is that of the three separate
     * steps. A retry answers with what the first attempt recorded.
     */
    async openCycle(ctx: StepContext, input: VehicleLifecycleInput, register: boolean): Promise<OpenedCycle> {
      const { vehicle: v, history } = input;
      const policy = await cyclePolicy(db, v.storeId, v.model);
      const { avgDailyKm, ...dueDate } = cycleDueDate({
        ...history,
        deliveryDate: v.deliveryDate,
        mileageKm: v.mileageKm,
        mileageRecordedOn: v.mileageRecordedOn,
        intervalMonths: policy.intervalMonths,
        intervalKm: policy.intervalKm,
        newCarDailyKm: policy.settings.newCarDailyKm,
        firstServiceWithinMonths: policy.settings.firstServiceWithinMonths,
      });
      const due: ScheduledDue = { ...dueDate, avgDailyKm, policy };
      const opened = await auditedStep(db, ctx, scheduled(due), async (tx, alsoAudited) => {
        if (register) alsoAudited(registered(input), await registerInTx(tx, ctx, input, policy));
        await recordDueDate(tx, ctx, due);
        return openedBy(due) as unknown as Prisma.InputJsonObject;
      });
      return opened as unknown as OpenedCycle;
    },

    /** A cycle that ends without a service (declined, never reached) is recorded, never just dropped. */
    async closeCycleWithoutService(ctx: StepContext, reason: string): Promise<null> {
      return auditedStep(db, ctx, { step: 'closed-without-service', action: 'cycle.closed-without-service', rule: 'R3', actor: 'system', data: { reason } }, async () => null);
    },
  };
}

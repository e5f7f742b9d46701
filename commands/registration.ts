// What registering a vehicle starts: its lifecycle, then its care contacts. The command, and the start
// options it shares with the demo seed and the benchmark that compares the API with the raw client.
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowStartOptions } from '@temporalio/client';
import type { z } from 'zod';
import { localDate } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { careWorkflowId, CustomerCareInput } from '../workflows/care/contract';
import { LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, SA_ADVISOR, SA_PLATE, SA_STAGE, SA_STORE, SA_VIN, ServiceHistory, VehicleLifecycleInput } from '../workflows/lifecycle/contract';
import { inStore } from '../api/auth/principal';
import { HttpError } from '../api/httpError';
import { CommandContext, defineCommand } from './command';
import { registerVehicleSchema } from './schemas';

export type Registration = z.infer<typeof registerVehicleSchema>;

/**
 * The lifecycle's start options. A new vehicle begins at cycle 1; a reopened one at a cycle after every
 * cycle its closed runs used (`history`), so the new run's idempotency keys (workflow, cycle, step) never
 * meet the old runs' and each of its steps is really done.
 */
export function lifecycleStart(body: Registration, actor: string, at: Date, history?: ServiceHistory): WorkflowStartOptions & { workflowId: string } {
  const vehicle: VehicleLifecycleInput['vehicle'] = {
    vin: body.vin,
    plate: body.plate,
    model: body.model,
    storeId: body.storeId,
    deliveryDate: body.deliveryDate,
    mileageKm: body.mileageKm,
    mileageRecordedOn: body.mileageRecordedOn ?? localDate(at.getTime(), DEFAULT_STORE_SETTINGS.utcOffsetMinutes),
    advisorId: body.advisorId,
    salesConsultantId: body.salesConsultantId,
    salePriceCny: body.salePriceCny,
  };
  const input: VehicleLifecycleInput = {
    vehicle,
    customer: body.customer,
    history: history ?? { cycle: 1, lastServiceDate: body.lastService?.date, lastServiceKm: body.lastService?.mileageKm },
    registeredBy: actor,
    firstContactOn: body.firstContactOn,
  };
  return {
    taskQueue: LIFECYCLE_TASK_QUEUE,
    workflowId: lifecycleWorkflowId(body.vin),
    args: [input],
    typedSearchAttributes: [
      { key: SA_STAGE, value: 'REGISTERING' },
      { key: SA_VIN, value: body.vin },
      { key: SA_PLATE, value: body.plate },
      { key: SA_STORE, value: body.storeId },
      ...(body.advisorId ? [{ key: SA_ADVISOR, value: body.advisorId }] : []),
    ],
  };
}

export function careStart(body: Registration): WorkflowStartOptions & { workflowId: string } {
  const input: CustomerCareInput = {
    vin: body.vin,
    storeId: body.storeId,
    plate: body.plate,
    deliveryDate: body.deliveryDate,
    newCar: body.newCar,
    secondaryDealer: body.secondaryDealer,
    customer: body.customer,
    inspectionDate: body.inspectionDate,
    insuranceRenewalDate: body.insuranceRenewalDate,
    salesConsultantId: body.salesConsultantId,
  };
  return { taskQueue: LIFECYCLE_TASK_QUEUE, workflowId: careWorkflowId(body.vin), args: [input] };
}

/** Care contacts (R20–R22) start after the lifecycle, whose first step writes the vehicle they refer to. */
export async function startRegistration(client: Client, body: Registration, actor: string, at: Date): Promise<void> {
  await client.workflow.start('vehicleLifecycle', lifecycleStart(body, actor, at));
  await client.workflow.start('customerCare', careStart(body));
}

/** Starting is idempotent per workflow id: one that already runs is the one we want. */
async function startIfAbsent(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export interface RegistrationResult {
  vin: string;
  workflowId: string;
  careWorkflowId: string;
  created: boolean;
  /** The vehicle's closed lifecycle was started again (`reopen: true`). */
  reopened?: boolean;
}

/** The same answer whether that store's lifecycle runs or was closed: it names no store and no customer. */
export const REGISTERED_ELSEWHERE = 'this VIN is already registered; a manager can transfer it between stores';
export const CLOSED_NEEDS_REOPEN = "the vehicle's lifecycle was closed; register it again with reopen: true to reopen it";

const CLOSED_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'];

/** The store of the VIN's lifecycle while it runs; undefined when there is none or it has closed. */
export async function runningLifecycleStore(client: Client, vin: string): Promise<{ storeId: string | undefined } | undefined> {
  try {
    const description = await client.workflow.getHandle(lifecycleWorkflowId(vin)).describe();
    if (CLOSED_STATUSES.includes(description.status.name)) return undefined;
    return { storeId: description.typedSearchAttributes.get(SA_STORE) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === 'P2002';
const isNotFound = (err: unknown) => (err as { code?: unknown } | null)?.code === 'P2025';
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : undefined);

interface ClosedVehicle {
  cycle: number;
  lastServiceDate: Date | null;
  lastServiceKm: number | null;
}

/**
 * Starts a closed lifecycle again, at a cycle after every cycle recorded for the VIN. The records are
 * brought to what the person registered (the new run does not register at cycle > 1, and its messages
 * go to the customer the records name) and the reopening is audited, in one transaction before the
 * start. A reopening of this store whose start failed (its audit event is the vehicle's newest) is
 * retried at the same cycle, under the same audit event.
 */
async function reopenLifecycle(ctx: CommandContext, body: Registration, row: ClosedVehicle): Promise<{ started: boolean }> {
  const { db } = ctx;
  const workflowId = lifecycleWorkflowId(body.vin);
  const recorded = await db.auditEvent.aggregate({ where: { vin: body.vin }, _max: { cycle: true } });
  const newest = await db.auditEvent.findFirst({ where: { vin: body.vin }, orderBy: { id: 'desc' }, select: { action: true, cycle: true, data: true } });
  const latest = Math.max(row.cycle, recorded._max.cycle ?? 0);
  const unstarted = newest?.action === 'lifecycle.reopened' && newest.cycle === latest && latest > row.cycle && (newest.data as { storeId?: unknown } | null)?.storeId === body.storeId;
  const cycle = unstarted ? latest : latest + 1;
  const lastServiceDate = day(row.lastServiceDate) ?? body.lastService?.date;
  const lastServiceKm = row.lastServiceKm ?? body.lastService?.mileageKm;
  const idempotencyKey = `${workflowId}:${cycle}:reopened`;
  try {
    await db.$transaction(async (tx) => {
      const c = body.customer;
      const customer = await tx.customer.upsert({
        where: { storeId_phone: { storeId: body.storeId, phone: c.phone } },
        create: { storeId: body.storeId, name: c.name, phone: c.phone, email: c.email },
        update: { name: c.name, email: c.email },
      });
      const plan = await tx.servicePlan.findUnique({ where: { model: body.model }, select: { id: true } });
      const before = await tx.vehicle.findUnique({ where: { vin: body.vin }, select: { customerId: true } });
      // Still this store's: a transfer that got in first leaves nothing to reopen here.
      await tx.vehicle.update({
        where: { vin: body.vin, storeId: body.storeId },
        data: {
          plate: body.plate,
          model: body.model,
          customerId: customer.id,
          servicePlanId: plan?.id ?? null,
          advisorId: body.advisorId,
          salesConsultantId: body.salesConsultantId,
          deliveryDate: new Date(body.deliveryDate),
          mileageKm: body.mileageKm,
          mileageRecordedAt: new Date(body.mileageRecordedOn ?? localDate(ctx.at.getTime(), DEFAULT_STORE_SETTINGS.utcOffsetMinutes)),
          lastServiceDate: lastServiceDate ? new Date(lastServiceDate) : null,
          lastServiceKm: lastServiceKm ?? null,
        },
      });
      if (unstarted) return;
      await tx.auditEvent.create({
        data: {
          idempotencyKey,
          vin: body.vin,
          workflowId,
          runId: 'api',
          cycle,
          action: 'lifecycle.reopened',
          actor: ctx.principal.id,
          occurredAt: ctx.at,
          data: {
            workflowId,
            storeId: body.storeId,
            closedCycle: latest,
            cycle,
            plate: body.plate,
            customerId: customer.id,
            ...(before && before.customerId !== customer.id ? { previousCustomerId: before.customerId } : {}),
          },
        },
      });
    });
  } catch (err) {
    if (isNotFound(err)) throw new HttpError(409, REGISTERED_ELSEWHERE);
    // Someone reopened it at the same moment: their start or ours wins, the other finds it running.
    if (!isUniqueViolation(err)) throw err;
  }
  try {
    await ctx.client.workflow.start('vehicleLifecycle', {
      ...lifecycleStart(body, ctx.principal.id, ctx.at, { cycle, lastServiceDate, lastServiceKm }),
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return { started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { started: false };
  }
}

/**
 * Where a VIN stands for a registration into `storeId`: its vehicle row, and whether its lifecycle runs.
 * A VIN of another store, running or closed, is refused (409) with a reason that names no store; the
 * importer's dry run asks the same question of every row.
 */
export async function vinStanding(deps: Pick<CommandContext, 'db' | 'client'>, vin: string, storeId: string): Promise<{ row: (ClosedVehicle & { storeId: string }) | null; running: boolean }> {
  const [row, running] = await Promise.all([
    deps.db.vehicle.findUnique({ where: { vin }, select: { storeId: true, cycle: true, lastServiceDate: true, lastServiceKm: true } }),
    runningLifecycleStore(deps.client, vin),
  ]);
  if ((row && row.storeId !== storeId) || (running && running.storeId !== storeId)) throw new HttpError(409, REGISTERED_ELSEWHERE);
  return { row, running: running !== undefined };
}

/**
 * Register a vehicle of the person's own store: its lifecycle, then its care contacts. A VIN belongs to
 * one store: another store's, running or closed, is refused alike (a manager transfers it); a running one
 * of this store is the one we want (idempotent); a closed one of this store starts again only when asked
 * to (`reopen: true`).
 */
export const registerVehicleCommand = defineCommand<typeof registerVehicleSchema, RegistrationResult, Record<string, never>>({
  name: 'vehicle.register',
  action: 'vehicle.register',
  schema: registerVehicleSchema,
  async run(ctx, _none, body) {
    if (!(await ctx.storeExists(body.storeId))) throw new HttpError(422, `unknown store ${body.storeId}`);
    if (!inStore(ctx.principal, body.storeId)) throw new HttpError(403, `you may register vehicles of your own store only`);
    const ids = { vin: body.vin, workflowId: lifecycleWorkflowId(body.vin), careWorkflowId: careWorkflowId(body.vin) };
    const startCare = () => startIfAbsent(() => ctx.client.workflow.start('customerCare', careStart(body)));
    const { row, running } = await vinStanding(ctx, body.vin, body.storeId);
    if (running) {
      // Registering twice is harmless: the running lifecycle stays the one truth for this VIN.
      await startCare();
      return { ...ids, created: false };
    }
    if (row) {
      if (!body.reopen) throw new HttpError(409, CLOSED_NEEDS_REOPEN);
      const { started } = await reopenLifecycle(ctx, body, row);
      await startCare();
      return started ? { ...ids, created: true, reopened: true } : { ...ids, created: false };
    }
    try {
      await ctx.client.workflow.start('vehicleLifecycle', lifecycleStart(body, ctx.principal.id, ctx.at));
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Started a moment ago by someone else: theirs stands, and it may be another store's.
      if ((await runningLifecycleStore(ctx.client, body.vin))?.storeId !== body.storeId) throw new HttpError(409, REGISTERED_ELSEWHERE);
      await startCare();
      return { ...ids, created: false };
    }
    await startCare();
    return { ...ids, created: true };
  },
});

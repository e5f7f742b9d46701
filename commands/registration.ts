// What registering a vehicle starts: its lifecycle, then its care contacts. The command, and the start
// options it shares with the demo seed and the benchmark that compares the API with the raw client.
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowStartOptions } from '@temporalio/client';
import type { z } from 'zod';
import { localDate } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { careWorkflowId, CustomerCareInput } from '../workflows/careDefinitions';
import { LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, SA_ADVISOR, SA_PLATE, SA_STAGE, SA_STORE, SA_VIN, VehicleLifecycleInput } from '../workflows/definitions';
import { inStore } from '../api/auth/principal';
import { HttpError } from '../api/httpError';
import { defineCommand } from './command';
import { registerVehicleSchema } from './schemas';

export type Registration = z.infer<typeof registerVehicleSchema>;

export function lifecycleStart(body: Registration, actor: string, at: Date): WorkflowStartOptions & { workflowId: string } {
  const input: VehicleLifecycleInput = {
    vehicle: {
      vin: body.vin,
      plate: body.plate,
      model: body.model,
      storeId: body.storeId,
      deliveryDate: body.deliveryDate,
      mileageKm: body.mileageKm,
      mileageRecordedOn: body.mileageRecordedOn ?? localDate(at.getTime(), DEFAULT_STORE_SETTINGS.utcOffsetMinutes),
      advisorId: body.advisorId,
      salesConsultantId: body.salesConsultantId,
    },
    customer: body.customer,
    history: { cycle: 1, lastServiceDate: body.lastService?.date, lastServiceKm: body.lastService?.mileageKm },
    registeredBy: actor,
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
}

/** Register a vehicle of the person's own store: its lifecycle, then its care contacts. */
export const registerVehicleCommand = defineCommand<typeof registerVehicleSchema, RegistrationResult, Record<string, never>>({
  name: 'vehicle.register',
  action: 'vehicle.register',
  schema: registerVehicleSchema,
  async run(ctx, _none, body) {
    if (!(await ctx.storeExists(body.storeId))) throw new HttpError(422, `unknown store ${body.storeId}`);
    if (!inStore(ctx.principal, body.storeId)) throw new HttpError(403, `you may register vehicles of your own store only`);
    const ids = { vin: body.vin, workflowId: lifecycleWorkflowId(body.vin), careWorkflowId: careWorkflowId(body.vin) };
    try {
      await ctx.client.workflow.start('vehicleLifecycle', lifecycleStart(body, ctx.principal.id, ctx.at));
      await startIfAbsent(() => ctx.client.workflow.start('customerCare', careStart(body)));
      return { ...ids, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Registering twice is harmless: the running lifecycle stays the one truth for this VIN.
      await startIfAbsent(() => ctx.client.workflow.start('customerCare', careStart(body)));
      return { ...ids, created: false };
    }
  },
});

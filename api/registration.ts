// What registering a vehicle starts: its lifecycle, then its care contacts. Shared by the API and the
// benchmark that compares the API with starting the same workflows on the raw client.
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { z } from 'zod';
import { localDate } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { careWorkflowId, CustomerCareInput } from '../workflows/careDefinitions';
import { LIFECYCLE_TASK_QUEUE, lifecycleWorkflowId, SA_ADVISOR, SA_PLATE, SA_STAGE, SA_STORE, SA_VIN, VehicleLifecycleInput } from '../workflows/definitions';
import type { registerVehicleSchema } from './schemas';

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

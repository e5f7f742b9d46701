// Synthetic vehicles for the benchmark, and the two ways of starting their lifecycles.
import { benchAuthorization } from './signIn';
import type { Client } from '@temporalio/client';
import { startRegistration } from '../commands/registration';
import { registerVehicleSchema } from '../commands/schemas';
import { addDays, addMonths, localDate } from '../domain/calendar';
import { DEFAULT_STORE_SETTINGS } from '../domain/storeSettings';
import { DEMO_STORE_ID } from '../runtime/demoStore';

export const REGISTERED_BY = 'sa-li';

/** The body of POST /api/vehicles (api/schemas.ts registerVehicleSchema). */
export interface RegisterBody {
  vin: string;
  plate: string;
  model: string;
  storeId: string;
  deliveryDate: string;
  mileageKm: number;
  mileageRecordedOn?: string;
  advisorId?: string;
  customer: { name: string; phone: string; email?: string };
  lastService?: { date: string; mileageKm: number };
  newCar?: boolean;
}

/** Which stage a new lifecycle should come to rest at. */
export type Timing = 'due-later' | 'due-now';

const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
let serial = 0;

/**
 * One run-wide serial keeps every VIN, plate and phone distinct, so no two requests ever meet on
 * the same workflow id or customer row. `kind` is one letter that tags the VIN for a human reader.
 */
export function newVehicle(kind: 'R' | 'A' | 'C' | 'W', timing: Timing): RegisterBody {
  const n = ++serial;
  const vin = `BENCH${kind}${String(n).padStart(11, '0')}`;
  if (!VIN.test(vin)) throw new Error(`generated an invalid VIN ${vin}`);
  const today = localDate(Date.now(), DEFAULT_STORE_SETTINGS.utcOffsetMinutes);
  return {
    vin,
    plate: `苏B${String(n).padStart(5, '0')}`,
    model: 'Lavida',
    storeId: DEMO_STORE_ID,
    ...deliveryFor(timing, today),
    advisorId: REGISTERED_BY,
    customer: { name: `Bench ${n}`, phone: `139${String(n).padStart(8, '0')}` },
  };
}

/**
 * 'due-later': delivered 10 days ago, so the first service (R1b, 3 months) is ~80 days away and the
 * lifecycle parks at WAITING_FOR_REMINDER after its registration activities.
 * 'due-now': delivered 3 months ago and never serviced, so the first service is due today, the R2
 * reminder and R3 call times are already past, and the lifecycle runs straight to AWAITING_CALL_OUTCOME.
 */
function deliveryFor(timing: Timing, today: string): Pick<RegisterBody, 'deliveryDate' | 'mileageKm' | 'mileageRecordedOn'> {
  if (timing === 'due-later') return { deliveryDate: addDays(today, -10), mileageKm: 400, mileageRecordedOn: today };
  return { deliveryDate: addMonths(today, -3), mileageKm: 3000, mileageRecordedOn: today };
}

/** Workflows one registration starts, through the API or raw. */
export const WORKFLOWS_PER_REGISTRATION = 2;

/**
 * The two workflows POST /api/vehicles starts (api/app.ts): the lifecycle, then customer care, with
 * the inputs and search attributes the handler builds, so the raw path asks the Temporal server for
 * exactly the same work. Keep in step with that handler.
 */
export async function startLikeApi(client: Client, body: RegisterBody, actor: string): Promise<void> {
  await startRegistration(client, registerVehicleSchema.parse(body), actor, new Date());
}

/** Registers through the HTTP API, as a front desk would. */
export async function registerViaApi(apiUrl: string, body: RegisterBody): Promise<void> {
  const res = await fetch(`${apiUrl}/api/vehicles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await benchAuthorization(apiUrl, REGISTERED_BY) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /api/vehicles ${body.vin}: ${res.status} ${text}`);
}

/** Starts the same workflows straight on the Temporal client, skipping HTTP, validation and the store lookup. */
export function startRaw(client: Client, body: RegisterBody): Promise<void> {
  return startLikeApi(client, body, REGISTERED_BY);
}

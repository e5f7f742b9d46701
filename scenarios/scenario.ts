// The scenario file: vehicles and what the customer and staff do at each step. Validated before a run.
import { z } from 'zod';

/**
 * A time in a script: an ISO instant, `now+4h` / `now+3d` / `now+30m` (simulated clock), or
 * `due-1d@10:00` / `booked+0d@17:00` / `now+5d@10:00` (store-local wall time on a day relative to the due
 * date, the booked day or the store's today). A booked time must fall in the store's hours, as at the
 * store's doors, so a script books at a wall time rather than `now+5d` (whose hour is the hour it runs).
 */
export const timeExpression = z.string();

export const scriptStepSchema = z.strictObject({
  /** Wait until the vehicle is at this stage (simulated time runs through every timer on the way). */
  at: z.string().regex(/^[A-Z_]+$/),
  /** Then let this much simulated time pass first: `2h`, `3d`, or `booked` (until the booked arrival). */
  wait: z.string().optional(),
  /** The Update a person sends, by its workflow name (recordCallOutcome, confirmBooking, …). */
  send: z.string(),
  input: z.record(z.string(), z.unknown()).default({}),
  actor: z.string().default('scenario'),
  /** Send to the vehicle's service-failure ticket instead of its lifecycle. */
  toTicket: z.boolean().default(false),
});

export const scenarioVehicleSchema = z.strictObject({
  vin: z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/),
  plate: z.string().default('苏F00000'),
  model: z.string().default('Lavida'),
  /** Months since delivery, and since the last service (omit for a car never serviced: R1b). */
  deliveredMonthsAgo: z.number().int().min(0).default(12),
  lastServiceMonthsAgo: z.number().int().min(0).optional(),
  mileageKm: z.number().int().min(0).default(10000),
  lastServiceKm: z.number().int().min(0).optional(),
  intervalMonths: z.number().int().min(1).default(6),
  intervalKm: z.number().int().min(1000).default(7500),
  customer: z.strictObject({ name: z.string(), phone: z.string(), email: z.string().optional() }).default({ name: '测试客户', phone: '13800000000' }),
  script: z.array(scriptStepSchema),
  /** After the script, let simulated time run on until this stage (default: the next cycle's reminder wait). */
  until: z.string().regex(/^[A-Z_]+$/).default('WAITING_FOR_REMINDER'),
});

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** Store settings to rehearse (any key of the store settings; see domain/storeSettings.ts). */
  storeSettings: z.record(z.string(), z.unknown()).default({}),
  vehicles: z.array(scenarioVehicleSchema).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioVehicle = z.infer<typeof scenarioVehicleSchema>;
export type ScriptStep = z.infer<typeof scriptStepSchema>;

// The scenario file: vehicles and what the customer and staff do at each step. Validated before a run.
import { z } from 'zod';

/**
 * A time in a script: an ISO instant, `now+4h` / `now+3d` / `now+30m` (simulated clock), or
 * `due-1d@10:00` / `booked+0d@17:00` / `now+5d@10:00` (store-local wall time on a day relative to the due
 * date, the booked day or the store's today). A booked time must fall in the store's hours, as at the
 * store's doors, so a script books at a wall time rather than `now+5d` (whose hour is the hour it runs).
 */
export const timeExpression = z.string();

/** A bound on simulated time: `30d`, `12h`, `90m`. */
const duration = z.string().regex(/^\d+(?:\.\d+)?[mhd]$/, 'a duration such as 30d, 12h or 90m');

export const lifecycleStepSchema = z.strictObject({
  /** Wait until the vehicle is at this stage (simulated time runs through every timer on the way). */
  at: z.string().regex(/^[A-Z_]+$/),
  /** Give up waiting for the stage after this much simulated time (default: the scenario's `within`). */
  within: duration.optional(),
  /** Then let this much simulated time pass first: `2h`, `3d`, or `booked` (until the booked arrival). */
  wait: z.string().optional(),
  /** The Update a person sends, by its workflow name (recordCallOutcome, confirmBooking, …). */
  send: z.string(),
  input: z.record(z.string(), z.unknown()).default({}),
  actor: z.string().default('scenario'),
  /** Send to the vehicle's service-failure ticket instead of its lifecycle. */
  toTicket: z.boolean().default(false),
});

const CARE_CALLS = ['NEW_CAR_7DC', 'USAGE_FOLLOW_UP', 'FIRST_SERVICE_CONFIRMATION', 'FIRST_SERVICE_FOLLOW_UP', 'MONTHLY_CALLBACK', 'MANAGEMENT_CALLBACK', 'YEARLY_CALLBACK'] as const;
const CARE_MESSAGES = ['BIRTHDAY_GREETING', 'HOLIDAY_GREETING', 'INSPECTION_REMINDER', 'INSURANCE_REMINDER'] as const;

/**
 * A step of the vehicle's care (R20–R22). For a call: wait until its task is open and the outcome owed,
 * then record the outcome (`outcome`), as the care-call door does; without `outcome` the call only has to
 * come due. For a message: wait until care has sent it.
 */
export const careStepSchema = z.strictObject({
  care: z.enum([...CARE_CALLS, ...CARE_MESSAGES]),
  within: duration.optional(),
  /** Then let this much simulated time pass first. */
  wait: duration.optional(),
  outcome: z.string().optional(),
  actor: z.string().default('scenario'),
});

export const scriptStepSchema = z.union([lifecycleStepSchema, careStepSchema]);

/** The vehicle's care facts: present, the care workflow runs beside the lifecycle. Dates count from the run's day. */
export const scenarioCareSchema = z.strictObject({
  newCar: z.boolean().default(true),
  secondaryDealer: z.boolean().optional(),
  /** 'MM-DD'. */
  birthday: z.string().regex(/^\d{2}-\d{2}$/).optional(),
  inspectionInDays: z.number().int().min(0).optional(),
  insuranceRenewalInDays: z.number().int().min(0).optional(),
  salesConsultantId: z.string().optional(),
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
  care: scenarioCareSchema.optional(),
  script: z.array(scriptStepSchema),
  /** After the script, let simulated time run on until this stage (default: the next cycle's reminder wait). */
  until: z.string().regex(/^[A-Z_]+$/).default('WAITING_FOR_REMINDER'),
});

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** Store settings to rehearse (any key of the store settings; see domain/storeSettings.ts). */
  storeSettings: z.record(z.string(), z.unknown()).default({}),
  /**
   * How much simulated time a step may wait for its stage or contact before the rehearsal reports it stuck
   * (a step's own `within` overrides it); the closing `until` gets the same bound.
   */
  within: duration.default('400d'),
  vehicles: z.array(scenarioVehicleSchema).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioVehicle = z.infer<typeof scenarioVehicleSchema>;
export type ScriptStep = z.infer<typeof scriptStepSchema>;
export type LifecycleStep = z.infer<typeof lifecycleStepSchema>;
export type CareStep = z.infer<typeof careStepSchema>;
export type ScenarioCare = z.infer<typeof scenarioCareSchema>;

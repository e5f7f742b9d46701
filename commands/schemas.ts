// The input of every command, one schema each, all with the same hygiene (./input.ts). The workflow
// validators re-check what depends on the vehicle's state.
import { z } from 'zod';
import { isMonthDay } from '../domain/careSchedule';
import { FUEL_LEVELS, MAX_PROMISE_MARGIN_MINUTES, PARTS_SOURCES, PRICE_METHODS } from '../workflows/lifecycle/contract';
import { calendarDate, instant, text } from './input';

const km = z.number().int().min(0).max(2_000_000);
const cny = z.number().min(0).max(10_000_000);
const staffId = text({ max: 64 });
const note = text({ max: 500, multiline: true });
const phone = (field: string) => z.string().trim().regex(/^\+?[0-9 -]{6,20}$/, `${field} must be digits, spaces or dashes`);

/** VIN: 17 characters, letters I, O and Q never used (ISO 3779). */
export const vinSchema = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'VIN must be 17 letters/digits without I, O or Q'));

export const registerVehicleSchema = z.strictObject({
  vin: vinSchema,
  plate: text({ min: 2, max: 16 }),
  model: text({ max: 64 }),
  storeId: text({ max: 64 }),
  deliveryDate: calendarDate,
  mileageKm: km,
  mileageRecordedOn: calendarDate.optional(),
  advisorId: staffId.optional(),
  salesConsultantId: staffId.optional(),
  /** R23: what the car was sold for, kept in its sales file. */
  salePriceCny: cny.optional(),
  customer: z.strictObject({
    name: text({ max: 64 }),
    phone: phone('phone'),
    email: z.email().optional(),
    birthday: z.string().refine(isMonthDay, 'birthday must be MM-DD').optional(),
  }),
  lastService: z.strictObject({ date: calendarDate, mileageKm: km }).optional(),
  /** Sold new by this store (R20 7DC, R22 first three services); a car bought elsewhere gets only R21 care. */
  newCar: z.boolean().default(false),
  secondaryDealer: z.boolean().optional(),
  inspectionDate: calendarDate.optional(),
  insuranceRenewalDate: calendarDate.optional(),
  /** The first reminder and call not before this day (an import spreads the cars already overdue over days). */
  firstContactOn: calendarDate.optional(),
  /** Reopens the vehicle's closed lifecycle (a manager's CLOSE); read by the command, never passed to the workflow. */
  reopen: z.boolean().optional(),
});

/**
 * R12: what the reception sheet records, for a booked arrival and a walk-in alike; the workflow's
 * validator checks the margin and the hand-over against the time of the check-in.
 */
const receptionSheet = {
  mileageKm: km,
  promisedReadyAt: instant,
  promiseMarginMinutes: z.number().int().min(0).max(MAX_PROMISE_MARGIN_MINUTES).optional(),
  fuelLevel: z.enum(FUEL_LEVELS).optional(),
  walkAroundFindings: text({ max: 2000, multiline: true }).optional(),
  itemsLeftInCar: note.optional(),
  keyTag: text({ max: 16 }).optional(),
  priceMethod: z.enum(PRICE_METHODS).optional(),
  partsSource: z.enum(PARTS_SOURCES).optional(),
  handedOverAt: instant.optional(),
};

export const stepSchemas = {
  callOutcome: z.strictObject({
    outcome: z.enum(['BOOKED', 'UNDECIDED', 'DECLINED', 'UNREACHABLE']),
    bookedFor: instant.optional(),
    mileageKm: km.optional(),
    requests: note.optional(),
    note: note.optional(),
  }),
  inboundBooking: z.strictObject({
    channel: z.enum(['PHONE', 'WEB', 'APP', 'COUNTER']),
    bookedFor: instant,
    faultDescription: text({ min: 2, max: 1000, multiline: true }),
    contactPhone: phone('contactPhone'),
    mileageKm: km.optional(),
    requests: note.optional(),
  }),
  partsDeposit: z.strictObject({ amountCny: cny, note: note.optional() }),
  preparationComplete: z.strictObject({ bayId: text({ max: 64 }).optional(), technicianId: staffId.optional() }),
  confirmation: z.strictObject({
    outcome: z.enum(['CONFIRMED', 'RESCHEDULE', 'CANCEL']).optional(),
    newBookedFor: instant.optional(),
    reason: note.optional(),
    note: note.optional(),
  }),
  staffAssignment: z.strictObject({ advisorId: staffId, advisorName: text({ max: 64 }), technicianId: staffId, technicianName: text({ max: 64 }) }),
  checkIn: z.strictObject(receptionSheet),
  walkIn: z.strictObject({ ...receptionSheet, complaint: text({ max: 1000, multiline: true }).optional() }),
  correction: z.strictObject({ action: z.enum(['CLOSE', 'BACK_TO_CONFIRMATION']), reason: text({ min: 2, max: 500, multiline: true }) }),
  progressCheck: z.strictObject({ onTime: z.boolean(), newPromisedReadyAt: instant.optional(), note: note.optional() }),
  additionalWork: z.strictObject({
    items: z
      .array(z.strictObject({ description: text({ max: 200 }), priceCny: cny, laborHours: z.number().min(0).max(200).optional(), safety: z.boolean().optional() }))
      .min(1)
      .max(50),
    extraHours: z.number().min(0).max(720),
  }),
  additionalWorkDecision: z.strictObject({ approved: z.boolean(), note: note.optional() }),
  delivery: z.strictObject({ amountDueCny: cny, amountPaidCny: cny }),
  followUp: z
    .strictObject({
      attitudeScore: z.number().int().min(0).max(10),
      qualityScore: z.number().int().min(0).max(10),
      comment: text({ max: 1000, multiline: true }).optional(),
      failureGrade: z.enum(['A', 'B', 'C', 'D']).optional(),
      qualityLossCny: cny.optional(),
      /** R24: what happened in the quality incident, for the leadership who read its page. */
      qualityIncident: text({ min: 2, max: 2000, multiline: true }).optional(),
    })
    // R24: a loss alone tells leadership nothing they can act on.
    .refine((i) => !i.qualityLossCny || i.qualityIncident !== undefined, { path: ['qualityIncident'], message: 'a quality loss needs what happened (R24)' }),
  salesCall: z.strictObject({ realReason: text({ min: 2, max: 1000, multiline: true }) }),
};

export const listWorkflowsSchema = z.strictObject({
  stage: z.string().regex(/^[A-Z_]+$/).optional(),
  store: text({ max: 64 }).optional(),
  advisor: text({ max: 64 }).optional(),
  /** true: only lifecycles whose next deadline has passed. */
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Service-failure tickets are addressed by their workflow id, e.g. failure-LSVAU2180N2183294-c3. */
export const ticketIdSchema = z.string().regex(/^failure-[A-HJ-NPR-Z0-9]{17}-c[0-9]{1,4}$/, 'not a service-failure ticket id');
export const ticketAnswerSchema = z.strictObject({ answer: text({ min: 2, max: 2000, multiline: true }) });

export const careCallSchema = z.strictObject({ contact: z.enum(['NEW_CAR_7DC', 'USAGE_FOLLOW_UP', 'FIRST_SERVICE_CONFIRMATION', 'FIRST_SERVICE_FOLLOW_UP', 'MONTHLY_CALLBACK', 'MANAGEMENT_CALLBACK', 'YEARLY_CALLBACK']), outcome: text({ min: 2, max: 1000, multiline: true }) });

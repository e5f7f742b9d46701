// Request shapes the API accepts. The workflow validators re-check what depends on the vehicle's state.
import { z } from 'zod';
import { isCalendarDate } from '../domain/calendar';
import { isMonthDay } from '../domain/careSchedule';

const calendarDate = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const instant = z.iso.datetime({ offset: true });
const km = z.number().int().min(0).max(2_000_000);
const cny = z.number().min(0).max(10_000_000);
const staffId = z.string().trim().min(1).max(64);

/** VIN: 17 characters, letters I, O and Q never used (ISO 3779). */
export const vinSchema = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'VIN must be 17 letters/digits without I, O or Q'));

export const registerVehicleSchema = z.strictObject({
  vin: vinSchema,
  plate: z.string().trim().min(2).max(16),
  model: z.string().trim().min(1).max(64),
  storeId: z.string().trim().min(1).max(64),
  deliveryDate: calendarDate,
  mileageKm: km,
  mileageRecordedOn: calendarDate.optional(),
  advisorId: staffId.optional(),
  salesConsultantId: staffId.optional(),
  customer: z.strictObject({
    name: z.string().trim().min(1).max(64),
    phone: z.string().trim().regex(/^\+?[0-9 -]{6,20}$/, 'phone must be digits, spaces or dashes'),
    email: z.email().optional(),
    birthday: z.string().refine(isMonthDay, 'birthday must be MM-DD').optional(),
  }),
  lastService: z.strictObject({ date: calendarDate, mileageKm: km }).optional(),
  /** Sold new by this store (R20 7DC, R22 first three services); a car bought elsewhere gets only R21 care. */
  newCar: z.boolean().default(false),
  secondaryDealer: z.boolean().optional(),
  inspectionDate: calendarDate.optional(),
  insuranceRenewalDate: calendarDate.optional(),
});

export const stepSchemas = {
  callOutcome: z.strictObject({
    outcome: z.enum(['BOOKED', 'UNDECIDED', 'DECLINED', 'UNREACHABLE']),
    bookedFor: instant.optional(),
    mileageKm: km.optional(),
    requests: z.string().max(500).optional(),
    note: z.string().max(500).optional(),
  }),
  inboundBooking: z.strictObject({
    channel: z.enum(['PHONE', 'WEB', 'APP', 'COUNTER']),
    bookedFor: instant,
    faultDescription: z.string().trim().min(4).max(1000),
    contactPhone: z.string().trim().regex(/^\+?[0-9 -]{6,20}$/, 'contactPhone must be digits, spaces or dashes'),
    mileageKm: km.optional(),
    requests: z.string().max(500).optional(),
  }),
  preparationComplete: z.strictObject({ bayId: z.string().max(64).optional(), technicianId: staffId.optional() }),
  confirmation: z.strictObject({
    outcome: z.enum(['CONFIRMED', 'RESCHEDULE', 'CANCEL']).optional(),
    newBookedFor: instant.optional(),
    reason: z.string().max(500).optional(),
    note: z.string().max(500).optional(),
  }),
  staffAssignment: z.strictObject({ advisorId: staffId, advisorName: z.string().trim().min(1).max(64), technicianId: staffId, technicianName: z.string().trim().min(1).max(64) }),
  checkIn: z.strictObject({ mileageKm: km, promisedReadyAt: instant, fuelLevel: z.string().max(16).optional(), itemsLeftInCar: z.string().max(500).optional() }),
  walkIn: z.strictObject({
    mileageKm: km,
    promisedReadyAt: instant,
    complaint: z.string().trim().min(2).max(1000).optional(),
    fuelLevel: z.string().max(16).optional(),
    itemsLeftInCar: z.string().max(500).optional(),
  }),
  correction: z.strictObject({ action: z.enum(['CLOSE', 'BACK_TO_CONFIRMATION']), reason: z.string().trim().min(2).max(500) }),
  progressCheck: z.strictObject({ onTime: z.boolean(), newPromisedReadyAt: instant.optional(), note: z.string().max(500).optional() }),
  additionalWork: z.strictObject({
    items: z
      .array(z.strictObject({ description: z.string().trim().min(1).max(200), priceCny: cny, laborHours: z.number().min(0).max(200).optional(), safety: z.boolean().optional() }))
      .min(1)
      .max(50),
    extraHours: z.number().min(0).max(720),
  }),
  additionalWorkDecision: z.strictObject({ approved: z.boolean(), note: z.string().max(500).optional() }),
  delivery: z.strictObject({ amountDueCny: cny, amountPaidCny: cny }),
  followUp: z.strictObject({
    attitudeScore: z.number().int().min(0).max(10),
    qualityScore: z.number().int().min(0).max(10),
    comment: z.string().max(1000).optional(),
    failureGrade: z.enum(['A', 'B', 'C', 'D']).optional(),
    qualityLossCny: cny.optional(),
  }),
  salesCall: z.strictObject({ realReason: z.string().trim().min(2).max(1000) }),
};

export const listWorkflowsSchema = z.strictObject({
  stage: z.string().regex(/^[A-Z_]+$/).optional(),
  store: z.string().max(64).optional(),
  advisor: z.string().max(64).optional(),
  /** true: only lifecycles whose next deadline has passed. */
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Service-failure tickets are addressed by their workflow id, e.g. failure-LSVAU2180N2183294-c3. */
export const ticketIdSchema = z.string().regex(/^failure-[A-HJ-NPR-Z0-9]{17}-c[0-9]{1,4}$/, 'not a service-failure ticket id');
export const ticketAnswerSchema = z.strictObject({ answer: z.string().trim().min(4).max(2000) });

export const careCallSchema = z.strictObject({ contact: z.enum(['NEW_CAR_7DC', 'USAGE_FOLLOW_UP', 'FIRST_SERVICE_CONFIRMATION', 'MONTHLY_CALLBACK', 'MANAGEMENT_CALLBACK', 'YEARLY_CALLBACK']), outcome: z.string().trim().min(2).max(1000) });

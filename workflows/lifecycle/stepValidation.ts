// Checks of a person's input that need no database; they run in the Update validators, so a bad
// step is rejected with its reason before it enters the workflow history.
import type { Stage, CorrectionInput, SalesCallInput, AdditionalWorkDecision, AdditionalWorkReport, CallOutcomeInput, ConfirmationInput, InboundBookingInput, StaffAssignmentInput, CheckInInput, DeliveryInput, FollowUpInput, ProgressCheckInput, PartsDepositInput, PartsDepositState } from './contract';
import { FUEL_LEVELS, MAX_PROMISE_MARGIN_MINUTES, PARTS_SOURCES, PRICE_METHODS } from './contract';
import { depositCovered } from '../../domain/partsDeposit';

function futureInstant(value: unknown, field: string): void {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${field} must be an ISO date-time`);
  if (ms <= Date.now()) throw new Error(`${field} must be in the future`);
}

function wholeNumber(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${field} must be a whole number from ${min} to ${max}`);
  }
}

const CALL_OUTCOMES = ['BOOKED', 'UNDECIDED', 'DECLINED', 'UNREACHABLE'];
const INBOUND_CHANNELS = ['PHONE', 'WEB', 'APP', 'COUNTER'];

export function validateCallOutcome(i: CallOutcomeInput): void {
  if (!CALL_OUTCOMES.includes(i.outcome)) throw new Error(`outcome must be one of ${CALL_OUTCOMES.join(', ')}`);
  if (i.outcome === 'BOOKED') futureInstant(i.bookedFor, 'bookedFor');
  else if (i.bookedFor !== undefined) throw new Error(`bookedFor only goes with outcome BOOKED`);
  if (i.outcome === 'UNREACHABLE' && i.mileageKm !== undefined) throw new Error('an unreachable customer cannot have told the mileage');
  if (i.mileageKm !== undefined) wholeNumber(i.mileageKm, 'mileageKm', 0);
}

/** R5: a booking needs a real fault description and a contact. */
export function validateInboundBooking(i: InboundBookingInput): void {
  if (!INBOUND_CHANNELS.includes(i.channel)) throw new Error(`channel must be one of ${INBOUND_CHANNELS.join(', ')}`);
  futureInstant(i.bookedFor, 'bookedFor');
  // Counted in characters: 异响 (a noise) is a complete description.
  if (typeof i.faultDescription !== 'string' || [...i.faultDescription.trim()].length < 2) throw new Error('faultDescription must describe the need (R5)');
  if (typeof i.contactPhone !== 'string' || !/^\+?[0-9 -]{6,20}$/.test(i.contactPhone)) throw new Error('contactPhone must be a phone number (R5)');
  if (i.mileageKm !== undefined) wholeNumber(i.mileageKm, 'mileageKm', 0);
}

function oneOf(value: unknown, allowed: readonly string[], field: string): void {
  if (value !== undefined && !allowed.includes(value as string)) throw new Error(`${field} must be one of ${allowed.join(', ')}`);
}

const MINUTE = 60_000;

/** R12: the reception sheet of a booked arrival or a walk-in, checked at the workflow's time of the check-in. */
export function validateCheckIn(i: CheckInInput): void {
  wholeNumber(i.mileageKm, 'mileageKm', 0);
  futureInstant(i.promisedReadyAt, 'promisedReadyAt');
  const promised = Date.parse(i.promisedReadyAt);
  const now = Date.now();
  if (i.promiseMarginMinutes !== undefined) {
    wholeNumber(i.promiseMarginMinutes, 'promiseMarginMinutes', 0, MAX_PROMISE_MARGIN_MINUTES);
    // The margin sits inside the promise: what is left before it is the time the work itself needs.
    if (promised - i.promiseMarginMinutes * MINUTE <= now) throw new Error('promiseMarginMinutes must leave time for the work before promisedReadyAt (R12)');
  }
  oneOf(i.fuelLevel, FUEL_LEVELS, 'fuelLevel');
  oneOf(i.priceMethod, PRICE_METHODS, 'priceMethod');
  oneOf(i.partsSource, PARTS_SOURCES, 'partsSource');
  if (i.handedOverAt !== undefined) {
    const handedOver = typeof i.handedOverAt === 'string' ? Date.parse(i.handedOverAt) : NaN;
    if (Number.isNaN(handedOver)) throw new Error('handedOverAt must be an ISO date-time');
    // The workshop signs the hand-over with its time, exact to 10 minutes (004 #8); it is recorded
    // with the sheet, so it happened during this visit and not later than that.
    if (handedOver > now + 10 * MINUTE) throw new Error('handedOverAt must not be in the future');
    if (handedOver < now - 24 * 60 * MINUTE) throw new Error('handedOverAt must be within the last 24 hours');
    if (handedOver >= promised) throw new Error('handedOverAt must be before promisedReadyAt');
  }
}

export function validateProgressCheck(i: ProgressCheckInput): void {
  if (typeof i.onTime !== 'boolean') throw new Error('onTime must be true or false');
  if (i.newPromisedReadyAt !== undefined) futureInstant(i.newPromisedReadyAt, 'newPromisedReadyAt');
  if (!i.onTime && i.newPromisedReadyAt === undefined) throw new Error('a delayed job needs newPromisedReadyAt');
}

/** R6b: a deposit is at least half the price of the parts to order; less does not release the order. */
export function validatePartsDeposit(i: PartsDepositInput, asked: PartsDepositState | undefined): void {
  if (typeof i.amountCny !== 'number' || !(i.amountCny >= 0)) throw new Error('amountCny must be a non-negative amount');
  if (asked && !depositCovered(i.amountCny, asked)) {
    throw new Error(`amountCny must be at least the deposit asked: ${asked.depositCny} CNY, half the price of the parts to order (${asked.partsCny} CNY)`);
  }
}

export function validateDelivery(i: DeliveryInput): void {
  for (const field of ['amountDueCny', 'amountPaidCny'] as const) {
    if (typeof i[field] !== 'number' || !(i[field] >= 0)) throw new Error(`${field} must be a non-negative amount`);
  }
}

export function validateFollowUp(i: FollowUpInput): void {
  wholeNumber(i.attitudeScore, 'attitudeScore', 0, 10);
  wholeNumber(i.qualityScore, 'qualityScore', 0, 10);
  if (i.failureGrade !== undefined && !['A', 'B', 'C', 'D'].includes(i.failureGrade)) throw new Error('failureGrade must be A, B, C or D');
  if (i.qualityLossCny !== undefined && (typeof i.qualityLossCny !== 'number' || !(i.qualityLossCny >= 0))) throw new Error('qualityLossCny must be a non-negative amount');
}

export function validateSalesCall(i: SalesCallInput): void {
  if (typeof i.realReason !== 'string' || [...i.realReason.trim()].length < 2) throw new Error('realReason must record what the customer said (R19)');
}

export function validateConfirmation(i: ConfirmationInput): void {
  const outcome = i.outcome ?? 'CONFIRMED';
  if (!['CONFIRMED', 'RESCHEDULE', 'CANCEL'].includes(outcome)) throw new Error('outcome must be CONFIRMED, RESCHEDULE or CANCEL');
  if (outcome === 'RESCHEDULE') futureInstant(i.newBookedFor, 'newBookedFor');
  else if (i.newBookedFor !== undefined) throw new Error('newBookedFor only goes with outcome RESCHEDULE');
  // R9: a cancellation keeps its reason.
  if (outcome === 'CANCEL' && (typeof i.reason !== 'string' || i.reason.trim() === '')) throw new Error('a cancellation needs its reason (R9)');
}

export function validateStaffAssignment(i: StaffAssignmentInput): void {
  for (const field of ['advisorId', 'advisorName', 'technicianId', 'technicianName'] as const) {
    if (typeof i[field] !== 'string' || i[field].trim() === '') throw new Error(`${field} is required (R10: the customer is told who)`);
  }
}

export function validateAdditionalWork(i: AdditionalWorkReport): void {
  if (!Array.isArray(i.items) || i.items.length === 0) throw new Error('items must list at least one additional item');
  for (const item of i.items) {
    if (typeof item.description !== 'string' || item.description.trim() === '') throw new Error('every item needs a description');
    if (typeof item.priceCny !== 'number' || !(item.priceCny >= 0)) throw new Error('every item needs a non-negative priceCny');
  }
  if (typeof i.extraHours !== 'number' || !(i.extraHours >= 0) || i.extraHours > 24 * 30) throw new Error('extraHours must be between 0 and 720');
}

export function validateAdditionalWorkDecision(i: AdditionalWorkDecision): void {
  if (typeof i.approved !== 'boolean') throw new Error('approved must be true or false');
}

/** A correction that does not fit where the lifecycle is (the API answers 409, not 422). */
export class StageConflict extends Error {}

/** Where a confirmed booking can be taken back to its confirmation call: before the car is checked in. */
const REOPENABLE_STAGES: Stage[] = ['AWAITING_CHECK_IN', 'NO_SHOW'];

/** The corrections a manager may make at a stage (CLOSE anywhere but after closing). */
export function correctionsAt(stage: Stage): CorrectionInput['action'][] {
  if (stage === 'CLOSED') return [];
  return REOPENABLE_STAGES.includes(stage) ? ['CLOSE', 'BACK_TO_CONFIRMATION'] : ['CLOSE'];
}

export function validateCorrection(c: CorrectionInput, alreadyCorrecting: boolean, stage: Stage): void {
  if (alreadyCorrecting) throw new StageConflict('a correction of this lifecycle is already being applied');
  if (!c || typeof c.actor !== 'string' || c.actor.trim() === '') throw new Error('actor is required');
  if (c.action !== 'CLOSE' && c.action !== 'BACK_TO_CONFIRMATION') throw new Error('action must be CLOSE or BACK_TO_CONFIRMATION');
  if (typeof c.reason !== 'string' || [...c.reason.trim()].length < 2) throw new Error('a correction needs its reason');
  if (c.action === 'BACK_TO_CONFIRMATION' && !REOPENABLE_STAGES.includes(stage)) {
    throw new StageConflict(`BACK_TO_CONFIRMATION is possible only for a confirmed booking before check-in (${REOPENABLE_STAGES.join(', ')}); the vehicle is at ${stage}`);
  }
}

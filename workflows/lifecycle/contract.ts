// The lifecycle's public contract: what the API may send (Updates) and read (Query),
// and the search attributes managers filter on. Shared by workflow, API and tests.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CalendarDate } from '../../domain/calendar';
import type { DueReason } from '../../domain/dueDate';
import type { Actor, CustomerFacts, Waiting } from '../shared';

export const LIFECYCLE_TASK_QUEUE = 'vehicle-lifecycle';

export function lifecycleWorkflowId(vin: string): string {
  return `vehicle-${vin.toUpperCase()}`;
}

export type Stage =
  | 'REGISTERING'
  | 'WAITING_FOR_REMINDER'
  | 'WAITING_FOR_REMINDER_CALL'
  | 'AWAITING_CALL_OUTCOME'
  | 'WAITING_FOR_SECOND_CALL'
  | 'WAITING_FOR_CALL_RETRY'
  | 'OPEN_FOR_BOOKING'
  | 'AWAITING_PREPARATION'
  | 'WAITING_FOR_CONFIRMATION_CALL'
  | 'AWAITING_CONFIRMATION'
  | 'AWAITING_CHECK_IN'
  | 'NO_SHOW'
  | 'IN_SERVICE'
  | 'WAITING_FOR_FOLLOW_UP'
  | 'AWAITING_FOLLOW_UP'
  | 'AWAITING_SALES_CALL'
  | 'CYCLE_COMPLETE'
  | 'CLOSED';

export interface VehicleFacts {
  vin: string;
  plate: string;
  model: string;
  storeId: string;
  deliveryDate: CalendarDate;
  mileageKm: number;
  mileageRecordedOn: CalendarDate;
  advisorId?: string;
  salesConsultantId?: string;
  /** R23: the sale's price, for the sales file; registration records it, the cycles carry it along. */
  salePriceCny?: number;
}

/** What one cycle hands to the next through continue-as-new: only what R1 needs. */
export interface ServiceHistory {
  cycle: number;
  lastServiceDate?: CalendarDate;
  lastServiceKm?: number;
  /**
   * Set when the previous cycle closed without a service (declined, never reached): that cycle's due
   * date, from which the next one counts, so the customer is not reminded again at once.
   */
  skippedDueDate?: CalendarDate;
}

export interface VehicleLifecycleInput {
  vehicle: VehicleFacts;
  customer: CustomerFacts;
  history: ServiceHistory;
  registeredBy: string;
  /**
   * The first cycle's reminder (R2) and call (R3) not before this day: an import spreads the cars already
   * overdue over days, so many at once do not flood the customers or the calling team. Later cycles drop it.
   */
  firstContactOn?: CalendarDate;
}

export type CallOutcome = 'BOOKED' | 'UNDECIDED' | 'DECLINED' | 'UNREACHABLE';

/** R3: what the reminder call achieved; a booking needs its time, every answered call may bring the mileage. */
export interface CallOutcomeInput extends Actor {
  outcome: CallOutcome;
  bookedFor?: string;
  mileageKm?: number;
  requests?: string;
  note?: string;
}

export type InboundChannel = 'PHONE' | 'WEB' | 'APP' | 'COUNTER';

/** R5: a booking the customer makes by phone, web/app or at the counter, at any point before one exists. */
export interface InboundBookingInput extends Actor {
  channel: InboundChannel;
  bookedFor: string;
  faultDescription: string;
  contactPhone: string;
  mileageKm?: number;
  requests?: string;
}

/** R6b: the customer paid the deposit for the expensive parts the booking orders. */
export interface PartsDepositInput extends Actor {
  amountCny: number;
  note?: string;
}

/** R6b: the deposit a booking's expensive parts ask for, and whether it came in. */
export interface PartsDepositState {
  depositCny: number;
  partsCny: number;
  /** The last moment the parts can be ordered for the booked time; the order waits for the deposit. */
  orderBy: string;
  paidCny?: number;
}

export interface PreparationCompleteInput extends Actor {
  bayId?: string;
  technicianId?: string;
}

/**
 * R7: the confirmation call's result. RESCHEDULE needs the new time (R8: parts late, customer's wish),
 * CANCEL a reason (R9). A missing outcome means CONFIRMED.
 */
export interface ConfirmationInput extends Actor {
  outcome?: 'CONFIRMED' | 'RESCHEDULE' | 'CANCEL';
  newBookedFor?: string;
  reason?: string;
  note?: string;
}

/** R10: the service manager names the booking's SA and technician the day before. */
export interface StaffAssignmentInput extends Actor {
  advisorId: string;
  advisorName: string;
  technicianId: string;
  technicianName: string;
}

/**
 * R12: a vehicle that arrives without a booking is received at once: the walk-in is the booking and the
 * check-in in one step, kept visibly apart from booked arrivals.
 */
export interface WalkInInput extends CheckInInput {
  complaint?: string;
}

/** A manager's correction of a lifecycle that no longer fits the facts, always with its reason. */
export interface CorrectionInput extends Actor {
  /**
   * CLOSE ends the lifecycle (car sold, scrapped, moved away). BACK_TO_CONFIRMATION reopens the
   * confirmation call of a booking confirmed by mistake or changed since, before the car has arrived.
   */
  action: 'CLOSE' | 'BACK_TO_CONFIRMATION';
  reason: string;
}

export const FUEL_LEVELS = ['EMPTY', 'QUARTER', 'HALF', 'THREE_QUARTERS', 'FULL'] as const;
/** R12 (004 #4): priced by the system worked on, by the symptom removed, or item by item. */
export const PRICE_METHODS = ['SYSTEM', 'SYMPTOM', 'ITEM'] as const;
/** R12 (004 #4): parts the store does not choose (aftermarket at the customer's wish, the customer's own) carry no quality guarantee. */
export const PARTS_SOURCES = ['OEM', 'AFTERMARKET', 'CUSTOMER_SUPPLIED'] as const;
/** A margin longer than a month is no margin but a second job. */
export const MAX_PROMISE_MARGIN_MINUTES = 30 * 24 * 60;

/**
 * R12: the reception sheet the customer signs with the repair order (维修委托书). Everything but the
 * odometer and the promised time is optional so that check-ins recorded before the sheet still replay.
 */
export interface CheckInInput extends Actor {
  mileageKm: number;
  promisedReadyAt: string;
  /** The margin for parts the SA kept inside promisedReadyAt (004 #5). */
  promiseMarginMinutes?: number;
  fuelLevel?: (typeof FUEL_LEVELS)[number];
  /** Exterior, interior and instruments: scratches, dents, warning lights. */
  walkAroundFindings?: string;
  itemsLeftInCar?: string;
  /** The number of the key's tag in the key cabinet. */
  keyTag?: string;
  priceMethod?: (typeof PRICE_METHODS)[number];
  partsSource?: (typeof PARTS_SOURCES)[number];
  /** When the workshop took the car over (004 #8, to 10 minutes); the check-in's own time when absent. */
  handedOverAt?: string;
}

export interface ProgressCheckInput extends Actor {
  onTime: boolean;
  newPromisedReadyAt?: string;
  note?: string;
}

export interface AdditionalItem {
  description: string;
  priceCny: number;
  laborHours?: number;
  /** Safety-related items are explained as such to the customer (R13). */
  safety?: boolean;
}

/** R13: the workshop found more to do; the SA must call the customer before any of it is done. */
export interface AdditionalWorkReport extends Actor {
  items: AdditionalItem[];
  /** How much later the car will be ready if the customer approves. */
  extraHours: number;
}

/** R13: the customer's decision in the SA's call; never forced, and a yes moves the promised time. */
export interface AdditionalWorkDecision extends Actor {
  approved: boolean;
  note?: string;
}

export interface DeliveryInput extends Actor {
  amountDueCny: number;
  amountPaidCny: number;
}

export interface FollowUpInput extends Actor {
  attitudeScore: number;
  qualityScore: number;
  comment?: string;
  /** R18: the CR's grading of a dissatisfaction; derived from the scores when absent. */
  failureGrade?: 'A' | 'B' | 'C' | 'D';
  /** R24: a quality incident's loss; over 20,000 CNY it goes to leadership at once. */
  qualityLossCny?: number;
  /** R24: what happened, required with a loss: the incident's page says it. */
  qualityIncident?: string;
}

/** R19: what the sales consultant learned calling a first-service customer who was not fully satisfied. */
export interface SalesCallInput extends Actor {
  realReason: string;
}

export interface LifecycleState {
  vin: string;
  plate: string;
  storeId: string;
  advisorId?: string;
  cycle: number;
  stage: Stage;
  dueDate?: CalendarDate;
  dueReason?: DueReason;
  bookedFor?: string;
  /** Why calling stopped without a booking (declined, never reached); the cycle stays open for an inbound booking. */
  unresolvedReason?: string;
  /** R6b: set when the booking's parts to order ask a deposit. */
  partsDeposit?: PartsDepositState;
  checkedInAt?: string;
  promisedReadyAt?: string;
  deliveredAt?: string;
  /** Workflow id of the service-failure ticket this cycle's follow-up opened (R18). */
  failureTicket?: string;
  waitingFor: Waiting[];
  /** The names of the Updates (steps) the lifecycle takes now; a manager's correction is not among them. */
  accepts: string[];
}

export const recordCallOutcome = defineUpdate<LifecycleState, [CallOutcomeInput]>('recordCallOutcome');
export const bookInbound = defineUpdate<LifecycleState, [InboundBookingInput]>('bookInbound');
export const walkIn = defineUpdate<LifecycleState, [WalkInInput]>('walkIn');
export const correctLifecycle = defineUpdate<LifecycleState, [CorrectionInput]>('correctLifecycle');
export const recordPartsDeposit = defineUpdate<LifecycleState, [PartsDepositInput]>('recordPartsDeposit');
export const completePreparation = defineUpdate<LifecycleState, [PreparationCompleteInput]>('completePreparation');
export const confirmBooking = defineUpdate<LifecycleState, [ConfirmationInput]>('confirmBooking');
export const assignStaff = defineUpdate<LifecycleState, [StaffAssignmentInput]>('assignStaff');
export const checkIn = defineUpdate<LifecycleState, [CheckInInput]>('checkIn');
export const recordProgressCheck = defineUpdate<LifecycleState, [ProgressCheckInput]>('recordProgressCheck');
export const reportAdditionalWork = defineUpdate<LifecycleState, [AdditionalWorkReport]>('reportAdditionalWork');
export const decideAdditionalWork = defineUpdate<LifecycleState, [AdditionalWorkDecision]>('decideAdditionalWork');
export const deliver = defineUpdate<LifecycleState, [DeliveryInput]>('deliver');
export const recordFollowUp = defineUpdate<LifecycleState, [FollowUpInput]>('recordFollowUp');

export const recordSalesCall = defineUpdate<LifecycleState, [SalesCallInput]>('recordSalesCall');

export const getState = defineQuery<LifecycleState>('getState');

export const SA_STAGE = defineSearchAttributeKey('SlStage', 'KEYWORD');
export const SA_VIN = defineSearchAttributeKey('SlVin', 'KEYWORD');
export const SA_PLATE = defineSearchAttributeKey('SlPlate', 'KEYWORD');
export const SA_STORE = defineSearchAttributeKey('SlStore', 'KEYWORD');
export const SA_ADVISOR = defineSearchAttributeKey('SlAdvisor', 'KEYWORD');
export const SA_NEXT_DEADLINE = defineSearchAttributeKey('SlNextDeadline', 'DATETIME');

/** For `temporal server start-dev --search-attribute`, which must see them when its database is created. */
export const SEARCH_ATTRIBUTE_FLAGS = ['SlStage=Keyword', 'SlVin=Keyword', 'SlPlate=Keyword', 'SlStore=Keyword', 'SlAdvisor=Keyword', 'SlNextDeadline=Datetime'];

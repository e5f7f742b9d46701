// The customer-care workflow's public contract (R20, R21, R22): its input, the call outcome people
// send (Update) and what it waits for (Query). Shared by workflow, API and tests.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarDate } from '../../domain/calendar';
import type { Actor, CustomerFacts, Waiting } from '../shared';

export function careWorkflowId(vin: string): string {
  return `care-${vin.toUpperCase()}`;
}

/** Contacts the workflow makes itself: a message in the outbox. */
export type CareMessageContact = 'BIRTHDAY_GREETING' | 'INSPECTION_REMINDER' | 'INSURANCE_REMINDER' | 'HOLIDAY_GREETING';
/** Contacts a person makes: a task, answered by `recordCareCall`. */
export type CareCallContact = 'NEW_CAR_7DC' | 'USAGE_FOLLOW_UP' | 'FIRST_SERVICE_CONFIRMATION' | 'FIRST_SERVICE_FOLLOW_UP' | 'MONTHLY_CALLBACK' | 'MANAGEMENT_CALLBACK' | 'YEARLY_CALLBACK';
export type CareContact = CareMessageContact | CareCallContact;

export interface CareCustomer extends CustomerFacts {
  /** 'MM-DD' (R21). */
  birthday?: string;
}

export interface OpenCareCall {
  contact: CareCallContact;
  /** The occurrence's occasion (see domain/careSchedule); its year keys the task. */
  occasion: CalendarDate;
  /** ISO instant by which the call is owed. */
  by: string;
}

/** What one run hands to the next through continue-as-new. */
export interface CareProgress {
  /**
   * Per contact, the first occasion still owed: earlier ones were made, or were past when care began.
   * A contact added to the product later is missing from older runs' progress.
   */
  owedFrom: Partial<Record<CareContact, CalendarDate>>;
  /** Calls whose task is open: the next run keeps waiting for their outcome. */
  openCalls: OpenCareCall[];
}

export interface CustomerCareInput {
  vin: string;
  storeId: string;
  plate: string;
  deliveryDate: CalendarDate;
  /** Sold new by this store: R20's 7DC and R22's first-three-services calls apply. */
  newCar: boolean;
  /** Sold through a secondary dealer: the 7DC call comes later (R20). */
  secondaryDealer?: boolean;
  customer: CareCustomer;
  /** The next annual inspection (年审), then yearly (R21). */
  inspectionDate?: CalendarDate;
  /** The next insurance renewal (续保), then yearly (R21). */
  insuranceRenewalDate?: CalendarDate;
  /** Named on R22's call tasks; the tasks go to the sales-consultant role, so a reassignment (R22) needs no change here. */
  salesConsultantId?: string;
  /** Absent when care starts; set by the workflow itself when it continues as new. */
  progress?: CareProgress;
  /** R1b / R22: the store-local day the first service was last cancelled or missed (the lifecycle's signal), carried over. */
  firstServiceMissedOn?: CalendarDate;
}

/** R1b / R22: the vehicle's lifecycle tells its care that the first service was cancelled or the customer did not come. */
export interface FirstServiceMissed {
  /** The store-local day it happened. */
  on: CalendarDate;
  reason: string;
}

/** R20 / R22: what the call achieved, in the caller's words. */
export interface CareCallInput extends Actor {
  contact: CareCallContact;
  outcome: string;
}

export interface CareWaiting extends Waiting {
  contact: CareContact;
  /** The person a call waits for, when known (R22: the sales consultant). */
  who?: string;
}

export interface CareState {
  vin: string;
  plate: string;
  storeId: string;
  /** Open calls and the next contact, earliest first. */
  waitingFor: CareWaiting[];
}

export const recordCareCall = defineUpdate<CareState, [CareCallInput]>('recordCareCall');
export const getCare = defineQuery<CareState>('getCare');
export const firstServiceMissed = defineSignal<[FirstServiceMissed]>('firstServiceMissed');

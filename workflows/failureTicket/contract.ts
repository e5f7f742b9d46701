// The service-failure ticket's public contract (R18, R24): one workflow per ticket, outliving the cycle
// that opened it; the owner's answer (Update), the ticket's state (Query) and the acknowledgement of a
// page (Signal, from the page's ack link). Shared by workflow, API and tests.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared';

export function failureTicketWorkflowId(vin: string, cycle: number): string {
  return `failure-${vin.toUpperCase()}-c${cycle}`;
}

export interface FailureTicketInput {
  vin: string;
  storeId: string;
  cycle: number;
  grade: 'A' | 'B' | 'C' | 'D';
  rule: 'R18' | 'R24';
  reason: string;
  scores: { attitude: number; quality: number };
  openedBy: string;
  /** The store's opening hours and holidays: the ladder's answer hours count only those. Absent: clock hours. */
  workingHours?: { openingHours: { weekday: number; opensAt: string; closesAt: string }[]; holidays: string[] };
}

export interface FailureTicketAnswer extends Actor {
  answer: string;
}

export interface FailureTicketState {
  vin: string;
  grade: 'A' | 'B' | 'C' | 'D';
  level: number;
  owners: string[];
  answerBy: string;
  answered: boolean;
  escalations: Array<{ level: number; owners: string[]; at: string }>;
}

export const answerFailureTicket = defineUpdate<FailureTicketState, [FailureTicketAnswer]>('answerFailureTicket');
export const getFailureTicket = defineQuery<FailureTicketState>('getFailureTicket');

// R18 / R24 paging acknowledgement: a page's ack link signals the ticket.

export interface PageAcknowledgement {
  level: number;
  round: number;
  /** Who acknowledged: the paged person's address, or the group robot. */
  by: string;
  at: string;
}

export const acknowledgePage = defineSignal<[PageAcknowledgement]>('acknowledgePage');

/** What getFailureTicket answers once the ticket takes acknowledgements. */
export type AcknowledgedTicketState = FailureTicketState & { acknowledgements: PageAcknowledgement[] };

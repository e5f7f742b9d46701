// R18 / R24 paging acknowledgement: the contract between the API (a page's ack link) and the
// service-failure ticket workflow.
import { defineSignal } from '@temporalio/workflow';
import type { FailureTicketState } from './definitions';

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

// R25: the contract of one fleet request's answer deadline, shared by the workflow, the commands and
// the tests: its id, its input, the signal of the store's answer and what it tells a reader.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export function fleetRequestWorkflowId(requestId: string): string {
  return `fleet-request-${requestId}`;
}

/** The request as the store received it; the workflow's first step records it. */
export interface FleetRequestInput {
  requestId: string;
  storeId: string;
  fleetId: string;
  fleetName: string;
  /** The fleet's vehicles it is about; the first one's history carries the request's steps (tasks and pages are per vehicle). */
  vins: string[];
  /** ISO instant the fleet asked for. */
  requestedFor: string;
  service: string;
  /** When and by whom it was received (the product clock's time of the command). */
  receivedAt: string;
  receivedBy: string;
}

export interface FleetRequestAnswered {
  by: string;
  at: string;
}

export interface FleetRequestState {
  answerBy: string;
  answered: boolean;
  escalated: boolean;
}

export const fleetRequestAnswered = defineSignal<[FleetRequestAnswered]>('fleetRequestAnswered');
export const getFleetRequest = defineQuery<FleetRequestState>('getFleetRequest');

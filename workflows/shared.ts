// What the three workflows' contracts share, and what the API reads of them: who asked for a step, what a
// workflow waits for, how a refused step is typed, a store's changed settings, and the instants steps
// carry. Safe outside a workflow: it holds no workflow runtime.
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { defineSignal } from '@temporalio/workflow';
import type { StoreSettings } from '../domain/storeSettings';

/** Who asked for a step; the API fills it from the signed-in user. */
export interface Actor {
  actor: string;
}

export interface CustomerFacts {
  name: string;
  phone: string;
  email?: string;
}

export interface Waiting {
  what: string;
  rule: string;
  /** ISO instant: when the wait starts to be owed (a timer) or the deadline for a person. */
  by: string;
  /** Set when the workflow itself acts at `by` (a timer); absent when it waits for a person. */
  timer?: true;
}

/** Failure types the API maps to HTTP statuses: a step out of turn is a conflict, bad data is unprocessable. */
export const REJECTION_TYPES = { wrongStage: 'WrongStage', invalidInput: 'InvalidInput', stepRejected: 'StepRejected' } as const;

/**
 * The failure type of data the database cannot take (activities/dataErrors.ts). A person's step lists it
 * among its activities' non-retryable types, so the person hears of it at once and corrects the data;
 * anywhere else it is retried like an outage, and shows in the managers' list of stuck lifecycles.
 */
export const DATA_ERROR_TYPE = 'DataError';

/**
 * What an Update handler that calls its activity itself (a care call, a ticket's answer) throws when that
 * activity failed for good — data the database refused, under a retry policy that lists DATA_ERROR_TYPE
 * as non-retryable: a refusal of the step (StepRejected, 422) with the activity's reason, as `perform`
 * answers a lifecycle step. Anything else (a cancellation) goes on as it is.
 */
export function stepRefusal(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? ApplicationFailure.create({ message: cause.message, type: REJECTION_TYPES.stepRejected, nonRetryable: true }) : err;
}

/** A manager changed the store's settings: every decision a vehicle makes from now on uses them. */
export interface StoreSettingsChange {
  /** Identifies the change; a vehicle records each version once. */
  version: string;
  changedBy: string;
  /** The keys that changed, with their new values. */
  changed: Partial<StoreSettings>;
  /** The store's whole resolved settings after the change. */
  settings: StoreSettings;
}

export const storeSettingsChanged = defineSignal<[StoreSettingsChange]>('storeSettingsChanged');

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A task opened later than its rule asked (outside working hours) shows the rule's time. */
export function ruleTimeOf(ruleAt: number, opensAt: number): { ruleAt?: string } {
  return opensAt === ruleAt ? {} : { ruleAt: iso(ruleAt) };
}

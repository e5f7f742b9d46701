import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REJECTION_TYPES } from '../workflows/shared';

export interface UpdateRejection {
  reason: string;
  /** 409 when the vehicle is not at that step, 422 when the step's data is wrong. */
  status: 409 | 422;
}

/** The workflow's own words when it refused an Update; undefined for any other error. */
export function updateRejection(err: unknown): UpdateRejection | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  const reason = cause?.message ?? err.message;
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  return { reason, status: type === REJECTION_TYPES.wrongStage ? 409 : 422 };
}

export function updateRejectionReason(err: unknown): string | undefined {
  return updateRejection(err)?.reason;
}

export function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}

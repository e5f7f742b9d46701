import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';

/** The validator's or step's own words when the workflow refused an Update; undefined for other errors. */
export function updateRejectionReason(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError) return err.cause?.message ?? err.message;
  return undefined;
}

export function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}

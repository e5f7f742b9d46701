// Bundled with the workflows and run inside their sandbox: carries the request id the API put on a step's
// Update (or on a registration's start) to the activities the workflow schedules for that step, and onto
// the workflow's own log lines. A lifecycle accepts an Update, then applies it from its main loop and
// answers the Update once it comes to rest (workflows/lifecycle/humanSteps.ts), so "for that step" is the time
// between the Update's arrival and its answer; for a start, the workflow task that the start began.
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { requestIdIn, withRequestId } from './requestIdPayload';

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow execution: the factory runs once for each, so no state is shared between lifecycles.
  const updates: string[] = [];
  let start: { requestId: string; historyLength: number } | undefined;
  const current = () => updates.at(-1) ?? (start && workflowInfo().historyLength === start.historyLength ? start.requestId : undefined);
  return {
    inbound: [
      {
        execute: (input, next) => {
          const requestId = requestIdIn(input.headers);
          if (requestId) start = { requestId, historyLength: workflowInfo().historyLength };
          return next(input);
        },
        handleUpdate: (input, next) => {
          const requestId = requestIdIn(input.headers);
          if (!requestId) return next(input);
          updates.push(requestId);
          // The handler's own promise goes back untouched: an await here would add a turn before the
          // Update's answer and could reorder it against the workflow's commands on replay.
          const answered = next(input);
          const done = () => void updates.splice(updates.lastIndexOf(requestId), 1);
          answered.then(done, done);
          return answered;
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next({ ...input, headers: withRequestId(input.headers, current()) }),
        scheduleLocalActivity: (input, next) => next({ ...input, headers: withRequestId(input.headers, current()) }),
        getLogAttributes: (input, next) => {
          const requestId = current();
          return next(requestId ? { ...input, requestId } : input);
        },
      },
    ],
  };
};

// Carries the API request's id to Temporal as a header on what the request sends (a step's Update, a
// registration's start, a signal): the workflow history then names the request that caused each step,
// without changing any workflow input. The worker carries it on to the step's activities and log lines
// (runtime/requestIdWorkflowInterceptors.ts, runtime/requestIdActivities.ts).
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { Headers } from '@temporalio/common';
import { requestContext } from './logger';
import { withRequestId } from './requestIdPayload';

export { REQUEST_ID_HEADER } from './requestIdPayload';

const current = (headers: Headers) => withRequestId(headers, requestContext.getStore()?.requestId);

export const requestIdInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: current(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: current(input.headers) }),
  signal: (input, next) => next({ ...input, headers: current(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: current(input.headers) }),
};

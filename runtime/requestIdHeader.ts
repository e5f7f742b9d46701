// Carries the API request's id to Temporal as a header on what the request sends (a step's Update, a
// registration's start, a signal): the workflow history then names the request that caused each step,
// without changing any workflow input.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, Headers } from '@temporalio/common';
import { requestContext } from './logger';

export const REQUEST_ID_HEADER = 'service-lane-request-id';

function withRequestId(headers: Headers): Headers {
  const requestId = requestContext.getStore()?.requestId;
  return requestId ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
}

export const requestIdInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signal: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
};

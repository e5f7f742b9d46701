// The request id as Temporal carries it: a header holding one JSON string. Imported by the API's client
// interceptor, the workflow interceptors (inside the workflow sandbox, so nothing here may need Node) and
// the activity interceptor.
import { defaultPayloadConverter, type Headers } from '@temporalio/common';

export const REQUEST_ID_HEADER = 'service-lane-request-id';

/** Headers with the request id added, or as they are without one. */
export function withRequestId(headers: Headers, requestId: string | undefined): Headers {
  return requestId ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
}

/** The request id in the headers; anything else under the header's name is ignored rather than trusted. */
export function requestIdIn(headers: Headers): string | undefined {
  const payload = headers[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

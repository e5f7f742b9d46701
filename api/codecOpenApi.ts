// OpenAPI paths of the Temporal UI's codec endpoint (issue 18), from the zod schema that validates them.
import { z } from 'zod';
import { codecBodySchema } from './codecRoutes';

const errorResponse = { description: 'The reason, as JSON { error, details? }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export function codecPaths(): Record<string, object> {
  const body = { required: true, content: { 'application/json': { schema: z.toJSONSchema(codecBodySchema, { io: 'input' }) } } };
  const namespace = { name: 'X-Namespace', in: 'header', required: false, schema: { type: 'string' }, description: "The Temporal namespace the payloads belong to; only the product's own is served" };
  const refusals = {
    400: errorResponse,
    401: errorResponse,
    403: { ...errorResponse, description: 'A role the policy does not allow (payloads.decode: auditors, general, service and customer managers), or a page of an origin that is not the Temporal UI' },
  };
  return {
    '/codec/decode': {
      post: {
        summary: "Temporal's remote codec protocol: the payloads decrypted with the product's keys (proto3 JSON, bytes as base64); phone numbers masked for roles that do not call customers. For the Temporal web UI (session cookie, CORS for TEMPORAL_UI_ORIGINS) and `temporal --codec-endpoint` (bearer token)",
        parameters: [namespace],
        requestBody: body,
        responses: { 200: { description: '{ payloads }, in the order sent' }, ...refusals, 422: { ...errorResponse, description: 'A payload sealed with a key the product does not have, or altered; named by its index' } },
      },
    },
    '/codec/encode': {
      post: {
        summary: "Temporal's remote codec protocol: the payloads encrypted with the product's current key, as its clients and workers do (for input typed into the Temporal UI or CLI)",
        parameters: [namespace],
        requestBody: body,
        responses: { 200: { description: '{ payloads }, in the order sent' }, ...refusals },
      },
    },
  };
}

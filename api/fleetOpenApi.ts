// OpenAPI paths of the corporate fleets (R25), from the zod schemas that validate them.
import { z } from 'zod';
import { fleetAccountSchema, fleetAnswerSchema, fleetRequestSchema, fleetVehicleSchema } from '../commands/fleets';

const errorResponse = { description: 'The reason, as JSON { error, details? }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const refusals = { 400: errorResponse, 403: { ...errorResponse, description: 'Not a role that may do this' }, 404: { ...errorResponse, description: 'No such store, fleet, vehicle or request (or not yours)' } };

export function fleetPaths(): Record<string, object> {
  return {
    '/api/stores/{storeId}/fleets': {
      get: { summary: "The store's fleet accounts with their vehicle count and open and overdue requests (R25)", parameters: path('storeId'), responses: { 200: { description: '{ storeId, fleets }' }, 404: errorResponse } },
      post: {
        summary: 'A fleet account: name, optional note, contact persons with phone and e-mail (R25)',
        parameters: path('storeId'),
        requestBody: body(fleetAccountSchema),
        responses: { 201: { description: '{ id }' }, ...refusals, 409: { ...errorResponse, description: 'Another fleet of the store has the name' } },
      },
    },
    '/api/stores/{storeId}/fleets/{fleetId}': {
      get: { summary: 'One fleet: contacts, vehicles, requests with status, answer deadline, overdue flag and answer', parameters: path('storeId', 'fleetId'), responses: { 200: { description: 'the fleet' }, 404: errorResponse } },
      put: { summary: 'Change the fleet account; the contacts replace the ones it had', parameters: path('storeId', 'fleetId'), requestBody: body(fleetAccountSchema), responses: { 200: { description: '{ id }' }, ...refusals, 409: errorResponse } },
    },
    '/api/stores/{storeId}/fleets/{fleetId}/vehicles': {
      post: {
        summary: "A vehicle of the store joins the fleet (one fleet at a time)",
        parameters: path('storeId', 'fleetId'),
        requestBody: body(fleetVehicleSchema),
        responses: { 201: { description: '{ fleetId, vin }' }, ...refusals, 409: { ...errorResponse, description: 'Already in this or another fleet' } },
      },
    },
    '/api/stores/{storeId}/fleets/{fleetId}/vehicles/{vin}': {
      delete: { summary: 'The vehicle leaves the fleet', parameters: path('storeId', 'fleetId', 'vin'), responses: { 200: { description: '{ fleetId, vin }' }, ...refusals } },
    },
    '/api/stores/{storeId}/fleets/{fleetId}/requests': {
      post: {
        summary: "R25: the fleet's request, received now: at least 24 h before the requested time; the advisors must answer within 24 h (a task; the service manager is paged when it is late)",
        parameters: path('storeId', 'fleetId'),
        requestBody: body(fleetRequestSchema),
        responses: { 201: { description: '{ id, receivedAt, workflowId }: accepted; the request\'s workflow records it with its answer deadline and the advisors\' task as its first step, a moment later' }, ...refusals, 422: { ...errorResponse, description: 'Less than 24 h ahead (R25), or a vehicle that is not the fleet\'s' } },
      },
    },
    '/api/stores/{storeId}/fleets/{fleetId}/requests/{requestId}/answer': {
      post: {
        summary: "R25: the store's answer with time and place; closes the request's task",
        parameters: path('storeId', 'fleetId', 'requestId'),
        requestBody: body(fleetAnswerSchema),
        responses: { 200: { description: '{ id, answeredAt, late }' }, ...refusals, 409: { ...errorResponse, description: 'Already answered' }, 422: { ...errorResponse, description: 'The time has passed' } },
      },
    },
  };
}

import { z } from 'zod';
import { notificationPaths } from './notificationOpenApi';
import { capacityPaths } from './capacityOpenApi';
import { storeSetupPaths } from './storeSetupOpenApi';
import { staffPaths } from './staffOpenApi';
import { importPaths } from './importOpenApi';
import { fleetPaths } from './fleetOpenApi';
import { codecPaths } from './codecOpenApi';
import { careCallSchema, registerVehicleSchema, ticketAnswerSchema } from '../commands/schemas';
import { LIFECYCLE_STEPS } from '../commands/lifecycleSteps';
import { transferVehicleSchema } from '../commands/transferVehicle';

const errorResponse = { description: 'The reason, as JSON { error, details? }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const vinParam = { name: 'vin', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-HJ-NPR-Z0-9]{17}$' } };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const stateRef = { $ref: '#/components/schemas/LifecycleState' };

/** The API's OpenAPI 3.1 document; request bodies are generated from the same zod schemas that validate them. */
export function buildOpenApi(): object {
  const paths: Record<string, object> = {
    '/api/session': {
      post: {
        summary: 'Sign in with staff id and password: a bearer token for the other endpoints (the signed-in person is the actor of every step)',
        security: [],
        requestBody: { required: true, ...json({ type: 'object', required: ['staffId', 'password'], properties: { staffId: { type: 'string' }, password: { type: 'string' } } }) },
        responses: { 201: { description: '{ token, tokenType, expiresAt, staff }' }, 401: errorResponse, 429: { ...errorResponse, description: 'Too many failed sign-ins (Retry-After)' } },
      },
      get: { summary: 'Who is signed in', responses: { 200: { description: 'The staff member and the expiry' }, 401: errorResponse } },
      delete: { summary: 'Sign out (the token stops working)', responses: { 204: { description: 'Signed out' } } },
    },
    '/api/vehicles': {
      post: {
        summary: "Register a vehicle and start its lifecycle (idempotent per VIN)",
                requestBody: { required: true, ...json(z.toJSONSchema(registerVehicleSchema, { io: 'input' })) },
        responses: { 201: { description: 'Lifecycle started' }, 200: { description: 'Already registered; nothing changed' }, 400: errorResponse, 422: errorResponse },
      },
    },
    '/api/vehicles/{vin}/transfer': {
      post: {
        summary: "A manager moves a vehicle whose lifecycle is closed to another store (audited, with a reason); the customer moves along, or is copied when they keep other vehicles in the old store. The target store then registers it with reopen: true",
        parameters: [vinParam],
        requestBody: { required: true, ...json(z.toJSONSchema(transferVehicleSchema, { io: 'input' })) },
        responses: {
          200: { description: 'Transferred: { vin, fromStoreId, toStoreId, customerId, customer: moved | copied | joined }' },
          400: errorResponse,
          403: errorResponse,
          404: errorResponse,
          409: { ...errorResponse, description: 'The lifecycle is running (close it first), or the vehicle is already in that store' },
          422: { ...errorResponse, description: 'Unknown target store' },
        },
      },
    },
    '/api/vehicles/{vin}': {
      get: { summary: "A vehicle's records and its lifecycle state", parameters: [vinParam], responses: { 200: { description: 'Vehicle and state' }, 404: errorResponse } },
    },
    '/api/vehicles/{vin}/history': {
      get: { summary: 'Audit events of the vehicle: who, when, what, which workflow', parameters: [vinParam], responses: { 200: { description: 'Events, oldest first' }, 404: errorResponse } },
    },
    '/api/workflows': {
      get: {
        summary: 'Running lifecycles filtered by stage, store and advisor (Temporal visibility)',
        parameters: ['stage', 'store', 'advisor', 'overdue', 'limit'].map((name) => ({ name, in: 'query', required: false, schema: { type: name === 'limit' ? 'integer' : 'string' } })),
        responses: { 200: { description: 'Matching lifecycles' }, 400: errorResponse },
      },
    },
    '/api/workflows/stuck': {
      get: {
        summary: 'Lifecycles whose activity has kept failing for more than 10 minutes (database down, or data it refuses outside a person\'s step); a person of one store gets that store\'s',
        parameters: [{ name: 'store', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { 200: { description: '{ asOf, stuckAfterMinutes, lifecycles: [{ workflowId, vin, plate, storeId, activityType, firstFailedAt, lastFailedAt, attempts, lastError, failingForMinutes }] }, longest-failing first' }, 400: errorResponse, 403: errorResponse },
      },
    },
  };
  Object.assign(paths, capacityPaths());
  for (const step of LIFECYCLE_STEPS) {
    paths[`/api/vehicles/{vin}/${step.path}`] = {
      post: {
        summary: `${step.summary} (${step.rule})`,
        parameters: [vinParam],
        requestBody: { required: true, ...json(z.toJSONSchema(step.schema, { io: 'input' })) },
        responses: {
          200: { description: 'Applied; the new lifecycle state', ...json(stateRef) },
          400: errorResponse,
          404: errorResponse,
          409: { ...errorResponse, description: 'The vehicle is not at this step' },
          422: { ...errorResponse, description: 'The data is wrong for this vehicle' },
        },
      },
    };
  }
  const ticketParam = { name: 'ticketId', in: 'path', required: true, schema: { type: 'string', pattern: '^failure-[A-HJ-NPR-Z0-9]{17}-c[0-9]{1,4}$' } };
  Object.assign(paths, {
    '/api/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
    '/api/vehicles/{vin}/care': { get: { summary: 'Care contacts: what is owed next and by when (R20–R22)', parameters: [vinParam], responses: { 200: { description: 'Care state' }, 404: errorResponse } } },
    '/api/vehicles/{vin}/care-call': {
      post: {
        summary: 'Outcome of a care call (R20, R22)',
        parameters: [vinParam],
        requestBody: { required: true, ...json(z.toJSONSchema(careCallSchema, { io: 'input' })) },
        responses: { 200: { description: 'Applied; the care state' }, 400: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse },
      },
    },
    '/api/tickets/{ticketId}': { get: { summary: 'A service-failure ticket: grade, level, owners, answer deadline, escalations (R18)', parameters: [ticketParam], responses: { 200: { description: 'The ticket' }, 400: errorResponse, 404: errorResponse } } },
    '/api/tickets/{ticketId}/answer': {
      post: {
        summary: "The owner's answer; stops the escalation (R18)",
        parameters: [ticketParam],
        requestBody: { required: true, ...json(z.toJSONSchema(ticketAnswerSchema, { io: 'input' })) },
        responses: { 200: { description: 'Answered' }, 400: errorResponse, 404: errorResponse, 409: { ...errorResponse, description: 'Already answered' } },
      },
    },
  });
  Object.assign(paths, notificationPaths());
  Object.assign(paths, storeSetupPaths());
  Object.assign(paths, staffPaths());
  Object.assign(paths, importPaths());
  Object.assign(paths, fleetPaths());
  Object.assign(paths, codecPaths());
  paths['/api/stores/{storeId}/settings'] = {
    get: { summary: "The store's settings (every number the rules name), its own values and the defaults", parameters: [{ name: 'storeId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'Settings' }, 404: { description: 'No such store (or not yours)' } } },
    put: {
      summary: "Change some of the store's settings; running lifecycles use them for their later decisions and record the change",
      parameters: [{ name: 'storeId', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
      responses: { 200: { description: 'Changed: version, settings, vehiclesNotified' }, 400: { description: 'Unknown setting' }, 403: { description: 'Not a manager' }, 422: { description: 'Unusable value, named' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Service Lane API', version: '1.0.0', description: 'After-sales service lifecycle of a 4S dealership' },
    paths,
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/session' } },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, details: {} } },
        LifecycleState: {
          type: 'object',
          properties: {
            vin: { type: 'string' },
            cycle: { type: 'integer' },
            stage: { type: 'string' },
            dueDate: { type: 'string', format: 'date' },
            waitingFor: { type: 'array', items: { type: 'object', properties: { what: { type: 'string' }, rule: { type: 'string' }, by: { type: 'string', format: 'date-time' } } } },
          },
        },
      },
    },
  };
}

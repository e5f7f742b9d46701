// OpenAPI paths of a store's set-up (hours, closed days, bays, technicians, service plans), from the zod
// schemas that validate them.
import { z } from 'zod';
import {
  bayChangeSchema,
  baySchema,
  holidaySchema,
  openingHoursSchema,
  servicePlanChangeSchema,
  servicePlanSchema,
  technicianChangeSchema,
  technicianSchema,
} from '../commands/storeSetup';
import { CONFLICT_REASONS } from '../domain/setupConflicts';

const errorResponse = { description: 'The reason, as JSON { error, details? }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const refusals = { 400: errorResponse, 403: { ...errorResponse, description: 'Not a manager who changes settings' }, 404: { ...errorResponse, description: 'No such store (or not yours), or no such item' } };
const affected = `affectedBookings: the open bookings from now on the change left out — [{ bookingId, vin, plate, bookedFor, status, bayId, bayName, reasons: (${CONFLICT_REASONS.join(' | ')})[] }] — for a person to move; none is moved`;
const read = (summary: string) => ({ get: { summary, parameters: path('storeId'), responses: { 200: { description: summary }, 404: errorResponse } } });

export function storeSetupPaths(): Record<string, object> {
  return {
    '/api/stores/{storeId}/opening-hours': {
      ...read('Opening hours per weekday (0 = Sunday), Monday first; keepsHours false: the store books by its contact hours every day (R5)'),
      put: {
        summary: 'Replace the week: each weekday once, { weekday, opensAt, closesAt } or { weekday, closed: true } (R5, R8)',
        parameters: path('storeId'),
        requestBody: body(openingHoursSchema),
        responses: { 200: { description: `{ days, ${affected} }` }, ...refusals },
      },
    },
    '/api/stores/{storeId}/holidays': {
      ...read('Closed days (holidays, stock-taking days)'),
      post: {
        summary: 'A day the store is closed (R5, R8)',
        parameters: path('storeId'),
        requestBody: body(holidaySchema),
        responses: { 201: { description: `{ holiday, ${affected} }` }, ...refusals, 409: { ...errorResponse, description: 'Already a closed day' }, 422: { ...errorResponse, description: 'The date has passed' } },
      },
    },
    '/api/stores/{storeId}/holidays/{date}': {
      delete: { summary: 'The closed day is a working day again', parameters: path('storeId', 'date'), responses: { 200: { description: `{ holiday, ${affected} }` }, ...refusals } },
    },
    '/api/stores/{storeId}/bays': {
      ...read('Bays in the workshop plan, by kind (QUICK_SERVICE, GENERAL_REPAIR, BODY_PAINT)'),
      post: { summary: 'A bay of a kind (R8)', parameters: path('storeId'), requestBody: body(baySchema), responses: { 201: { description: `{ bay, ${affected} }` }, ...refusals, 409: { ...errorResponse, description: 'Another bay has that name' } } },
    },
    '/api/stores/{storeId}/bays/{bayId}': {
      patch: { summary: "A bay's name or kind (R8)", parameters: path('storeId', 'bayId'), requestBody: body(bayChangeSchema), responses: { 200: { description: `{ bay, ${affected} }` }, ...refusals, 409: { ...errorResponse, description: 'Another bay has that name' } } },
      delete: { summary: 'The bay leaves the workshop plan; bookings on it stay until moved (R8, R9)', parameters: path('storeId', 'bayId'), responses: { 200: { description: `{ bay, ${affected} }` }, ...refusals } },
    },
    '/api/stores/{storeId}/technicians': {
      ...read('Technicians in the workshop plan: skills (bay kinds) and weekly shifts'),
      post: {
        summary: 'A technician staff member of the store joins the workshop plan with skills and shifts (R8)',
        parameters: path('storeId'),
        requestBody: body(technicianSchema),
        responses: { 201: { description: `{ technician, ${affected} }` }, ...refusals, 409: { ...errorResponse, description: 'Already in the plan' }, 422: { ...errorResponse, description: 'Not an active technician of the store' } },
      },
    },
    '/api/stores/{storeId}/technicians/{staffId}': {
      patch: { summary: "A technician's skills or shifts (R8)", parameters: path('storeId', 'staffId'), requestBody: body(technicianChangeSchema), responses: { 200: { description: `{ technician, ${affected} }` }, ...refusals } },
      delete: { summary: 'The technician leaves the workshop plan (the staff account stays)', parameters: path('storeId', 'staffId'), responses: { 200: { description: `{ technician, ${affected} }` }, ...refusals } },
    },
    '/api/stores/{storeId}/service-plans': {
      ...read('Car models with their service plans (shared by every store): R1 intervals, R6 labour, estimate and parts'),
      post: {
        summary: "A car model's service plan, new or replaced as a whole (R1, R6); recorded in this store's audit chain",
        parameters: path('storeId'),
        requestBody: body(servicePlanSchema),
        responses: { 201: { description: '{ plan, created: true }' }, 200: { description: '{ plan, created: false }: replaced' }, ...refusals, 422: { ...errorResponse, description: 'An unknown part' } },
      },
    },
    '/api/stores/{storeId}/service-plans/{model}': {
      patch: { summary: "Some terms of a model's plan (R1, R6)", parameters: path('storeId', 'model'), requestBody: body(servicePlanChangeSchema), responses: { 200: { description: '{ plan, created: false }' }, ...refusals, 422: { ...errorResponse, description: 'An unknown part' } } },
      delete: { summary: 'Remove a plan no vehicle follows', parameters: path('storeId', 'model'), responses: { 200: { description: '{ plan }' }, ...refusals, 409: { ...errorResponse, description: 'Vehicles follow the plan (R1)' } } },
    },
  };
}

// OpenAPI paths of the capacity, slot and parts endpoints, from the zod schemas that validate them.
import { z } from 'zod';
import { holdBody, releaseBody } from '../commands/holds';
import { pickBody, purchaseOrderBody, reserveBody } from '../commands/parts';
import { slotQuery } from './capacityRoutes';

const errorResponse = { description: 'The reason, as JSON { error }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const slotRefusal = { description: 'The slot cannot be had: { error, reason, nextFree: [{ start, end, bayId, usesReserve }] }' };
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const range = ['from', 'to'].map((name) => ({ name, in: 'query', required: true, schema: { type: 'string', format: 'date' } }));
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });

export function capacityPaths(): Record<string, object> {
  const slotParams = Object.entries(z.toJSONSchema(slotQuery, { io: 'input' }).properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: ['jobType', 'from', 'to'].includes(name),
    schema,
  }));
  return {
    '/api/stores/{storeId}/capacity-model': { get: { summary: 'Bays, technicians, opening hours, holidays, job types and slot settings (R8)', parameters: path('storeId'), responses: { 200: { description: 'The model' }, 404: errorResponse } } },
    '/api/stores/{storeId}/capacity': {
      get: { summary: 'Day by day: capacity, booked minutes, every bay with its reservations (R8)', parameters: [...path('storeId'), ...range], responses: { 200: { description: 'Days' }, 400: errorResponse, 404: errorResponse } },
    },
    '/api/stores/{storeId}/slots': {
      get: { summary: 'Best free slots for a job, and why every other grid time was not offered (R8)', parameters: [...path('storeId'), ...slotParams], responses: { 200: { description: 'offered, notOffered' }, 400: errorResponse, 404: errorResponse, 422: errorResponse } },
    },
    '/api/stores/{storeId}/holds': {
      post: { summary: 'Hold (expires) or book a slot (R8)', parameters: [...path('storeId')], requestBody: body(holdBody), responses: { 201: { description: 'Claimed' }, 400: errorResponse, 404: errorResponse, 409: slotRefusal, 422: slotRefusal } },
    },
    '/api/stores/{storeId}/holds/{holdId}/confirm': {
      post: { summary: 'A hold becomes a booking', parameters: [...path('storeId', 'holdId')], responses: { 200: { description: 'Booked' }, 404: errorResponse, 409: slotRefusal } },
    },
    '/api/stores/{storeId}/holds/{holdId}/release': {
      post: { summary: 'Give a hold back', parameters: [...path('storeId', 'holdId')], requestBody: body(releaseBody), responses: { 200: { description: 'Released' }, 400: errorResponse, 404: errorResponse, 409: errorResponse } },
    },
    '/api/bookings/{bookingId}/parts': {
      post: { summary: 'Reserve parts; late parts come with other times proposed (R6, R8)', parameters: [...path('bookingId')], requestBody: body(reserveBody), responses: { 200: { description: 'readiness, late, proposals' }, 400: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse } },
    },
    '/api/bookings/{bookingId}/parts/pick': {
      post: { summary: 'Pick the reserved parts into a labelled basket (R6)', parameters: [...path('bookingId')], requestBody: body(pickBody), responses: { 200: { description: 'basketLabel, parts' }, 400: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse } },
    },
    '/api/stores/{storeId}/purchase-orders': {
      post: { summary: 'Order parts with an expected arrival (R6)', parameters: [...path('storeId')], requestBody: body(purchaseOrderBody), responses: { 201: { description: 'Ordered' }, 400: errorResponse, 404: errorResponse, 422: errorResponse } },
    },
    '/api/stores/{storeId}/purchase-orders/{orderId}/receive': {
      post: { summary: 'Ordered parts arrive on the shelf', parameters: [...path('storeId', 'orderId')], responses: { 200: { description: 'Received' }, 404: errorResponse, 409: errorResponse } },
    },
    '/api/stores/{storeId}/parts/{partNumber}': {
      get: { summary: 'Stock, reservations and open purchase orders of a part', parameters: path('storeId', 'partNumber'), responses: { 200: { description: 'The part' }, 404: errorResponse } },
    },
    '/api/stores/{storeId}/preparation-board': {
      get: { summary: 'Open bookings by booked day and urgency, with bay and parts (R6, R8)', parameters: [...path('storeId'), ...range], responses: { 200: { description: 'rows' }, 400: errorResponse, 404: errorResponse } },
    },
  };
}

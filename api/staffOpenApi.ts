// OpenAPI paths of the staff accounts (issue 16), from the zod schemas that validate them.
import { z } from 'zod';
import { addStaffSchema, changeOwnPasswordSchema, changeStaffSchema, noInputSchema, reassignCustomersSchema } from '../commands/staff';

const errorResponse = { description: 'The reason, as JSON { error, details? }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const path = (name: string) => [{ name, in: 'path', required: true, schema: { type: 'string' } }];
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const refusals = { 400: errorResponse, 403: { ...errorResponse, description: 'Not a manager, a role the manager may not give or manage, or one\'s own account' }, 404: { ...errorResponse, description: 'No such staff member or store (or not in your stores)' } };

export function staffPaths(): Record<string, object> {
  return {
    '/api/stores/{storeId}/staff': {
      get: { summary: "A store's people: role, active, whether they must change their password, customers of each sales consultant (R22); never a password", parameters: path('storeId'), responses: { 200: { description: '{ storeId, staff }' }, 403: errorResponse, 404: errorResponse } },
      post: {
        summary: 'Add a person (service or general manager; a service manager may not make general managers or auditors). Without initialPassword a temporary one is answered, once; either must be changed at the first sign-in. Audited',
        parameters: path('storeId'),
        requestBody: body(addStaffSchema),
        responses: { 201: { description: '{ staff, temporaryPassword? }' }, ...refusals, 409: { ...errorResponse, description: 'The staff id is taken' } },
      },
    },
    '/api/staff/{id}': {
      patch: {
        summary: "Change a person's name, role or active (disabling ends their sessions at once); nobody changes their own role or disables themselves. Audited",
        parameters: path('id'),
        requestBody: body(changeStaffSchema),
        responses: { 200: { description: 'The account' }, ...refusals },
      },
    },
    '/api/staff/{id}/password-reset': {
      post: { summary: 'A temporary password, answered once; the person\'s sessions end and they must choose a new password at the next sign-in. Audited (never the password)', parameters: path('id'), requestBody: body(noInputSchema), responses: { 200: { description: '{ staffId, temporaryPassword, sessionsEnded }' }, ...refusals } },
    },
    '/api/staff/{id}/reassign-customers': {
      post: {
        summary: "R22: every vehicle of the store whose sales consultant is this person goes to another active sales consultant of the same store, in one step; audited in the store's chain and each vehicle's history",
        parameters: path('id'),
        requestBody: body(reassignCustomersSchema),
        responses: { 200: { description: '{ from, to, storeId, vins }' }, ...refusals, 409: { ...errorResponse, description: 'The person has no customers to reassign' }, 422: { ...errorResponse, description: '`to` is not an active sales consultant of the store' } },
      },
    },
    '/api/session/password': {
      post: {
        summary: 'Change your own password (at least 10 characters, not your staff id); the one endpoint open to a token whose person must change their password. Your other sessions end',
        requestBody: body(changeOwnPasswordSchema),
        responses: { 200: { description: '{ staff, otherSessionsEnded }' }, 400: errorResponse, 401: errorResponse, 429: { ...errorResponse, description: 'Too many wrong current passwords' } },
      },
    },
  };
}

// The notification endpoints in the OpenAPI document, request bodies from the zod schemas that check them.
import { z } from 'zod';
import { channelSchema } from '../commands/channels';
import { localePreferenceSchema, optOutSchema } from '../commands/contactPreferences';
import { resolveSchema } from '../commands/outbox';
import { templateTextSchema } from '../commands/templates';
import { previewSchema } from './notifications/templateAdmin';

const error = { description: 'The reason, as JSON { error }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const ok = (description: string) => ({ description });
const path = (name: string, pattern?: string) => ({ name, in: 'path', required: true, schema: pattern ? { type: 'string', pattern } : { type: 'string' } });
const query = (...names: string[]) => names.map((name) => ({ name, in: 'query', required: false, schema: { type: name === 'limit' ? 'integer' : 'string' } }));
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const vin = path('vin', '^[A-HJ-NPR-Z0-9]{17}$');

export function notificationPaths(): Record<string, object> {
  return {
    '/api/outbox': { get: { summary: 'Outbox messages (newest first) and counts per status', parameters: query('store', 'status', 'channel', 'vin', 'limit'), responses: { 200: ok('Messages'), 400: error } } },
    '/api/outbox/{id}': { get: { summary: 'One outbox message', parameters: [path('id')], responses: { 200: ok('Message'), 404: error } } },
    '/api/outbox/{id}/retry': { post: { summary: 'Send a FAILED or BOUNCED message again', parameters: [path('id')], responses: { 200: ok('Queued again'), 404: error, 409: error } } },
    '/api/outbox/{id}/resolve': { post: { summary: 'Record how the recipient of a FAILED or BOUNCED message was reached instead', parameters: [path('id')], requestBody: body(resolveSchema), responses: { 200: ok('Resolved'), 400: error, 404: error, 409: error } } },
    '/api/vehicles/{vin}/messages': { get: { summary: "A vehicle's messages and the customer's opt-outs", parameters: [vin], responses: { 200: ok('Messages'), 404: error } } },
    '/api/vehicles/{vin}/opt-outs': { post: { summary: 'The customer opts out of a channel', parameters: [vin], requestBody: body(optOutSchema), responses: { 201: ok('Recorded'), 400: error, 404: error } } },
    '/api/vehicles/{vin}/opt-outs/{channel}': { delete: { summary: 'The customer opts back in', parameters: [vin, path('channel')], responses: { 204: ok('Removed'), 404: error } } },
    '/api/vehicles/{vin}/customer-locale': { put: { summary: "Language of the customer's messages (zh-CN, en)", parameters: [vin], requestBody: body(localePreferenceSchema), responses: { 200: ok('Changed'), 400: error, 404: error } } },
    '/api/templates': { get: { summary: "Message templates: rule, audience, variables, the store's overrides (a store not yours: 404)", parameters: query('store'), responses: { 200: ok('Catalogue'), 400: error, 404: error } } },
    '/api/templates/{key}': { get: { summary: 'Default and current wording per locale (a store not yours: 404)', parameters: [path('key'), ...query('store')], responses: { 200: ok('Template'), 400: error, 404: error } } },
    '/api/templates/{key}/{locale}': {
      put: { summary: "A store's own wording (must render with the sample data, within the time budget)", parameters: [path('key'), path('locale')], requestBody: body(templateTextSchema), responses: { 200: ok('Saved'), 400: error, 404: error, 422: error, 503: error } },
      delete: { summary: 'Back to the default wording', parameters: [path('key'), path('locale'), ...query('store')], responses: { 204: ok('Removed'), 404: error } },
    },
    '/api/templates/{key}/preview': {
      post: {
        summary: 'Render stored or draft wording with the sample data or a few small variables (template managers; within a time budget)',
        parameters: [path('key')],
        requestBody: body(previewSchema),
        responses: { 200: ok('Subject and body'), 400: error, 403: error, 404: error, 422: { ...error, description: 'Does not render, or takes too long to render, as JSON { error }' }, 503: error },
      },
    },
    '/api/stores/{storeId}/channels': { get: { summary: "A store's effective channel configuration (secrets masked)", parameters: [path('storeId')], responses: { 200: ok('Channels'), 422: error } } },
    '/api/stores/{storeId}/channels/{channel}': { put: { summary: 'Configure EMAIL, SMS, WECOM or DINGTALK for a store', parameters: [path('storeId'), path('channel')], requestBody: body(channelSchema), responses: { 200: ok('Saved'), 400: error, 404: error, 422: error } } },
    '/api/pages/{code}/ack': {
      get: { summary: 'Acknowledge a page (R18/R24): the link in the page', parameters: [path('code')], responses: { 200: ok('Acknowledged'), 404: error } },
      post: { summary: 'Acknowledge a page (R18/R24)', parameters: [path('code')], responses: { 200: ok('Acknowledged'), 404: error } },
    },
  };
}

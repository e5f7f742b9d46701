// OpenAPI paths of the import from a DMS export and the export (issue 16), from the zod schemas that validate them.
import { z } from 'zod';
import { dryRunSchema } from '../commands/dmsImport';
import { EXPORTS } from '../import/export';
import { IMPORT_KINDS } from '../import/fields';
import { UPLOAD_TYPES } from '../import/upload';

const errorResponse = { description: 'The reason, as JSON { error, details? }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const storeParam = { name: 'storeId', in: 'path', required: true, schema: { type: 'string' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const formatParam = { name: 'format', in: 'query', required: false, schema: { enum: ['json', 'csv'] }, description: 'csv: the report as a file to download' };
const langParam = { name: 'lang', in: 'query', required: false, schema: { enum: ['zh', 'en'] }, description: "the CSV report's language (else Accept-Language; English by default)" };
const refusals = { 400: errorResponse, 403: errorResponse, 404: { ...errorResponse, description: 'No such store or import (or not in your stores)' } };
const report = { description: "The job's progress and its rows: line, action (CREATE, UPDATE, UNCHANGED, REFUSED), key, reasons [{ column, field, message, zh }], changes [{ column, field, from, to }], dueDate and dueRule (R1 / R1b), contactOn (overdue cars' first contact day)" };

export function importPaths(): Record<string, object> {
  const paths: Record<string, object> = {
    '/api/stores/{storeId}/imports': {
      post: {
        summary: "Upload a DMS export (CSV in UTF-8 or GBK, or .xlsx; at most 10 MB) of one kind of row; the first mapping of the file's columns is guessed from its header row. Audited in the store's chain",
        parameters: [storeParam, { name: 'kind', in: 'query', required: false, schema: { enum: [...IMPORT_KINDS] } }, { name: 'fileName', in: 'query', required: false, schema: { type: 'string' } }],
        requestBody: { required: true, content: Object.fromEntries(UPLOAD_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) },
        responses: { 201: { description: 'The import job: id, format, encoding, rowCount, headers, mapping, status UPLOADED' }, ...refusals, 413: errorResponse, 415: errorResponse, 422: { ...errorResponse, description: 'Not a readable CSV or .xlsx file' } },
      },
      get: { summary: "The store's latest imports with their progress", parameters: [storeParam], responses: { 200: { description: '{ storeId, imports }' }, ...refusals } },
    },
    '/api/stores/{storeId}/imports/{id}': {
      get: { summary: "An import's progress: status, rows done of rowCount (percent), counts per action, overdue cars per first-contact day, why a run stopped (lastError, interrupted: run it again to resume)", parameters: [storeParam, idParam], responses: { 200: { description: 'Progress' }, ...refusals } },
    },
    '/api/stores/{storeId}/imports/{id}/report': {
      get: { summary: 'The report of the dry run, then of the run (each row with its outcome)', parameters: [storeParam, idParam, formatParam, langParam], responses: { 200: report, ...refusals } },
    },
    '/api/stores/{storeId}/imports/{id}/dry-run': {
      post: {
        summary: 'Check the file with a column mapping (given, a saved preset, or the last one) without writing: per row and column what would be created, updated or refused and why — the registration\'s own schema and its one-store-per-VIN rule; R1/R1b due date of each new car and, for cars already overdue, the day of their first reminder and call (overduePerDay a day). savePreset keeps the mapping for the store',
        parameters: [storeParam, idParam, formatParam, langParam],
        requestBody: { required: false, content: { 'application/json': { schema: z.toJSONSchema(dryRunSchema, { io: 'input' }) } } },
        responses: { 200: report, ...refusals, 409: { ...errorResponse, description: 'The import has started or been run' }, 422: { ...errorResponse, description: 'The file lacks a column every row needs, or no such preset' } },
      },
    },
    '/api/stores/{storeId}/imports/{id}/run': {
      post: {
        summary: 'Run the import (planned again first), or resume one that stopped: rows in file order through the registration command\'s logic, idempotent (the same file twice creates nothing), workflow starts rate-limited (IMPORT_STARTS_PER_SECOND, default 20); follow it on GET …/{id}',
        parameters: [storeParam, idParam],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false } } } },
        responses: { 202: { description: 'Started; the progress' }, ...refusals, 409: { ...errorResponse, description: 'Running already, or done' }, 422: errorResponse },
      },
    },
  };
  for (const name of EXPORTS) {
    paths[`/api/stores/{storeId}/export/${name}.csv`] = {
      get: { summary: `The store's ${name} as CSV with the import's column names (phones masked for roles that do not call customers)`, parameters: [storeParam], responses: { 200: { description: 'text/csv', content: { 'text/csv': { schema: { type: 'string' } } } }, ...refusals } },
    };
  }
  return paths;
}

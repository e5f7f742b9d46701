// The one kind of request body besides JSON and forms: an import's file, sent as itself to the API
// (CSV or .xlsx content types) or in a multipart form from the imports page.
import type { Request } from 'express';

export const UPLOAD_TYPES = [
  'text/csv',
  'text/tab-separated-values',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  // What browsers and Windows often call a .csv file.
  'application/vnd.ms-excel',
  'application/octet-stream',
];

export const API_UPLOAD = /^\/api\/stores\/[^/]+\/imports$/;
export const PAGE_UPLOAD = /^\/stores\/[^/]+\/imports$/;

/** A request to the upload doors in the content type each reads. */
export function isUpload(req: Request): boolean {
  if (req.method !== 'POST') return false;
  if (API_UPLOAD.test(req.path)) return Boolean(req.is(UPLOAD_TYPES));
  return PAGE_UPLOAD.test(req.path) && Boolean(req.is('multipart/form-data'));
}

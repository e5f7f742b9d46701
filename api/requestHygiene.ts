// What every request passes before a route sees it, so that no malformed input reaches a command: a
// body in a content type the door does not read is refused (a text/plain body once ran as an empty
// one), JSON nested deeper than any command's schema is refused, and no string anywhere may carry a NUL
// (PostgreSQL cannot store it: a step that tried would retry forever).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Prisma } from '../generated/prisma/client';
import { isUpload } from '../import/upload';
import { HttpError } from './httpError';

const MAX_DEPTH = 16;

function hasBody(req: Request): boolean {
  const length = req.header('content-length');
  return req.header('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/**
 * The API reads JSON; the pages' forms also send url-encoded bodies. A request without a body (a POST
 * that follows an acknowledgement link, say) needs no content type.
 */
export function contentTypes(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    const api = req.path.startsWith('/api/');
    if (req.is('application/json') || (!api && req.is('application/x-www-form-urlencoded')) || isUpload(req)) return next();
    next(new HttpError(415, api ? 'send the body as application/json' : 'send the form as application/x-www-form-urlencoded'));
  };
}

/** The first place where a value nests too deep or a string holds a NUL, as a field path; undefined when clean. */
export function findBadInput(value: unknown): { path: string; why: string } | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, why: 'must not contain control characters' };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return { path, why: `nests deeper than ${MAX_DEPTH} levels` };
    for (const [k, child] of Object.entries(v)) {
      const childPath = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) return { path: childPath.replace(/\u0000/g, '\\u0000'), why: 'a field name must not contain control characters' };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}

// %00–%1F and %7F in the address decode to control characters in a path parameter.
const CONTROL_IN_PATH = /%(?:[01][0-9a-f]|7f)/i;

export function cleanInput(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (CONTROL_IN_PATH.test(req.path)) return next(new HttpError(400, 'the address must not contain control characters'));
    for (const [part, value] of [
      ['body', req.body],
      ['query', req.query],
    ] as const) {
      const bad = findBadInput(value);
      if (bad) return next(new HttpError(400, `${bad.path || part}: ${bad.why}`, [{ path: bad.path, message: bad.why }]));
    }
    next();
  };
}

/**
 * The refusals Express and its body parsers raise before a route runs (a body too large or not JSON, a
 * path that does not decode), as the API's own 4xx; undefined for anything else.
 */
export function requestRefusal(err: unknown): HttpError | undefined {
  if (err instanceof URIError) return new HttpError(400, 'the address has characters that do not decode (malformed %-escape)');
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // A value PostgreSQL refuses to store or compare (SQLSTATE class 22, data exception) is the request's fault.
  if (err instanceof Prisma.PrismaClientKnownRequestError && /Code: `22[0-9A-Z]{3}`/.test(err.message)) return new HttpError(400, 'the request has a value that cannot be stored');
  if (e.type === 'entity.too.large') return new HttpError(413, 'request body too large');
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new HttpError(415, 'send the body in UTF-8');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HttpError(e.status, /decode param/i.test(e.message ?? '') ? 'the address has characters that do not decode (malformed %-escape)' : (e.message ?? 'bad request'));
  }
  return undefined;
}

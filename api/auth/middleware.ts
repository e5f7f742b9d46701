// The one authentication and authorization layer every router uses:
//   router.use(authenticate(db, clock));  router.get('/x', authorize('vehicle.read'), handler)
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../../activities/database';
import type { Clock } from '../../runtime/clock';
import { HttpError } from '../httpError';
import { Action, can } from './policy';
import { Principal } from './principal';
import { principalFor } from './sessions';

export const SESSION_COOKIE = 'sl_session';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      try {
        out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        // A cookie we did not write and cannot decode is simply ignored.
      }
    }
  }
  return out;
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(req.header('authorization') ?? '');
  return match?.[1];
}

/** Where a person who must choose a new password does so: the page, and the API's endpoint. */
export const PASSWORD_PAGE = '/password';
export const PASSWORD_ENDPOINT = '/api/session/password';

/** What a person who must change their password may still reach: the change itself, who am I, sign-out. */
function openBeforePasswordChange(req: Request): boolean {
  const at = `${req.method} ${req.path}`;
  return ['GET /api/session', 'DELETE /api/session', `POST ${PASSWORD_ENDPOINT}`, `GET ${PASSWORD_PAGE}`, `POST ${PASSWORD_PAGE}`, 'POST /logout'].includes(at) || /^\/(static|lang)\//.test(req.path);
}

/**
 * Finds the signed-in person from a bearer token (API clients) or the session cookie (browsers). A person
 * signed in with a password someone else chose (a new account, a reset) gets only the password change:
 * pages send them to it, the API answers 403 saying so.
 */
export function authenticate(db: Db, clock: Clock): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.principal) return next();
    const token = bearerToken(req) ?? readCookies(req)[SESSION_COOKIE];
    if (!token) return next();
    principalFor(db, token, clock.now()).then((p) => {
      // A cookie can only carry a web session and a header only an API token: neither stands in for the other.
      if (p && (p.session.kind === 'API') === (bearerToken(req) !== undefined)) req.principal = p;
      if (!req.principal?.mustChangePassword || openBeforePasswordChange(req)) return next();
      if (req.path.startsWith('/api/')) return next(new HttpError(403, `choose your own password first: POST ${PASSWORD_ENDPOINT} {"currentPassword", "newPassword"}; nothing else is open until then`));
      res.redirect(303, PASSWORD_PAGE);
    }, next);
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * 401 without a session, 403 when the person's role may not take the action, and for a browser session
 * 403 on a changing request that lacks the session's CSRF token (form field or header).
 */
export function authorize(action: Action): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    try {
      checkAccess(req, action);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The check behind authorize(), for handlers whose action depends on what they load (a task's step). */
export function checkAccess(req: Request, action: Action): Principal {
  const p = req.principal;
  if (!p) throw new HttpError(401, 'sign in first: POST /api/session for a bearer token, or /login in a browser');
  if (p.session.kind === 'WEB' && !SAFE_METHODS.has(req.method)) {
    const sent = req.header(CSRF_HEADER) ?? (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (!sameSecret(typeof sent === 'string' ? sent : undefined, p.session.csrfToken)) throw new HttpError(403, 'missing or wrong CSRF token; reload the page and try again');
  }
  if (!can(p.role, action)) throw new HttpError(403, `a ${p.role} may not ${action}`);
  return p;
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'sign in first');
  return req.principal;
}

// Sign-in page (CSRF double-submit before a session exists), sign-out, language switch, home.
import express, { Router } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { can } from '../../api/auth/policy';
import { PASSWORD_PAGE, readCookies, SESSION_COOKIE } from '../../api/auth/middleware';
import { closeSession, SESSION_TTL_MS } from '../../api/auth/sessions';
import { signIn } from '../../api/auth/signIn';
import { HttpError } from '../../api/httpError';
import { WebContext } from '../context';
import { localPath } from '../flash';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';

const LOGIN_CSRF_COOKIE = 'sl_login_csrf';

function sameToken(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function homeOf(role: Parameters<typeof can>[0]): string {
  if (role === 'AUDITOR') return '/audit';
  if (can(role, 'manager.view') && role !== 'SERVICE_SUPERVISOR') return '/manager';
  return '/inbox';
}

export function sessionPages(ctx: WebContext): Router {
  const router = express.Router();
  const showLogin = (req: express.Request, res: express.Response, status: number, error?: string, staffId?: string) => {
    const loginCsrf = randomBytes(24).toString('base64url');
    res.cookie(LOGIN_CSRF_COOKIE, loginCsrf, { httpOnly: true, sameSite: 'strict', path: '/login', secure: req.secure });
    res.status(status).send(renderPage(req, 'login', text(langOf(req), 'signIn'), { loginCsrf, error, staffId, next: localPath(req.query.next ?? req.body?.next, '') }));
  };

  router.get('/', (req, res) => {
    res.redirect(req.principal ? homeOf(req.principal.role) : '/login');
  });

  router.get('/login', (req, res) => {
    if (req.principal) return res.redirect(homeOf(req.principal.role));
    showLogin(req, res, 200);
  });

  router.post('/login', async (req, res) => {
    const lang = langOf(req);
    if (!sameToken(req.body?._csrf, readCookies(req)[LOGIN_CSRF_COOKIE])) throw new HttpError(403, 'missing or wrong CSRF token; reload the page and try again');
    const staffId = typeof req.body.staffId === 'string' ? req.body.staffId.trim().slice(0, 64) : '';
    const password = typeof req.body.password === 'string' ? req.body.password.slice(0, 200) : '';
    const result = await signIn(ctx.db, ctx.limits, staffId, password, req.ip ?? 'unknown', 'WEB', ctx.clock.now());
    if (!result.ok) {
      if (result.retryAfterSeconds) res.setHeader('Retry-After', String(result.retryAfterSeconds));
      return showLogin(req, res, result.status, text(lang, result.status === 429 ? 'tooManyAttempts' : 'wrongCredentials'), staffId);
    }
    res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/login' });
    res.cookie(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: SESSION_TTL_MS.WEB });
    // A password someone else chose (new account, reset) is replaced before anything else.
    if (result.staff.mustChangePassword) return res.redirect(303, PASSWORD_PAGE);
    res.redirect(localPath(req.body.next, homeOf(result.staff.role as Parameters<typeof can>[0])));
  });

  router.post('/logout', async (req, res) => {
    const p = req.principal;
    if (p) {
      if (!sameToken(req.body?._csrf, p.session.csrfToken)) throw new HttpError(403, 'missing or wrong CSRF token; reload the page and try again');
      await closeSession(ctx.db, p.session.id);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect('/login');
  });

  router.get('/lang/:lang', (req, res) => {
    res.cookie('sl_lang', req.params.lang === 'en' ? 'en' : 'zh', { sameSite: 'lax', path: '/', maxAge: 365 * 86_400_000 });
    res.redirect(localPath(req.query.next, '/'));
  });
  return router;
}

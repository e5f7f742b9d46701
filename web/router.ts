// The web UI: server-rendered pages behind the same sign-in and policy as the API.
import express, { NextFunction, Request, Response, Router } from 'express';
import path from 'node:path';
import { vehicleScope } from '../api/auth/scope';
import { defaultSignInLimits } from '../api/auth/signIn';
import { createCommandDeps } from '../commands/command';
import { systemClock } from '../runtime/clock';
import { HttpError } from '../api/httpError';
import { requestRefusal } from '../api/requestHygiene';
import { WebContext, WebDeps } from './context';
import { text } from './i18n';
import { auditPages } from './pages/audit';
import { boardPages } from './pages/board';
import { capacityPages } from './pages/capacity';
import { inboxPages } from './pages/inbox';
import { managerPages } from './pages/manager';
import { channelPages } from './pages/channels';
import { outboxPages } from './pages/outbox';
import { sessionPages } from './pages/session';
import { staffPages } from './pages/staff';
import { importPages } from './pages/imports';
import { storeSetupPages } from './pages/storeSetup';
import { templatePages } from './pages/templates';
import { vehiclePages } from './pages/vehicle';
import { workshopPages } from './pages/workshop';
import { repairOrderPages } from './pages/repairOrder';
import { registrationPages } from './pages/registration';
import { contactPreferencePages } from './pages/vehicleMessages';
import { reportPages } from './pages/reports';
import { vehicleFilePages } from './pages/vehicleFiles';
import { firstServiceRatePages } from './pages/firstServiceRate';
import { fleetPages } from './pages/fleets';
import { qualityIncidentPages } from './pages/qualityIncident';
import { langOf, renderPage } from './render';

export function createWebRouter(deps: WebDeps): Router {
  const clock = deps.clock ?? systemClock;
  const commands = deps.commands ?? createCommandDeps({ client: deps.client, db: deps.db, clock });
  const ctx: WebContext = { ...deps, checkVehicle: vehicleScope(commands.storeOf), limits: deps.signInLimits ?? defaultSignInLimits(), clock, commands };
  const router = express.Router();
  router.use('/static', express.static(path.join(__dirname, 'public'), { maxAge: '1h' }));
  router.use((_req, res, next) => {
    // Pages are never framed by another site and never cached with someone's data in them.
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // /vehicles/new before /vehicles/:vin, which would take "new" for a VIN.
  for (const pages of [sessionPages, inboxPages, boardPages, registrationPages, vehiclePages, managerPages, auditPages, outboxPages, templatePages, channelPages, contactPreferencePages, capacityPages, repairOrderPages, workshopPages, staffPages, storeSetupPages, importPages, reportPages, vehicleFilePages, firstServiceRatePages, fleetPages, qualityIncidentPages]) router.use(pages(ctx));
  // Express recognises an error handler by its four parameters.
  router.use((thrown: unknown, req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/')) return next(thrown);
    const err = requestRefusal(thrown) ?? thrown;
    if (err instanceof HttpError && err.status === 401) return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    const lang = langOf(req);
    // An unexpected failure is logged and shown without its details, like the API's 500.
    if (!(err instanceof HttpError)) console.error(err);
    const status = err instanceof HttpError ? err.status : 500;
    const heading = text(lang, status === 403 ? 'forbidden' : status === 404 ? 'notFound' : 'error');
    const message = err instanceof HttpError ? err.message : text(lang, 'internalError');
    res.status(status).send(renderPage(req, 'error', heading, { heading, message }));
  });
  return router;
}

import type { Client } from '@temporalio/client';
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../activities/database';
import { careCallCommand } from '../commands/careCall';
import { Command, CommandDeps, createCommandDeps, runCommand, Subject } from '../commands/command';
import { LIFECYCLE_STEPS, lifecycleStepCommand } from '../commands/lifecycleSteps';
import { registerVehicleCommand } from '../commands/registration';
import { listWorkflowsSchema, ticketIdSchema, vinSchema } from '../commands/schemas';
import { ticketAnswerCommand, ticketSubject } from '../commands/ticketAnswer';
import { transferVehicleCommand } from '../commands/transferVehicle';
import { Clock, systemClock } from '../runtime/clock';
import type { TrustProxy } from '../runtime/config';
import { logger as defaultLogger } from '../runtime/logger';
import { createMetrics, Metrics } from '../runtime/metrics';
import type { Logger } from 'pino';
import { getFailureTicket } from '../workflows/failureTicket/contract';
import { getState, lifecycleWorkflowId } from '../workflows/lifecycle/contract';
import { careWorkflowId, getCare } from '../workflows/care/contract';
import { authenticate, authorize, principalOf } from './auth/middleware';
import { Principal } from './auth/principal';
import { maskPhonesDeep, seesPhoneNumbers } from './auth/policy';
import { vehicleScope } from './auth/scope';
import { sessionRouter } from './auth/sessionRoutes';
import { defaultSignInLimits, SignInLimits } from './auth/signIn';
import { capacityRoutes } from './capacityRoutes';
import { codecRoutes } from './codecRoutes';
import { HttpError } from './httpError';
import { reasonIn } from '../commands/reasons';
import { notificationRoutes } from './notificationRoutes';
import { observabilityRoutes, requestLogging } from './observability';
import { storeSettingsRoutes } from './storeSettingsRoutes';
import { storeSetupRoutes } from './storeSetupRoutes';
import { fleetRoutes } from './fleetRoutes';
import { staffRoutes } from './staffRoutes';
import { importRoutes } from './importRoutes';
import { stuckRoutes } from './stuckRoutes';
import { buildOpenApi } from './openapi';
import { partsRoutes } from './partsRoutes';
import { cleanInput, contentTypes, requestRefusal } from './requestHygiene';
import { listLifecycles } from './visibility';
import { isTemporarilyUnavailable } from './unavailable';
import { isWorkflowNotFound } from './workflowErrors';

export interface ApiDeps {
  client: Client;
  db: Db;
  /** Sign-in rate limits; tests pass their own to exercise them. */
  signInLimits?: SignInLimits;
  /** More routers behind the same sign-in (the web UI, other features), mounted before the 404. */
  routers?: express.Router[];
  /** The product's clock; the system clock unless a test fixes the time. */
  clock?: Clock;
  /** What the commands share (caches of stores and workshop plans); the web UI gets the same. */
  commands?: CommandDeps;
  /** Origins of the Temporal web UI allowed to call the codec endpoint from a browser; none unless given. */
  temporalUiOrigins?: readonly string[];
  /** Where request and error lines go; the product's JSON logger unless a test captures them. */
  logger?: Logger;
  /** The Prometheus registry served on /metrics; one of its own unless given. */
  metrics?: Metrics;
  /** Proxies whose X-Forwarded-For / -Proto are believed (client address for the sign-in limit, Secure cookies); none unless given. */
  trustProxy?: TrustProxy;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new HttpError(400, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }
  return result.data;
}

/** Customer phone numbers only for the roles that call customers. */
function forViewer<T>(p: Principal, value: T): T {
  return seesPhoneNumbers(p.role) ? value : maskPhonesDeep(value);
}

/**
 * A refusal in the language the caller asks for (Accept-Language); English unless Chinese is preferred,
 * since integrations were written against the English reasons. Each issue keeps both.
 */
function inCallersLanguage(req: Request, err: HttpError): { error: string; details: unknown } {
  if (req.acceptsLanguages('en', 'zh') !== 'zh') return { error: err.message, details: err.details };
  const issues = Array.isArray(err.details) ? (err.details as { path?: string; zh?: string; message?: string }[]) : undefined;
  const error = issues?.every((i) => i.zh) ? issues.map((i) => (i.path ? `${i.path}: ${i.zh}` : i.zh)).join('; ') : reasonIn('zh', err.message);
  return { error, details: err.details };
}

export function createApp({ client, db, signInLimits, routers = [], clock = systemClock, commands = createCommandDeps({ client, db, clock }), temporalUiOrigins = [], logger = defaultLogger, metrics = createMetrics({ db, clock }), trustProxy = false }: ApiDeps): express.Express {
  const app = express();
  const { storeOf } = commands;
  const checkVehicle = vehicleScope(storeOf);
  const run = <S extends z.ZodType, R, T extends Subject>(req: Request, command: Command<S, R, T>, subject: T) => runCommand(commands, principalOf(req), command, subject, req.body);
  const visibleVin = async (req: Request) => {
    const vin = parse(vinSchema, req.params.vin);
    await checkVehicle(principalOf(req), vin);
    return vin;
  };
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use(requestLogging(logger));
  app.use(observabilityRoutes({ client, db, metrics, logger }));
  app.use(contentTypes());
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(cleanInput());
  app.use(authenticate(db, clock));
  app.use(sessionRouter(db, signInLimits ?? defaultSignInLimits(), clock));
  app.use(capacityRoutes({ commands }));
  app.use(partsRoutes({ commands }));
  app.use(stuckRoutes({ db, clock }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });

  app.post('/api/vehicles', authorize('vehicle.register'), async (req, res) => {
    const result = await run(req, registerVehicleCommand, {});
    res.status(result.created ? 201 : 200).json(result);
  });

  app.post('/api/vehicles/:vin/transfer', authorize('vehicle.transfer'), async (req, res) => {
    res.json(await run(req, transferVehicleCommand, { vin: parse(vinSchema, req.params.vin) }));
  });

  app.get('/api/vehicles/:vin', authorize('vehicle.read'), async (req, res) => {
    const vin = await visibleVin(req);
    const [vehicle, state] = await Promise.all([
      db.vehicle.findUnique({ where: { vin }, include: { customer: true, bookings: true, repairOrders: { include: { items: true } }, surveys: true, tasks: true } }),
      client.workflow
        .getHandle(lifecycleWorkflowId(vin))
        .query(getState)
        .catch((err) => {
          if (isWorkflowNotFound(err)) return null;
          throw err;
        }),
    ]);
    if (!vehicle && !state) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    res.json(forViewer(principalOf(req), { vin, workflowId: lifecycleWorkflowId(vin), state, vehicle }));
  });

  app.get('/api/vehicles/:vin/history', authorize('history.read'), async (req, res) => {
    const vin = await visibleVin(req);
    const events = await db.auditEvent.findMany({ where: { vin }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
    if (events.length === 0 && !(await db.vehicle.findUnique({ where: { vin } }))) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    res.json(forViewer(principalOf(req), { vin, events: events.map((e) => ({ ...e, id: e.id.toString() })) }));
  });

  for (const step of LIFECYCLE_STEPS) {
    const command = lifecycleStepCommand(step.path);
    app.post(`/api/vehicles/:vin/${step.path}`, authorize(command.action), async (req, res) => {
      res.json(await run(req, command, { vin: parse(vinSchema, req.params.vin) }));
    });
  }

  app.get('/api/vehicles/:vin/care', authorize('care.read'), async (req, res) => {
    const vin = await visibleVin(req);
    try {
      res.json(forViewer(principalOf(req), await client.workflow.getHandle(careWorkflowId(vin)).query(getCare)));
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new HttpError(404, `no care contacts for VIN ${vin}`);
      throw err;
    }
  });

  app.post('/api/vehicles/:vin/care-call', authorize('care.call'), async (req, res) => {
    res.json(await run(req, careCallCommand, { vin: parse(vinSchema, req.params.vin) }));
  });

  const visibleTicket = async (req: Request) => {
    const ticketId = parse(ticketIdSchema, req.params.ticketId);
    await checkVehicle(principalOf(req), ticketId.split('-')[1]).catch(() => {
      throw new HttpError(404, `no service-failure ticket ${ticketId}`);
    });
    return ticketId;
  };

  app.get('/api/tickets/:ticketId', authorize('ticket.read'), async (req, res) => {
    const ticketId = await visibleTicket(req);
    try {
      res.json(forViewer(principalOf(req), await client.workflow.getHandle(ticketId).query(getFailureTicket)));
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new HttpError(404, `no service-failure ticket ${ticketId}`);
      throw err;
    }
  });

  app.post('/api/tickets/:ticketId/answer', authorize('ticket.answer'), async (req, res) => {
    const ticketId = await visibleTicket(req);
    res.json(await run(req, ticketAnswerCommand, ticketSubject(ticketId)));
  });

  app.get('/api/workflows', authorize('workflows.list'), async (req, res) => {
    const filter = parse(listWorkflowsSchema, req.query);
    const p = principalOf(req);
    // A person of one store lists that store only, whatever the query asks.
    if (!p.allStores) filter.store = p.storeId;
    res.json({ workflows: await listLifecycles(client, { ...filter, deadlineBefore: filter.overdue === 'true' ? clock.now().toISOString() : undefined }) });
  });

  app.use(notificationRoutes({ commands }));
  app.use(storeSettingsRoutes({ commands }));
  app.use(storeSetupRoutes({ commands }));
  app.use(staffRoutes({ commands }));
  app.use(importRoutes({ commands }));
  app.use(fleetRoutes({ commands }));
  app.use(codecRoutes({ client, allowedOrigins: temporalUiOrigins }));
  for (const router of routers) app.use(router);

  app.use((_req, _res, next) => next(new HttpError(404, 'no such endpoint')));
  // Express recognises an error handler by its four parameters.
  app.use((thrown: unknown, req: Request, res: Response, _next: NextFunction) => {
    const err = requestRefusal(thrown) ?? thrown;
    if (err instanceof HttpError) {
      res.status(err.status).json({ ...inCallersLanguage(req, err), ...err.extra });
      return;
    }
    if (isTemporarilyUnavailable(err)) {
      res.status(503).set('Retry-After', '5').json({ error: 'the service is overloaded or a part of it is unreachable; try again shortly' });
      return;
    }
    req.log.error({ err }, 'request failed');
    res.status(500).json({ error: 'internal error; the request was not applied' });
  });
  return app;
}

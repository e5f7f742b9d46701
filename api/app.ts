import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../activities/database';
import { Clock, systemClock } from '../runtime/clock';
import {
  getFailureTicket,
  getState,
  lifecycleWorkflowId,
} from '../workflows/definitions';
import { careWorkflowId, getCare } from '../workflows/careDefinitions';
import { authenticate, authorize, principalOf } from './auth/middleware';
import { inStore, Principal } from './auth/principal';
import { maskPhonesDeep, seesPhoneNumbers, stepAction } from './auth/policy';
import { vehicleScope, vehicleStores } from './auth/scope';
import { sessionRouter } from './auth/sessionRoutes';
import { defaultSignInLimits, SignInLimits } from './auth/signIn';
import { capacityRoutes } from './capacityRoutes';
import { HttpError } from './httpError';
import { notificationRoutes } from './notificationRoutes';
import { storeSettingsRoutes } from './storeSettingsRoutes';
import { buildOpenApi } from './openapi';
import { partsRoutes } from './partsRoutes';
import { careStart, lifecycleStart } from './registration';
import { careCallSchema, listWorkflowsSchema, registerVehicleSchema, ticketAnswerSchema, ticketIdSchema, vinSchema } from './schemas';
import { runCareCall, runLifecycleStep, runTicketAnswer } from './stepRunner';
import { STEP_ROUTES } from './steps';
import { storeDirectory } from './storeDirectory';
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
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new HttpError(400, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }
  return result.data;
}

/** Who performs the step: always the signed-in person. */
function actorOf(req: Request): string {
  return principalOf(req).id;
}

/** Customer phone numbers only for the roles that call customers. */
function forViewer<T>(p: Principal, value: T): T {
  return seesPhoneNumbers(p.role) ? value : maskPhonesDeep(value);
}

/** Starting is idempotent per workflow id: one that already runs is the one we want. */
async function startIfAbsent(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export function createApp({ client, db, signInLimits, routers = [], clock = systemClock }: ApiDeps): express.Express {
  const app = express();
  const storeExists = storeDirectory(db);
  const storeOf = vehicleStores(db, client);
  const checkVehicle = vehicleScope(storeOf);
  const visibleVin = async (req: Request) => {
    const vin = parse(vinSchema, req.params.vin);
    await checkVehicle(principalOf(req), vin);
    return vin;
  };
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(authenticate(db, clock));
  app.use(sessionRouter(db, signInLimits ?? defaultSignInLimits(), clock));
  // Before the step routes: the booking steps' requested times are checked against the workshop plan there.
  app.use(capacityRoutes({ db, storeOf, clock }));
  app.use(partsRoutes({ db, clock }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });

  app.post('/api/vehicles', authorize('vehicle.register'), async (req, res) => {
    const actor = actorOf(req);
    const body = parse(registerVehicleSchema, req.body);
    if (!(await storeExists(body.storeId))) throw new HttpError(422, `unknown store ${body.storeId}`);
    if (!inStore(principalOf(req), body.storeId)) throw new HttpError(403, `you may register vehicles of your own store only`);
    const workflowId = lifecycleWorkflowId(body.vin);
    try {
      await client.workflow.start('vehicleLifecycle', lifecycleStart(body, actor, clock.now()));
      await startIfAbsent(() => client.workflow.start('customerCare', careStart(body)));
      res.status(201).json({ vin: body.vin, workflowId, careWorkflowId: careWorkflowId(body.vin), created: true });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Registering twice is harmless: the running lifecycle stays the one truth for this VIN.
      await startIfAbsent(() => client.workflow.start('customerCare', careStart(body)));
      res.status(200).json({ vin: body.vin, workflowId, careWorkflowId: careWorkflowId(body.vin), created: false });
    }
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

  for (const step of STEP_ROUTES) {
    app.post(`/api/vehicles/:vin/${step.path}`, authorize(stepAction(step.path)), async (req, res) => {
      const vin = await visibleVin(req);
      const actor = actorOf(req);
      const body = parse(step.schema, req.body ?? {}) as object;
      res.json(await runLifecycleStep(client, vin, step, body, actor));
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
    const vin = await visibleVin(req);
    const actor = actorOf(req);
    const body = parse(careCallSchema, req.body ?? {});
    res.json(await runCareCall(client, vin, body, actor));
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
    const actor = actorOf(req);
    const body = parse(ticketAnswerSchema, req.body ?? {});
    res.json(await runTicketAnswer(client, ticketId, body, actor));
  });

  app.get('/api/workflows', authorize('workflows.list'), async (req, res) => {
    const filter = parse(listWorkflowsSchema, req.query);
    const p = principalOf(req);
    // A person of one store lists that store only, whatever the query asks.
    if (!p.allStores) filter.store = p.storeId;
    res.json({ workflows: await listLifecycles(client, { ...filter, deadlineBefore: filter.overdue === 'true' ? clock.now().toISOString() : undefined }) });
  });

  app.use(notificationRoutes({ client, db, storeOf, clock }));
  app.use(storeSettingsRoutes({ client, db, clock }));
  for (const router of routers) app.use(router);

  app.use((_req, _res, next) => next(new HttpError(404, 'no such endpoint')));
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, details: err.details });
      return;
    }
    const bodyError = err as { type?: string; status?: number };
    if (bodyError.type === 'entity.parse.failed' || bodyError.type === 'entity.too.large') {
      res.status(bodyError.status ?? 400).json({ error: bodyError.type === 'entity.too.large' ? 'request body too large' : 'request body is not valid JSON' });
      return;
    }
    if (isTemporarilyUnavailable(err)) {
      res.status(503).set('Retry-After', '5').json({ error: 'the service is overloaded or a part of it is unreachable; try again shortly' });
      return;
    }
    console.error(err);
    res.status(500).json({ error: 'internal error; the request was not applied' });
  });
  return app;
}

import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../activities/database';
import {
  answerFailureTicket,
  getFailureTicket,
  getState,
  lifecycleWorkflowId,
} from '../workflows/definitions';
import { careWorkflowId, getCare, recordCareCall } from '../workflows/careDefinitions';
import { capacityRoutes } from './capacityRoutes';
import { buildOpenApi } from './openapi';
import { partsRoutes } from './partsRoutes';
import { careStart, lifecycleStart } from './registration';
import { actorSchema, careCallSchema, listWorkflowsSchema, registerVehicleSchema, ticketAnswerSchema, ticketIdSchema, vinSchema } from './schemas';
import { STEP_ROUTES } from './steps';
import { storeDirectory } from './storeDirectory';
import { listLifecycles } from './visibility';
import { isWorkflowNotFound, updateRejection } from './workflowErrors';

export interface ApiDeps {
  client: Client;
  db: Db;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new HttpError(400, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }
  return result.data;
}

/** Who performs the step. Until sign-in exists the caller names the staff member in X-Actor. */
function actorOf(req: Request): string {
  const result = actorSchema.safeParse(req.header('x-actor'));
  if (!result.success) throw new HttpError(400, 'X-Actor header (staff id of the person performing the step) is required');
  return result.data;
}

/** Starting is idempotent per workflow id: one that already runs is the one we want. */
async function startIfAbsent(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export function createApp({ client, db }: ApiDeps): express.Express {
  const app = express();
  const storeExists = storeDirectory(db);
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.use(capacityRoutes({ db }));
  app.use(partsRoutes({ db }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });

  app.post('/api/vehicles', async (req, res) => {
    const actor = actorOf(req);
    const body = parse(registerVehicleSchema, req.body);
    if (!(await storeExists(body.storeId))) throw new HttpError(422, `unknown store ${body.storeId}`);
    const workflowId = lifecycleWorkflowId(body.vin);
    try {
      await client.workflow.start('vehicleLifecycle', lifecycleStart(body, actor));
      await startIfAbsent(() => client.workflow.start('customerCare', careStart(body)));
      res.status(201).json({ vin: body.vin, workflowId, careWorkflowId: careWorkflowId(body.vin), created: true });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Registering twice is harmless: the running lifecycle stays the one truth for this VIN.
      await startIfAbsent(() => client.workflow.start('customerCare', careStart(body)));
      res.status(200).json({ vin: body.vin, workflowId, careWorkflowId: careWorkflowId(body.vin), created: false });
    }
  });

  app.get('/api/vehicles/:vin', async (req, res) => {
    const vin = parse(vinSchema, req.params.vin);
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
    res.json({ vin, workflowId: lifecycleWorkflowId(vin), state, vehicle });
  });

  app.get('/api/vehicles/:vin/history', async (req, res) => {
    const vin = parse(vinSchema, req.params.vin);
    const events = await db.auditEvent.findMany({ where: { vin }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
    if (events.length === 0 && !(await db.vehicle.findUnique({ where: { vin } }))) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    res.json({ vin, events: events.map((e) => ({ ...e, id: e.id.toString() })) });
  });

  for (const step of STEP_ROUTES) {
    app.post(`/api/vehicles/:vin/${step.path}`, async (req, res) => {
      const vin = parse(vinSchema, req.params.vin);
      const actor = actorOf(req);
      const body = parse(step.schema, req.body ?? {}) as object;
      try {
        const state = await client.workflow.getHandle(lifecycleWorkflowId(vin)).executeUpdate(step.update, { args: [{ ...body, actor }] });
        res.json(state);
      } catch (err) {
        if (isWorkflowNotFound(err)) throw new HttpError(404, `no running lifecycle for VIN ${vin}`);
        const rejection = updateRejection(err);
        if (rejection) throw new HttpError(rejection.status, rejection.reason);
        throw err;
      }
    });
  }

  app.get('/api/vehicles/:vin/care', async (req, res) => {
    const vin = parse(vinSchema, req.params.vin);
    try {
      res.json(await client.workflow.getHandle(careWorkflowId(vin)).query(getCare));
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new HttpError(404, `no care contacts for VIN ${vin}`);
      throw err;
    }
  });

  app.post('/api/vehicles/:vin/care-call', async (req, res) => {
    const vin = parse(vinSchema, req.params.vin);
    const actor = actorOf(req);
    const body = parse(careCallSchema, req.body ?? {});
    try {
      res.json(await client.workflow.getHandle(careWorkflowId(vin)).executeUpdate(recordCareCall, { args: [{ ...body, actor }] }));
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new HttpError(404, `no care contacts for VIN ${vin}`);
      const rejection = updateRejection(err);
      if (rejection) throw new HttpError(rejection.status, rejection.reason);
      throw err;
    }
  });

  app.get('/api/tickets/:ticketId', async (req, res) => {
    const ticketId = parse(ticketIdSchema, req.params.ticketId);
    try {
      res.json(await client.workflow.getHandle(ticketId).query(getFailureTicket));
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new HttpError(404, `no service-failure ticket ${ticketId}`);
      throw err;
    }
  });

  app.post('/api/tickets/:ticketId/answer', async (req, res) => {
    const ticketId = parse(ticketIdSchema, req.params.ticketId);
    const actor = actorOf(req);
    const body = parse(ticketAnswerSchema, req.body ?? {});
    try {
      res.json(await client.workflow.getHandle(ticketId).executeUpdate(answerFailureTicket, { args: [{ ...body, actor }] }));
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new HttpError(404, `no service-failure ticket ${ticketId}`);
      const rejection = updateRejection(err);
      if (rejection) throw new HttpError(409, rejection.reason);
      throw err;
    }
  });

  app.get('/api/workflows', async (req, res) => {
    const filter = parse(listWorkflowsSchema, req.query);
    res.json({ workflows: await listLifecycles(client, filter) });
  });

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
    console.error(err);
    res.status(500).json({ error: 'internal error; the request was not applied' });
  });
  return app;
}

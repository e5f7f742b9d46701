// The outbox, templates, channels, opt-outs and page acknowledgements over HTTP: what the admin UI shows
// (the outbox per store and per vehicle, template previews), the commands that change them, and the link
// a page carries.
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { configureChannelCommand } from '../commands/channels';
import { Command, CommandDeps, runCommand, Subject } from '../commands/command';
import { customerLocaleCommand, localeSchema, optInCommand, optOutCommand } from '../commands/contactPreferences';
import { resolveMessageCommand, retryMessageCommand } from '../commands/outbox';
import { vinSchema } from '../commands/schemas';
import { resetTemplateCommand, saveTemplateCommand } from '../commands/templates';
import type { Locale } from '../notifications/templates';
import { acknowledgePage } from '../workflows/failureTicket/contract';
import { authorize, principalOf } from './auth/middleware';
import { HttpError } from './httpError';
import { vehicleScope } from './auth/scope';
import { isWorkflowNotFound } from './workflowErrors';
import { storeChannels } from './notifications/channelAdmin';
import { parseInput as parse } from './notifications/input';
import { listOutbox, outboxMessage, outboxQuerySchema, vehicleMessages } from './notifications/outbox';
import { previewTemplate, requireTemplateKey, storeIdSchema, templateCatalog, templateDetail } from './notifications/templateAdmin';

export interface NotificationRouteDeps {
  /** What the commands share with the rest of the API (the client, the database, the clock, the vehicles' stores). */
  commands: CommandDeps;
}

export function notificationRoutes({ commands }: NotificationRouteDeps): express.Router {
  const { client, db, clock } = commands;
  const router = express.Router();
  const checkVehicle = vehicleScope(commands.storeOf);
  const run = <S extends z.ZodType, R, T extends Subject>(req: Request, command: Command<S, R, T>, subject: T, body: unknown = req.body) => runCommand(commands, principalOf(req), command, subject, body);
  const vinOf = (req: Request) => parse(vinSchema, req.params.vin);
  const templateOf = (req: Request) => ({ key: requireTemplateKey(String(req.params.key)), locale: parse(localeSchema, req.params.locale) as Locale });
  const visibleVin = async (req: Request) => {
    const vin = parse(vinSchema, req.params.vin);
    await checkVehicle(principalOf(req), vin);
    return vin;
  };
  const optionalStore = (req: Request) => (req.query.store === undefined ? undefined : parse(storeIdSchema, req.query.store));

  router.get('/api/outbox', authorize('outbox.view'), async (req, res) => {
    const { messages, counts } = await listOutbox(db, principalOf(req), parse(outboxQuerySchema, req.query));
    res.json({ messages, counts });
  });

  router.get('/api/outbox/:id', authorize('outbox.view'), async (req, res) => {
    res.json(await outboxMessage(db, principalOf(req), String(req.params.id)));
  });

  router.post('/api/outbox/:id/retry', authorize('outbox.settle'), async (req, res) => {
    res.json(await run(req, retryMessageCommand, { messageId: String(req.params.id) }));
  });
  router.post('/api/outbox/:id/resolve', authorize('outbox.settle'), async (req, res) => {
    res.json(await run(req, resolveMessageCommand, { messageId: String(req.params.id) }));
  });

  router.get('/api/vehicles/:vin/messages', authorize('outbox.view'), async (req, res) => {
    const vin = await visibleVin(req);
    const { optOuts, messages } = await vehicleMessages(db, principalOf(req), vin);
    res.json({ vin, optOuts, messages });
  });

  router.post('/api/vehicles/:vin/opt-outs', authorize('customer.contact-preferences'), async (req, res) => {
    res.status(201).json(await run(req, optOutCommand, { vin: vinOf(req) }));
  });

  router.delete('/api/vehicles/:vin/opt-outs/:channel', authorize('customer.contact-preferences'), async (req, res) => {
    await run(req, optInCommand, { vin: vinOf(req) }, req.params.channel);
    res.status(204).end();
  });

  router.put('/api/vehicles/:vin/customer-locale', authorize('customer.contact-preferences'), async (req, res) => {
    res.json(await run(req, customerLocaleCommand, { vin: vinOf(req) }));
  });

  // Another store's wording is answered as unknown (404) to a person of one store.
  router.get('/api/templates', authorize('templates.read'), async (req, res) => {
    res.json(await templateCatalog(db, principalOf(req), optionalStore(req)));
  });

  router.get('/api/templates/:key', authorize('templates.read'), async (req, res) => {
    const key = requireTemplateKey(String(req.params.key));
    res.json(await templateDetail(db, principalOf(req), key, optionalStore(req)));
  });

  router.put('/api/templates/:key/:locale', authorize('templates.manage'), async (req, res) => {
    res.json(await run(req, saveTemplateCommand, templateOf(req)));
  });

  router.delete('/api/templates/:key/:locale', authorize('templates.manage'), async (req, res) => {
    const template = templateOf(req);
    await run(req, resetTemplateCommand, { ...template, storeId: parse(storeIdSchema, req.query.store) }, {});
    res.status(204).end();
  });

  // Rendering what a person typed costs CPU: only the people who reword templates try them (on the
  // renderer's threads, within a time budget).
  router.post('/api/templates/:key/preview', authorize('templates.manage'), async (req, res) => {
    const key = requireTemplateKey(String(req.params.key));
    res.json(await previewTemplate(db, principalOf(req), key, req.body));
  });

  router.get('/api/stores/:storeId/channels', authorize('channels.read'), async (req, res) => {
    res.json(await storeChannels(db, principalOf(req), parse(storeIdSchema, req.params.storeId)));
  });

  router.put('/api/stores/:storeId/channels/:channel', authorize('channels.manage'), async (req, res) => {
    res.json(await run(req, configureChannelCommand, { storeId: parse(storeIdSchema, req.params.storeId), channel: String(req.params.channel) }));
  });

  /**
   * R18 / R24: the link in a page. The first acknowledgement of a page stops that level's escalation
   * timer in the ticket's workflow; acknowledging again changes nothing. The code is the credential (a
   * supervisor opens the link from a phone without signing in); a signed-in person is named as such.
   */
  const acknowledge = async (req: Request, res: Response) => {
    const code = String(req.params.code).toUpperCase();
    const page = await db.notification.findUnique({ where: { ackCode: code } });
    // Only a vehicle's pages (R18/R24) carry a code; a message about no vehicle is never acknowledged.
    if (!page?.vin) throw new HttpError(404, 'no page with this acknowledgement code');
    const payload = page.payload as { level?: number; round?: number };
    const first = !page.acknowledgedAt;
    const by = req.principal?.id ?? page.recipient;
    const at = clock.now();
    if (first) {
      await db.$transaction([
        db.notification.update({ where: { id: page.id }, data: { acknowledgedAt: at, acknowledgedBy: by } }),
        db.auditEvent.create({
          data: {
            idempotencyKey: `${page.idempotencyKey}:acknowledged`,
            vin: page.vin,
            workflowId: page.workflowId ?? page.idempotencyKey.split(':')[0],
            runId: 'api',
            cycle: page.cycle ?? 0,
            rule: page.rule,
            action: 'page.acknowledged',
            actor: by,
            occurredAt: at,
            data: { notificationId: page.id, level: payload.level, round: payload.round, recipient: page.recipient },
          },
        }),
      ]);
    }
    let ticket: 'signalled' | 'closed' = 'signalled';
    if (page.workflowId) {
      try {
        await client.workflow.getHandle(page.workflowId).signal(acknowledgePage, { level: payload.level ?? 0, round: payload.round ?? 0, by, at: (page.acknowledgedAt ?? at).toISOString() });
      } catch (err) {
        // The ticket may be answered and finished already; the acknowledgement is still on record.
        if (!isWorkflowNotFound(err)) throw err;
        ticket = 'closed';
      }
    }
    res.json({ acknowledged: true, first, ticket, acknowledgedAt: page.acknowledgedAt ?? at, acknowledgedBy: page.acknowledgedBy ?? by, level: payload.level, workflowId: page.workflowId });
  };
  router.get('/api/pages/:code/ack', acknowledge);
  router.post('/api/pages/:code/ack', acknowledge);

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    next(err);
  });
  return router;
}

// The outbox, templates, channels, opt-outs and page acknowledgements over HTTP: what the admin UI shows
// and edits (the outbox per store and per vehicle, template previews) and the link a page carries.
import { Client } from '@temporalio/client';
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../activities/database';
import { Prisma } from '../generated/prisma/client';
import type { NotificationChannel } from '../generated/prisma/enums';
import { catalogEntry, TEMPLATE_CATALOG } from '../notifications/catalog';
import { CONFIG_SCHEMAS, envChannelConfig, isTransportKind, redactConfig, TRANSPORT_KINDS } from '../notifications/channelConfig';
import { undeliveredTaskPrefix } from '../notifications/dispatcher';
import { defaultTemplate, isLocale, LOCALES, renderTemplate, resolveTemplate, TemplateError } from '../notifications/templates';
import { acknowledgePage } from '../workflows/pagingDefinitions';
import { authorize, principalOf } from './auth/middleware';
import { HttpError } from './httpError';
import { inStore, Principal } from './auth/principal';
import { maskPhone, maskPhonesDeep, seesPhoneNumbers } from './auth/policy';
import { vehicleScope } from './auth/scope';
import { vinSchema } from './schemas';
import { isWorkflowNotFound } from './workflowErrors';

export interface NotificationRouteDeps {
  client: Client;
  db: Db;
}


const STATUSES = ['QUEUED', 'SENDING', 'SENT', 'FAILED', 'BOUNCED', 'SUPPRESSED'] as const;
const CHANNELS = ['SMS', 'EMAIL', 'PAGE', 'WECOM', 'DINGTALK'] as const;

export const outboxQuerySchema = z.strictObject({
  store: z.string().trim().min(1).max(64).optional(),
  status: z.enum(STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  vin: vinSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const localeSchema = z.string().refine(isLocale, `locale must be one of ${LOCALES.join(', ')}`);
const storeIdSchema = z.string().trim().min(1).max(64);
export const templateTextSchema = z.strictObject({ storeId: storeIdSchema, subject: z.string().min(1).max(500), body: z.string().min(1).max(5000) });
export const previewSchema = z.strictObject({
  locale: localeSchema.default('zh-CN'),
  storeId: storeIdSchema.optional(),
  /** Unsaved wording to try; the stored one (or the default) otherwise. */
  subject: z.string().max(500).optional(),
  body: z.string().max(5000).optional(),
  /** Values to render with; the catalogue's sample data otherwise. */
  variables: z.record(z.string(), z.unknown()).optional(),
});
export const channelSchema = z.strictObject({ enabled: z.boolean().default(true), config: z.record(z.string(), z.unknown()) });
export const resolveSchema = z.strictObject({ note: z.string().trim().min(4).max(1000).optional() });
export const localePreferenceSchema = z.strictObject({ locale: localeSchema });
export const optOutSchema = z.strictObject({ channel: z.enum(['SMS', 'EMAIL']), reason: z.string().trim().min(2).max(500) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  return result.data;
}

/** Who makes the change: always the signed-in person. */
function actorOf(req: Request): string {
  return principalOf(req).id;
}

/** A person of one store works on that store's messages, templates and channels only. */
function ownStore(req: Request, storeId: string): void {
  if (!inStore(principalOf(req), storeId)) throw new HttpError(403, `store ${storeId} is not yours`);
}

/** Customer phone numbers (also as a message's recipient) only for the roles that call customers. */
function forViewer<T>(p: Principal, value: T): T {
  if (seesPhoneNumbers(p.role)) return value;
  const masked = maskPhonesDeep(value);
  const maskRecipients = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(maskRecipients);
    if (v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'recipient' && typeof x === 'string' && /^\+?\d[\d -]{6,}$/.test(x) ? maskPhone(x) : maskRecipients(x)]));
    }
    return v;
  };
  return maskRecipients(masked) as T;
}

function templateKey(req: Request): string {
  const key = String(req.params.key);
  if (!catalogEntry(key)) throw new HttpError(404, `no template ${key}`);
  return key;
}

/** A store's wording must render with the catalogue's sample data before it is stored. */
function checkRenders(key: string, locale: string, text: { subject: string; body: string }): void {
  try {
    renderTemplate(text, catalogEntry(key)!.sample, { locale: locale as never, timeZone: 'Asia/Shanghai' });
  } catch (err) {
    if (err instanceof TemplateError) throw new HttpError(422, `template ${key} (${locale}) does not render: ${err.message}`);
    throw err;
  }
}

export function notificationRoutes({ client, db }: NotificationRouteDeps): express.Router {
  const router = express.Router();
  const checkVehicle = vehicleScope(db, client);
  const visibleVin = async (req: Request) => {
    const vin = parse(vinSchema, req.params.vin);
    await checkVehicle(principalOf(req), vin);
    return vin;
  };

  async function requireStore(storeId: string) {
    const store = await db.store.findUnique({ where: { id: storeId } });
    if (!store) throw new HttpError(422, `unknown store ${storeId}`);
    return store;
  }

  router.get('/api/outbox', authorize('outbox.view'), async (req, res) => {
    const q = parse(outboxQuerySchema, req.query);
    const p = principalOf(req);
    // A person of one store lists that store only, whatever the query asks.
    if (!p.allStores) q.store = p.storeId;
    const messages = await db.notification.findMany({
      where: { storeId: q.store, status: q.status, channel: q.channel, vin: q.vin },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: q.limit,
    });
    const counts = await db.notification.groupBy({ by: ['status'], where: { storeId: q.store }, _count: { _all: true } });
    res.json(forViewer(p, { messages, counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) }));
  });

  router.get('/api/outbox/:id', authorize('outbox.view'), async (req, res) => {
    const message = await db.notification.findUnique({ where: { id: String(req.params.id) } }).catch(() => null);
    if (!message || !inStore(principalOf(req), message.storeId)) throw new HttpError(404, `no outbox message ${req.params.id}`);
    res.json(forViewer(principalOf(req), message));
  });

  /**
   * The person who has an undelivered message's task either sends it again (after correcting the number,
   * say) or records how the customer was reached instead; either way the task is done and audited.
   */
  const settleUndelivered = (action: 'retry' | 'resolve') => async (req: Request, res: Response) => {
    const actor = actorOf(req);
    const { note } = parse(resolveSchema, req.body ?? {});
    if (action === 'resolve' && !note) throw new HttpError(400, 'note: say how the recipient was reached');
    const message = await db.notification.findUnique({ where: { id: String(req.params.id) } }).catch(() => null);
    if (!message || !inStore(principalOf(req), message.storeId)) throw new HttpError(404, `no outbox message ${req.params.id}`);
    if (!['FAILED', 'BOUNCED'].includes(message.status)) throw new HttpError(409, `message is ${message.status}; only FAILED or BOUNCED messages are settled by hand`);
    const vehicle = await db.vehicle.findUniqueOrThrow({ where: { vin: message.vin } });
    const at = new Date();
    await db.$transaction(async (tx) => {
      const { count } = await tx.notification.updateMany({
        where: { id: message.id, status: message.status },
        data: action === 'retry' ? { status: 'QUEUED', attempts: 0, nextAttemptAt: at, failureReason: `retried by ${actor}` } : { failureReason: `${message.failureReason}; resolved by ${actor}: ${note}` },
      });
      if (!count) throw new HttpError(409, 'the message changed meanwhile; reload it');
      await tx.task.updateMany({
        where: { idempotencyKey: { startsWith: undeliveredTaskPrefix(message.idempotencyKey) }, status: 'OPEN' },
        data: { status: 'DONE', completedBy: actor, completedAt: at, outcome: { action, note: note ?? null } },
      });
      await tx.auditEvent.create({
        data: {
          idempotencyKey: `${message.idempotencyKey}:${action}:${at.toISOString()}`,
          vin: message.vin,
          workflowId: message.workflowId ?? vehicle.workflowId,
          runId: 'api',
          cycle: message.cycle ?? vehicle.cycle,
          rule: message.rule,
          action: action === 'retry' ? 'message.retried' : 'message.resolved',
          actor,
          occurredAt: at,
          data: { notificationId: message.id, previousStatus: message.status, previousReason: message.failureReason, note: note ?? null },
        },
      });
    });
    res.json(await db.notification.findUnique({ where: { id: message.id } }));
  };
  router.post('/api/outbox/:id/retry', authorize('outbox.settle'), settleUndelivered('retry'));
  router.post('/api/outbox/:id/resolve', authorize('outbox.settle'), settleUndelivered('resolve'));

  router.get('/api/vehicles/:vin/messages', authorize('outbox.view'), async (req, res) => {
    const vin = await visibleVin(req);
    const vehicle = await db.vehicle.findUnique({ where: { vin }, include: { customer: { include: { optOuts: true } } } });
    if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    const messages = await db.notification.findMany({ where: { vin }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    res.json(forViewer(principalOf(req), { vin, optOuts: vehicle.customer.optOuts, messages }));
  });

  router.post('/api/vehicles/:vin/opt-outs', authorize('customer.contact-preferences'), async (req, res) => {
    const vin = await visibleVin(req);
    const actor = actorOf(req);
    const body = parse(optOutSchema, req.body ?? {});
    const vehicle = await db.vehicle.findUnique({ where: { vin } });
    if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    const at = new Date();
    const [optOut] = await db.$transaction([
      db.contactOptOut.upsert({
        where: { customerId_channel: { customerId: vehicle.customerId, channel: body.channel } },
        create: { customerId: vehicle.customerId, channel: body.channel, reason: body.reason, recordedBy: actor, recordedAt: at },
        update: { reason: body.reason, recordedBy: actor, recordedAt: at },
      }),
      db.auditEvent.create({
        data: {
          idempotencyKey: `opt-out:${vehicle.customerId}:${body.channel}:${at.toISOString()}`,
          vin,
          workflowId: vehicle.workflowId,
          runId: 'api',
          cycle: vehicle.cycle,
          action: 'customer.opted-out',
          actor,
          occurredAt: at,
          data: { customerId: vehicle.customerId, channel: body.channel, reason: body.reason },
        },
      }),
    ]);
    res.status(201).json(optOut);
  });

  router.delete('/api/vehicles/:vin/opt-outs/:channel', authorize('customer.contact-preferences'), async (req, res) => {
    const vin = await visibleVin(req);
    const actor = actorOf(req);
    const channel = parse(optOutSchema.shape.channel, req.params.channel);
    const vehicle = await db.vehicle.findUnique({ where: { vin } });
    if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    const at = new Date();
    const { count } = await db.contactOptOut.deleteMany({ where: { customerId: vehicle.customerId, channel } });
    if (!count) throw new HttpError(404, `the customer has not opted out of ${channel}`);
    await db.auditEvent.create({
      data: { idempotencyKey: `opt-in:${vehicle.customerId}:${channel}:${at.toISOString()}`, vin, workflowId: vehicle.workflowId, runId: 'api', cycle: vehicle.cycle, action: 'customer.opted-in', actor, occurredAt: at, data: { customerId: vehicle.customerId, channel } },
    });
    res.status(204).end();
  });

  /** The language of the customer's messages (zh-CN or en); messages not yet sent follow it. */
  router.put('/api/vehicles/:vin/customer-locale', authorize('customer.contact-preferences'), async (req, res) => {
    const vin = await visibleVin(req);
    const actor = actorOf(req);
    const { locale } = parse(localePreferenceSchema, req.body ?? {});
    const vehicle = await db.vehicle.findUnique({ where: { vin }, include: { customer: true } });
    if (!vehicle) throw new HttpError(404, `no vehicle with VIN ${vin}`);
    const at = new Date();
    await db.$transaction([
      db.customer.update({ where: { id: vehicle.customerId }, data: { locale } }),
      db.notification.updateMany({ where: { vin, status: 'QUEUED', channel: { in: ['SMS', 'EMAIL'] } }, data: { locale } }),
      db.auditEvent.create({
        data: {
          idempotencyKey: `locale:${vehicle.customerId}:${at.toISOString()}`,
          vin,
          workflowId: vehicle.workflowId,
          runId: 'api',
          cycle: vehicle.cycle,
          action: 'customer.locale-changed',
          actor,
          occurredAt: at,
          data: { customerId: vehicle.customerId, from: vehicle.customer.locale, to: locale },
        },
      }),
    ]);
    res.json({ vin, customerId: vehicle.customerId, locale });
  });

  router.get('/api/templates', authorize('templates.read'), async (req, res) => {
    const storeId = req.query.store === undefined ? undefined : parse(storeIdSchema, req.query.store);
    const own = storeId ? await db.messageTemplate.findMany({ where: { storeId }, select: { key: true, locale: true } }) : [];
    res.json({
      locales: LOCALES,
      templates: TEMPLATE_CATALOG.map((e) => ({
        key: e.key,
        rule: e.rule,
        audience: e.audience,
        what: e.what,
        variables: Object.keys(e.sample),
        storeOverrides: own.filter((o) => o.key === e.key).map((o) => o.locale),
      })),
    });
  });

  router.get('/api/templates/:key', authorize('templates.read'), async (req, res) => {
    const key = templateKey(req);
    const storeId = req.query.store === undefined ? undefined : parse(storeIdSchema, req.query.store);
    const entry = catalogEntry(key)!;
    const locales = await Promise.all(
      LOCALES.map(async (locale) => ({ locale, default: defaultTemplate(key, locale), current: await resolveTemplate(db, storeId, key, locale) })),
    );
    res.json({ ...entry, locales });
  });

  router.put('/api/templates/:key/:locale', authorize('templates.manage'), async (req, res) => {
    const key = templateKey(req);
    const locale = parse(localeSchema, req.params.locale);
    const actor = actorOf(req);
    const body = parse(templateTextSchema, req.body ?? {});
    await requireStore(body.storeId);
    ownStore(req, body.storeId);
    checkRenders(key, locale, body);
    const saved = await db.messageTemplate.upsert({
      where: { storeId_key_locale: { storeId: body.storeId, key, locale } },
      create: { storeId: body.storeId, key, locale, subject: body.subject, body: body.body, updatedBy: actor, updatedAt: new Date() },
      update: { subject: body.subject, body: body.body, updatedBy: actor, updatedAt: new Date() },
    });
    res.json(saved);
  });

  router.delete('/api/templates/:key/:locale', authorize('templates.manage'), async (req, res) => {
    const key = templateKey(req);
    const locale = parse(localeSchema, req.params.locale);
    const storeId = parse(storeIdSchema, req.query.store);
    ownStore(req, storeId);
    const { count } = await db.messageTemplate.deleteMany({ where: { storeId, key, locale } });
    if (!count) throw new HttpError(404, `store ${storeId} has no own ${key} (${locale})`);
    res.status(204).end();
  });

  router.post('/api/templates/:key/preview', authorize('templates.read'), async (req, res) => {
    const key = templateKey(req);
    const body = parse(previewSchema, req.body ?? {});
    const store = body.storeId ? await requireStore(body.storeId) : undefined;
    const stored = await resolveTemplate(db, store?.id, key, body.locale as never);
    const source = { subject: body.subject ?? stored.subject, body: body.body ?? stored.body };
    const variables = { ...catalogEntry(key)!.sample, ...(store ? { storeName: store.name } : {}), ...(body.variables ?? {}) };
    try {
      const rendered = renderTemplate(source, variables, { locale: body.locale as never, timeZone: store?.timeZone ?? 'Asia/Shanghai' });
      res.json({ key, locale: body.locale, origin: body.subject || body.body ? 'draft' : stored.origin, ...rendered });
    } catch (err) {
      if (err instanceof TemplateError) throw new HttpError(422, `template ${key} (${body.locale}) does not render: ${err.message}`);
      throw err;
    }
  });

  router.get('/api/stores/:storeId/channels', authorize('channels.read'), async (req, res) => {
    const storeId = parse(storeIdSchema, req.params.storeId);
    await requireStore(storeId);
    ownStore(req, storeId);
    const rows = await db.storeChannel.findMany({ where: { storeId } });
    res.json({
      storeId,
      channels: TRANSPORT_KINDS.map((kind) => {
        const row = rows.find((r) => r.channel === kind);
        const env = envChannelConfig(kind);
        const source = row ? 'store' : env ? 'environment' : 'none';
        return { channel: kind, source, enabled: row ? row.enabled : Boolean(env), config: redactConfig(row ? row.config : env), updatedBy: row?.updatedBy, updatedAt: row?.updatedAt };
      }),
    });
  });

  router.put('/api/stores/:storeId/channels/:channel', authorize('channels.manage'), async (req, res) => {
    const storeId = parse(storeIdSchema, req.params.storeId);
    ownStore(req, storeId);
    const kind = req.params.channel;
    if (!isTransportKind(kind)) throw new HttpError(404, `no channel ${kind}; one of ${TRANSPORT_KINDS.join(', ')}`);
    const actor = actorOf(req);
    const body = parse(channelSchema, req.body ?? {});
    const config = parse(CONFIG_SCHEMAS[kind] as z.ZodType<unknown>, body.config) as Prisma.InputJsonObject;
    await requireStore(storeId);
    const saved = await db.storeChannel.upsert({
      where: { storeId_channel: { storeId, channel: kind as NotificationChannel } },
      create: { storeId, channel: kind as NotificationChannel, enabled: body.enabled, config, updatedBy: actor, updatedAt: new Date() },
      update: { enabled: body.enabled, config, updatedBy: actor, updatedAt: new Date() },
    });
    // Messages that waited for this channel go now rather than at their next look.
    const { count: woken } = await db.notification.updateMany({
      where: { storeId, status: 'QUEUED', failureReason: { startsWith: `no ${kind} channel configured` } },
      data: { nextAttemptAt: new Date() },
    });
    res.json({ ...saved, config: redactConfig(saved.config), woken });
  });

  /**
   * R18 / R24: the link in a page. The first acknowledgement of a page stops that level's escalation
   * timer in the ticket's workflow; acknowledging again changes nothing. The code is the credential (a
   * supervisor opens the link from a phone without signing in); a signed-in person is named as such.
   */
  const acknowledge = async (req: Request, res: Response) => {
    const code = String(req.params.code).toUpperCase();
    const page = await db.notification.findUnique({ where: { ackCode: code } });
    if (!page) throw new HttpError(404, 'no page with this acknowledgement code');
    const payload = page.payload as { level?: number; round?: number };
    const first = !page.acknowledgedAt;
    const by = req.principal?.id ?? page.recipient;
    const at = new Date();
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

// The outbox sender. Producers store each message with its idempotency key (workflow, cycle, business
// step and attempt) before anything is sent; this module claims due rows with a lease
// (FOR UPDATE SKIP LOCKED, so several senders never take the same row), renders them with the store's
// templates, sends them and records the outcome. A sender that dies mid-send leaves its row SENDING; once
// the lease has run out another sender takes it over. Every write after the claim is fenced on the
// attempt number, so a sender that lost its lease cannot overwrite the outcome of the one that took over.
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import type { NotificationChannel, NotificationStatus, StaffRole } from '../generated/prisma/enums';
import { contactHours, heldUntil } from '../domain/quietHours';
import { recordStoreEvent } from '../commands/storeAudit';
import { Clock, systemClock } from '../runtime/clock';
import { channelConfig, ConfigOf, TransportKind } from './channelConfig';
import { ackUrl } from './pageAck';
import { isLocale, Locale, renderTemplate, resolveTemplate, TemplateError } from './templates';
import { emailTransport } from './transports/email';
import { dingTalkRobot, weComRobot } from './transports/robots';
import { aliyunSms, tencentSms } from './transports/chinaSms';
import { httpSmsGateway } from './transports/sms';
import { PermanentDeliveryError, Transport } from './transports/transport';

export interface DispatcherOptions {
  db: Db;
  /** Where the API answers, for the acknowledgement links in pages. */
  publicBaseUrl?: string;
  leaseMs?: number;
  batchSize?: number;
  /** Sends tried before a message is given up and becomes a person's task. */
  maxAttempts?: number;
  /** Wait before the retry after the given failed attempt (1, 2, …). */
  backoffMs?: (attempt: number) => number;
  /** How long a message without a configured channel waits before the sender looks again. */
  unconfiguredRecheckMs?: number;
  /** The product's clock: when a message is due, sent, retried. */
  clock?: Clock;
  transportFor?: <K extends TransportKind>(kind: K, config: ConfigOf<K>) => Transport;
  log?: (line: string) => void;
}

export interface Dispatcher {
  /** Claims and handles one batch of due messages; resolves to how many it claimed. */
  runOnce(): Promise<number>;
  /** Polls until stopped; stop() waits for the batch in hand. */
  start(intervalMs?: number): { stop(): Promise<void> };
  close(): void;
}

function positiveFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of milliseconds, got ${raw}`);
  return value;
}

/** OUTBOX_LEASE_MS and OUTBOX_POLL_MS, for every process that runs a sender. */
export function outboxTimingFromEnv(): { leaseMs?: number; pollMs?: number } {
  return { leaseMs: positiveFromEnv('OUTBOX_LEASE_MS'), pollMs: positiveFromEnv('OUTBOX_POLL_MS') };
}

/** The task a finally failed message becomes is found again by its message's key. */
export function undeliveredTaskPrefix(messageKey: string): string {
  return `${messageKey}:undelivered:`;
}

/** 1 min, 2 min, 4 min … capped at an hour. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** (attempt - 1), 3_600_000);
}

const CUSTOMER_CHANNELS: readonly NotificationChannel[] = ['SMS', 'EMAIL'];

/** The way out for a row: customer channels by name, robots by name, a page by the person's address. */
export function transportKindFor(channel: NotificationChannel, recipient: string): TransportKind | undefined {
  if (channel !== 'PAGE') return channel;
  if (/^[^@\s]+@[^@\s]+$/.test(recipient)) return 'EMAIL';
  if (/^\+?\d{6,15}$/.test(recipient)) return 'SMS';
  return undefined;
}

/** Signed requests (the China SMS providers, DingTalk) carry the product's clock, not the system's. */
function defaultTransportFor<K extends TransportKind>(kind: K, config: ConfigOf<K>, now: () => Date): Transport {
  switch (kind) {
    case 'EMAIL':
      return emailTransport(config as ConfigOf<'EMAIL'>);
    case 'SMS': {
      const sms = config as ConfigOf<'SMS'>;
      return sms.provider === 'aliyun' ? aliyunSms(sms, now) : sms.provider === 'tencent' ? tencentSms(sms, now) : httpSmsGateway(sms);
    }
    case 'WECOM':
      return weComRobot(config as ConfigOf<'WECOM'>);
    default:
      return dingTalkRobot(config as ConfigOf<'DINGTALK'>, () => now().getTime());
  }
}

interface Claimed {
  id: string;
  attempts: number;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db } = options;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const recheckMs = options.unconfiguredRecheckMs ?? 10 * 60_000;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const baseUrl = options.publicBaseUrl ?? process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const makeTransport = options.transportFor ?? (<K extends TransportKind>(kind: K, config: ConfigOf<K>) => defaultTransportFor(kind, config, now));
  const log = options.log ?? ((line: string) => console.log(line));
  const transports = new Map<string, Transport>();

  function transport<K extends TransportKind>(kind: K, config: ConfigOf<K>): Transport {
    const id = `${kind}:${JSON.stringify(config)}`;
    let t = transports.get(id);
    if (!t) {
      t = makeTransport(kind, config);
      transports.set(id, t);
    }
    return t;
  }

  async function claim(at: Date): Promise<Claimed[]> {
    const nowMs = at.getTime();
    const leaseEndMs = nowMs + leaseMs;
    // Instants go in as epoch milliseconds so the session's time zone cannot shift them.
    return db.$queryRaw<Claimed[]>`
      UPDATE "Notification"
         SET status = 'SENDING'::"NotificationStatus",
             "leaseUntil" = to_timestamp(${leaseEndMs}::double precision / 1000) AT TIME ZONE 'UTC',
             attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM "Notification"
          WHERE (status = 'QUEUED'::"NotificationStatus" AND "nextAttemptAt" <= to_timestamp(${nowMs}::double precision / 1000) AT TIME ZONE 'UTC')
             OR (status = 'SENDING'::"NotificationStatus" AND "leaseUntil" < to_timestamp(${nowMs}::double precision / 1000) AT TIME ZONE 'UTC')
          ORDER BY "nextAttemptAt", "createdAt"
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED)
      RETURNING id, attempts`;
  }

  async function handle(row: Claimed): Promise<void> {
    const at = now();
    const n = await db.notification.findUniqueOrThrow({
      where: { id: row.id },
      include: { vehicle: { include: { store: true, customer: { include: { optOuts: true } } } } },
    });
    const fence = { id: n.id, status: 'SENDING' as NotificationStatus, attempts: row.attempts };
    // A store's report to its managers (R23) is about no one vehicle: its store is the row's own.
    const store = n.vehicle?.store ?? (await db.store.findUniqueOrThrow({ where: { id: n.storeId! } }));
    const customer = n.vehicle?.customer;
    const workflowId = n.workflowId ?? n.idempotencyKey.split(':')[0];
    // Outcomes are written under the fence, once per send; a message retried by hand may have several.
    // A vehicle's messages go to its chain, the others to the store's.
    const audit = async (tx: Tx, action: string, data: Record<string, unknown>) => {
      const facts = { notificationId: n.id, channel: n.channel, recipient: n.recipient, template: n.template, attempts: row.attempts, ...data };
      if (!n.vin) return recordStoreEvent(tx, { storeId: store.id, action, actor: 'outbox-sender', at, data: facts });
      await tx.auditEvent.createMany({
        data: [{ idempotencyKey: `${n.idempotencyKey}:${action}:${at.toISOString()}`, vin: n.vin, workflowId, runId: 'outbox', cycle: n.cycle ?? 0, rule: n.rule, action, actor: 'outbox-sender', occurredAt: at, data: facts }],
        skipDuplicates: true,
      });
    };
    /** Back to the queue without counting an attempt: held, not failed. */
    const release = async (until: Date, reason: string) => {
      await db.notification.updateMany({ where: fence, data: { status: 'QUEUED', attempts: { decrement: 1 }, nextAttemptAt: until, leaseUntil: null, failureReason: reason } });
    };
    const giveUp = async (status: 'FAILED' | 'BOUNCED', reason: string) => {
      const assigneeRole: StaffRole = CUSTOMER_CHANNELS.includes(n.channel) ? 'CUSTOMER_RELATIONS' : 'SERVICE_MANAGER';
      await db.$transaction(async (tx) => {
        const { count } = await tx.notification.updateMany({ where: fence, data: { status, leaseUntil: null, failureReason: reason } });
        if (count === 0) return;
        // A person reaches the recipient another way; the task says which rule's message it was. A report
        // (no vehicle) is read on its page instead, and its failure shows in the outbox.
        if (n.vin) {
          await tx.task.createMany({
            data: [{ idempotencyKey: `${undeliveredTaskPrefix(n.idempotencyKey)}${at.toISOString()}`, vin: n.vin, workflowId, cycle: n.cycle ?? 0, kind: 'UNDELIVERED_MESSAGE', rule: n.rule, dueAt: at, assigneeRole }],
            skipDuplicates: true,
          });
        }
        await audit(tx, `message.${status.toLowerCase()}`, { reason });
      });
      log(`outbox: ${n.channel} ${n.template} to ${n.recipient} ${status.toLowerCase()}: ${reason}`);
    };

    const customerFacing = CUSTOMER_CHANNELS.includes(n.channel);
    if (customerFacing) {
      const optOut = customer?.optOuts.find((o) => o.channel === n.channel);
      if (optOut) {
        const reason = `customer opted out of ${n.channel} on ${optOut.recordedAt.toISOString()} (${optOut.reason}; recorded by ${optOut.recordedBy})`;
        await db.$transaction(async (tx) => {
          const { count } = await tx.notification.updateMany({ where: fence, data: { status: 'SUPPRESSED', leaseUntil: null, failureReason: reason } });
          if (count) await audit(tx, 'message.suppressed', { reason });
        });
        return;
      }
      const until = heldUntil(at, store.timeZone, contactHours(store.settings));
      if (until) return release(until, `held for quiet hours until ${until.toISOString()}`);
    }

    const kind = transportKindFor(n.channel, n.recipient);
    if (!kind) return giveUp('FAILED', `no e-mail address or mobile number for ${n.recipient}`);
    let config: ConfigOf<TransportKind> | undefined;
    try {
      config = await channelConfig(db, n.storeId ?? store.id, kind);
    } catch (err) {
      return release(new Date(at.getTime() + recheckMs), (err as Error).message);
    }
    if (!config) return release(new Date(at.getTime() + recheckMs), `no ${kind} channel configured for store ${store.id}: kept in the outbox`);

    const locale: Locale = isLocale(n.locale) ? n.locale : customerFacing && isLocale(customer?.locale) ? customer.locale : 'zh-CN';
    let rendered;
    let variables: Record<string, unknown>;
    try {
      const source = await resolveTemplate(db, store.id, n.template, locale);
      variables = { storeName: store.name, ...(n.payload as Record<string, unknown>), ...(n.ackCode ? { ackCode: n.ackCode, ackUrl: ackUrl(baseUrl, n.ackCode) } : {}) };
      rendered = renderTemplate(source, variables, { locale, timeZone: store.timeZone });
    } catch (err) {
      if (err instanceof TemplateError) return giveUp('FAILED', `template ${n.template} (${locale}): ${err.message}`);
      throw err;
    }
    const { count } = await db.notification.updateMany({ where: fence, data: { subject: rendered.subject, body: rendered.body, locale } });
    if (count === 0) return;

    try {
      const receipt = await transport(kind, config).send({ to: n.recipient, subject: rendered.subject, body: rendered.body, idempotencyKey: n.idempotencyKey, template: n.template, variables });
      await db.$transaction(async (tx) => {
        const done = await tx.notification.updateMany({ where: fence, data: { status: 'SENT', sentAt: now(), leaseUntil: null, failureReason: null, providerId: receipt.providerId ?? null } });
        if (done.count) await audit(tx, 'message.sent', { via: kind, providerId: receipt.providerId });
      });
    } catch (err) {
      const reason = (err as Error).message || String(err);
      if (err instanceof PermanentDeliveryError) return giveUp('BOUNCED', reason);
      if (row.attempts >= maxAttempts) return giveUp('FAILED', `gave up after ${row.attempts} attempts: ${reason}`);
      await db.notification.updateMany({ where: fence, data: { status: 'QUEUED', leaseUntil: null, failureReason: reason, nextAttemptAt: new Date(now().getTime() + backoffMs(row.attempts)) } });
    }
  }

  async function runOnce(): Promise<number> {
    const claimed = await claim(now());
    for (const row of claimed) {
      try {
        await handle(row);
      } catch (err) {
        // The lease brings the row back; one bad row must not stop the others.
        log(`outbox: message ${row.id} could not be handled: ${(err as Error).message}`);
      }
    }
    return claimed.length;
  }

  function start(intervalMs = 2_000) {
    let stopped = false;
    let wake: (() => void) | undefined;
    const loop = (async () => {
      while (!stopped) {
        let claimed = 0;
        try {
          claimed = await runOnce();
        } catch (err) {
          log(`outbox: sender pass failed: ${(err as Error).message}`);
        }
        if (claimed < batchSize && !stopped) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, intervalMs);
            wake = () => (clearTimeout(timer), resolve());
          });
        }
      }
    })();
    return {
      async stop() {
        stopped = true;
        wake?.();
        await loop;
      },
    };
  }

  function close() {
    for (const t of transports.values()) (t as { close?: () => void }).close?.();
    transports.clear();
  }

  return { runOnce, start, close };
}

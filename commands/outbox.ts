// An undelivered message (FAILED or BOUNCED) is settled by the person who has its task: sent again after
// the cause is corrected (the number, the address), or resolved with a note saying how the recipient was
// reached instead. Either way its task is done and the settling is audited on the vehicle.
import { z } from 'zod';
import { SETTLEABLE, visibleMessage } from '../api/notifications/outbox';
import { HttpError } from '../api/httpError';
import type { Notification } from '../generated/prisma/client';
import { undeliveredTaskPrefix } from '../notifications/dispatcher';
import { CommandContext, defineCommand } from './command';
import { text } from './input';
import { recordStoreEvent } from './storeAudit';

/** An outbox message, by its id; the command answers 404 for one of another store, as if it did not exist. */
export type OutboxSubject = {
  messageId: string;
};

export const resolveSchema = z.strictObject({ note: text({ min: 4, max: 1000, multiline: true }).optional() });

type Settling = 'retry' | 'resolve';

async function settle(ctx: CommandContext, action: Settling, id: string, note: string | undefined): Promise<Notification> {
  const { db, at } = ctx;
  const actor = ctx.principal.id;
  if (action === 'resolve' && !note) throw new HttpError(400, 'note: say how the recipient was reached');
  const message = await visibleMessage(db, ctx.principal, id);
  if (!SETTLEABLE.includes(message.status)) throw new HttpError(409, `message is ${message.status}; only FAILED or BOUNCED messages are settled by hand`);
  // A store's report to its managers (R23) is about no one vehicle: its settling goes to the store's chain.
  const vehicle = message.vin ? await db.vehicle.findUniqueOrThrow({ where: { vin: message.vin } }) : null;
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
    const settled = { action: action === 'retry' ? 'message.retried' : 'message.resolved', data: { notificationId: message.id, previousStatus: message.status, previousReason: message.failureReason, note: note ?? null } };
    if (!vehicle) return recordStoreEvent(tx, { storeId: message.storeId!, actor, at, ...settled });
    await tx.auditEvent.create({
      data: {
        idempotencyKey: `${message.idempotencyKey}:${action}:${at.toISOString()}`,
        vin: vehicle.vin,
        workflowId: message.workflowId ?? vehicle.workflowId,
        runId: 'api',
        cycle: message.cycle ?? vehicle.cycle,
        rule: message.rule,
        action: settled.action,
        actor,
        occurredAt: at,
        data: settled.data,
      },
    });
  });
  return db.notification.findUniqueOrThrow({ where: { id: message.id } });
}

/** Send a FAILED or BOUNCED message again (after correcting the cause); an optional note goes on its task. */
export const retryMessageCommand = defineCommand<typeof resolveSchema, Notification, OutboxSubject>({
  name: 'outbox.retry',
  action: 'outbox.settle',
  schema: resolveSchema,
  run: (ctx, { messageId }, { note }) => settle(ctx, 'retry', messageId, note),
});

/** Record how the recipient of a FAILED or BOUNCED message was reached instead (the note is required). */
export const resolveMessageCommand = defineCommand<typeof resolveSchema, Notification, OutboxSubject>({
  name: 'outbox.resolve',
  action: 'outbox.settle',
  schema: resolveSchema,
  run: (ctx, { messageId }, { note }) => settle(ctx, 'resolve', messageId, note),
});

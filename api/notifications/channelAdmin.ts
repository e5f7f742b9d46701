// A store's channels as configured (store row, environment default or none), secrets masked, and
// their configuration; messages that waited for a channel go as soon as it is configured.
import { z } from 'zod';
import type { Db } from '../../activities/database';
import { Prisma } from '../../generated/prisma/client';
import type { NotificationChannel } from '../../generated/prisma/enums';
import { CONFIG_SCHEMAS, envChannelConfig, isTransportKind, redactConfig, TRANSPORT_KINDS } from '../../notifications/channelConfig';
import { recordStoreEvent } from '../../commands/storeAudit';
import { Principal } from '../auth/principal';
import { HttpError } from '../httpError';
import { parseInput } from './input';
import { ownStore, requireStore } from './templateAdmin';

export const channelSchema = z.strictObject({ enabled: z.boolean().default(true), config: z.record(z.string(), z.unknown()) });

export async function storeChannels(db: Db, p: Principal, storeId: string) {
  await requireStore(db, storeId);
  ownStore(p, storeId);
  const rows = await db.storeChannel.findMany({ where: { storeId } });
  return {
    storeId,
    channels: TRANSPORT_KINDS.map((kind) => {
      const row = rows.find((r) => r.channel === kind);
      const env = envChannelConfig(kind);
      const source = row ? 'store' : env ? 'environment' : 'none';
      return { channel: kind, source, enabled: row ? row.enabled : Boolean(env), config: redactConfig(row ? row.config : env), updatedBy: row?.updatedBy, updatedAt: row?.updatedAt };
    }),
  };
}

export async function configureChannel(db: Db, p: Principal, storeId: string, kind: string, input: unknown, at: Date) {
  ownStore(p, storeId);
  if (!isTransportKind(kind)) throw new HttpError(404, `no channel ${kind}; one of ${TRANSPORT_KINDS.join(', ')}`);
  const body = parseInput(channelSchema, input ?? {});
  const config = parseInput(CONFIG_SCHEMAS[kind] as z.ZodType<unknown>, body.config) as Prisma.InputJsonObject;
  await requireStore(db, storeId);
  const saved = await db.$transaction(async (tx) => {
    const row = await tx.storeChannel.upsert({
      where: { storeId_channel: { storeId, channel: kind as NotificationChannel } },
      create: { storeId, channel: kind as NotificationChannel, enabled: body.enabled, config, updatedBy: p.id, updatedAt: at },
      update: { enabled: body.enabled, config, updatedBy: p.id, updatedAt: at },
    });
    // Secrets stay out of the audit trail, as out of every answer.
    await recordStoreEvent(tx, { storeId, action: 'channel.configured', actor: p.id, at, data: { channel: kind, enabled: body.enabled, config: redactConfig(config) as Record<string, unknown> } });
    return row;
  });
  // Messages that waited for this channel go now rather than at their next look.
  const { count: woken } = await db.notification.updateMany({
    where: { storeId, status: 'QUEUED', failureReason: { startsWith: `no ${kind} channel configured` } },
    data: { nextAttemptAt: at },
  });
  return { ...saved, config: redactConfig(saved.config), woken };
}

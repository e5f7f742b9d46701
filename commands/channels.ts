// A store's configuration of one way out (EMAIL, SMS, WECOM, DINGTALK): checked against that channel's
// own schema and its destinations against the outbound guard (notifications/outbound.ts), stored,
// recorded in the store's audit chain with its secrets masked; messages that waited for the channel go
// at once.
import { z } from 'zod';
import { requireStore } from '../api/notifications/templateAdmin';
import { HttpError } from '../api/httpError';
import { Prisma, StoreChannel } from '../generated/prisma/client';
import type { NotificationChannel } from '../generated/prisma/enums';
import { checkChannelDestination, CONFIG_SCHEMAS, ConfigOf, isTransportKind, redactConfig, TRANSPORT_KINDS, TransportKind } from '../notifications/channelConfig';
import { OutboundRefusedError } from '../notifications/outbound';
import { defineCommand } from './command';
import { parseInput } from './input';
import { recordStoreEvent } from './storeAudit';

/** A store's channel; another store's is 403, as the API has always answered. */
export type ChannelSubject = {
  storeId: string;
  channel: string;
};

export const channelSchema = z.strictObject({ enabled: z.boolean().default(true), config: z.record(z.string(), z.unknown()) });

/** The stored row, its secrets masked, and how many waiting messages now go. */
export type ChannelConfigured = Omit<StoreChannel, 'config'> & { config: unknown; woken: number };

export const configureChannelCommand = defineCommand<typeof channelSchema, ChannelConfigured, ChannelSubject>({
  name: 'channel.configure',
  action: 'channels.manage',
  schema: channelSchema,
  otherStore: 'forbidden',
  async run({ db, principal, at }, { storeId, channel: kind }, body) {
    if (!isTransportKind(kind)) throw new HttpError(404, `no channel ${kind}; one of ${TRANSPORT_KINDS.join(', ')}`);
    // Each channel's configuration has its own shape (README "Channels").
    const config = parseInput(CONFIG_SCHEMAS[kind] as z.ZodType<unknown>, body.config) as Prisma.InputJsonObject;
    await requireStore(db, storeId);
    // The sender checks again at every send (names can change what they resolve to); this check tells
    // the person configuring now rather than through failed messages.
    try {
      await checkChannelDestination(kind, config as unknown as ConfigOf<TransportKind>);
    } catch (err) {
      if (err instanceof OutboundRefusedError) throw new HttpError(422, `${kind} channel refused: ${err.message}`);
      throw err;
    }
    const saved = await db.$transaction(async (tx) => {
      const row = await tx.storeChannel.upsert({
        where: { storeId_channel: { storeId, channel: kind as NotificationChannel } },
        create: { storeId, channel: kind as NotificationChannel, enabled: body.enabled, config, updatedBy: principal.id, updatedAt: at },
        update: { enabled: body.enabled, config, updatedBy: principal.id, updatedAt: at },
      });
      // Secrets stay out of the audit trail, as out of every answer.
      await recordStoreEvent(tx, { storeId, action: 'channel.configured', actor: principal.id, at, data: { channel: kind, enabled: body.enabled, config: redactConfig(config) as Record<string, unknown> } });
      return row;
    });
    // Messages that waited for this channel go now rather than at their next look.
    const { count: woken } = await db.notification.updateMany({
      where: { storeId, status: 'QUEUED', failureReason: { startsWith: `no ${kind} channel configured` } },
      data: { nextAttemptAt: at },
    });
    return { ...saved, config: redactConfig(saved.config), woken };
  },
});

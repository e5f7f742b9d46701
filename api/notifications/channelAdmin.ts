// A store's channels as configured (store row, environment default or none), secrets masked. Configuring
// one is a command (commands/channels.ts).
import type { Db } from '../../activities/database';
import { envChannelConfig, redactConfig, TRANSPORT_KINDS } from '../../notifications/channelConfig';
import { Principal } from '../auth/principal';
import { ownStore, requireStore } from './templateAdmin';

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

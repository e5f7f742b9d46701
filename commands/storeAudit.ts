// Changes that belong to a store, not to one vehicle (settings, templates, channels, staff), are recorded
// in the store's own audit chain: who, when, what.
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import { Prisma } from '../generated/prisma/client';

export interface StoreEvent {
  storeId: string;
  action: string;
  actor: string;
  at: Date;
  data: Record<string, unknown>;
}

export async function recordStoreEvent(db: Db | Tx, event: StoreEvent): Promise<void> {
  await db.storeAuditEvent.create({ data: { storeId: event.storeId, action: event.action, actor: event.actor, occurredAt: event.at, data: event.data as Prisma.InputJsonObject } });
}

import type { Db } from '../activities/database';
import { elapsedMs } from '../runtime/clock';

/**
 * Which store ids exist, for validating registrations without a database round trip each time: in the
 * embedded setup the database shares the API's thread, and stores change a few times a year. A store
 * found stays known for a minute; an unknown id is asked again after a few seconds, so a newly created
 * store is usable at once in practice.
 */
export function storeDirectory(db: Db, knownMs = 60_000, unknownMs = 5_000): (storeId: string) => Promise<boolean> {
  const cache = new Map<string, { exists: boolean; until: number }>();
  return async (storeId) => {
    const hit = cache.get(storeId);
    if (hit && hit.until > elapsedMs()) return hit.exists;
    const exists = (await db.store.findUnique({ where: { id: storeId }, select: { id: true } })) !== null;
    cache.set(storeId, { exists, until: elapsedMs() + (exists ? knownMs : unknownMs) });
    return exists;
  };
}

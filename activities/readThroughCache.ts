import { elapsedMs } from '../runtime/clock';

/**
 * Keeps what `load` returned for a key for `ttlMs`: for reference data (a store's capacity model, a
 * model's service plan) that every booking reads and that changes a few times a year. A failed load is
 * forgotten at once, so the next caller asks again.
 */
export function readThroughCache<V>(ttlMs: number): (key: string, load: () => Promise<V>) => Promise<V> {
  const cache = new Map<string, { value: Promise<V>; until: number }>();
  return (key, load) => {
    const hit = cache.get(key);
    if (hit && hit.until > elapsedMs()) return hit.value;
    const value = load();
    cache.set(key, { value, until: elapsedMs() + ttlMs });
    value.catch(() => cache.delete(key));
    return value;
  };
}

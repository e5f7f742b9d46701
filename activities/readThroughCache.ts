/**
 * Keeps what `load` returned for a key for as long as the key's version stays the one it was loaded at:
 * for reference data (a store's capacity model, a model's service plan) that every booking reads and that
 * changes a few times a year. The caller reads the current version (one primary-key query: the database
 * stamps it with every change, in the change's own transaction), so a change made through any process is
 * seen by every process at once. A failed load is forgotten at once, so the next caller asks again.
 */
export function versionedCache<V>(): (key: string, version: bigint, load: () => Promise<V>) => Promise<V> {
  const cache = new Map<string, { version: bigint; value: Promise<V> }>();
  return (key, version, load) => {
    const hit = cache.get(key);
    if (hit && hit.version === version) return hit.value;
    // Loaded after the version was read, the value is at least that new; a newer one is reloaded next time.
    const value = load();
    cache.set(key, { version, value });
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  };
}

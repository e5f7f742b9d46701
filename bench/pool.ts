// Measuring helpers shared by the benchmark and its load client.

export interface PoolRun {
  seconds: number;
  latenciesMs: number[];
}

/**
 * Runs fn over items with at most `concurrency` in flight; times the whole batch and each call.
 * After a failure the lanes take no new items, and all settle before the error is rethrown, so no
 * request is still running when the caller tears the stack down.
 */
export async function runPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<PoolRun> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      const t0 = performance.now();
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
      latenciesMs.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return { seconds: (performance.now() - t0) / 1000, latenciesMs };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

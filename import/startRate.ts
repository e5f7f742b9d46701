// Workflow starts of an import are rate-limited, so a file of thousands of cars never takes the Temporal
// server, the worker and the database away from the store's running lifecycles: a token bucket per
// Temporal client (one per process), shared by every import the process runs, from the API or the pages.
import type { Client } from '@temporalio/client';
import { elapsedMs } from '../runtime/clock';

export interface TokenBucket {
  /** Resolves when a start may go. */
  take(): Promise<void>;
}

export function tokenBucket(perSecond: number, burst = perSecond, now: () => number = elapsedMs, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): TokenBucket {
  let tokens = burst;
  let last = now();
  let queue = Promise.resolve();
  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) * perSecond) / 1000);
    last = t;
  };
  return {
    take() {
      // One waiter at a time, so starts go out in the order they asked.
      const turn = queue.then(async () => {
        refill();
        while (tokens < 1) {
          await sleep(Math.ceil(((1 - tokens) * 1000) / perSecond));
          refill();
        }
        tokens -= 1;
      });
      queue = turn;
      return turn;
    },
  };
}

/** Starts per second unless IMPORT_STARTS_PER_SECOND says otherwise. */
export const DEFAULT_STARTS_PER_SECOND = 20;

export function startsPerSecond(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env.IMPORT_STARTS_PER_SECOND);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_STARTS_PER_SECOND;
}

const buckets = new WeakMap<Client, Client>();

/** The client as an import uses it: every `workflow.start` waits for a token of the process's bucket. */
export function rateLimited(client: Client, bucket?: TokenBucket): Client {
  const known = buckets.get(client);
  if (known) return known;
  const tokens = bucket ?? tokenBucket(startsPerSecond());
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const workflow = new Proxy(client.workflow, {
    get(target, prop) {
      if (prop !== 'start') return bound(target, prop);
      return async (...args: Parameters<typeof target.start>) => {
        await tokens.take();
        return target.start(...args);
      };
    },
  });
  const limited = new Proxy(client, { get: (target, prop) => (prop === 'workflow' ? workflow : bound(target, prop)) });
  buckets.set(client, limited);
  return limited;
}

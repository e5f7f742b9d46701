/**
 * The product's one notion of "now". Production runs on the system clock; a test hands one clock it
 * controls to the API, the web pages, the outbox sender and the start-up seed alike, so fixing the time
 * in one place fixes it everywhere.
 *
 * Outside this clock, on purpose:
 * - workflow code: `Date.now()` inside a workflow is the workflow's deterministic time, which is the
 *   Temporal server's; activities take their time from the step context the workflow hands them;
 * - the database's column defaults (`now()`) and Prisma's `@updatedAt`: bookkeeping stamps that no rule
 *   decides on;
 * - elapsed time (timeouts, cache lifetimes, rate-limit windows): `elapsedMs()`, monotonic, so moving the
 *   business clock neither expires a cache nor stalls a timeout.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test or a scenario sets and moves by hand. */
export interface SettableClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function settableClock(start: Date | string): SettableClock {
  let at = new Date(start).getTime();
  if (Number.isNaN(at)) throw new Error(`not an instant: ${String(start)}`);
  return {
    now: () => new Date(at),
    set: (next) => {
      at = new Date(next).getTime();
    },
    advance: (ms) => {
      at += ms;
    },
  };
}

/** Milliseconds on a monotonic clock: only differences mean anything. */
export function elapsedMs(): number {
  return performance.now();
}

import { elapsedMs } from '../../runtime/clock';

/**
 * Failures per key in a sliding window, kept in memory: each API process limits on its own, which bounds
 * guessing to (processes × limit) per window. Sign-in itself is limited in the database, across processes
 * (signInLimiter.ts); this one guards the password change's current password, behind a session already.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfterMs(key: string, now = elapsedMs()): number {
    const recent = this.recent(key, now);
    return recent.length < this.maxFailures ? 0 : recent[0] + this.windowMs - now;
  }

  fail(key: string, now = elapsedMs()): void {
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }
}

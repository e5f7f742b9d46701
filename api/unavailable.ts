// Errors that mean "a part the API depends on is overloaded or down, try again", not a bug: a Temporal
// call that timed out or found the server unreachable, or a database connection that could not be had.
// They answer 503 with Retry-After instead of 500.

/** gRPC status codes: DEADLINE_EXCEEDED (a query no worker answered in time), RESOURCE_EXHAUSTED, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES = new Set([4, 8, 14]);
/** Prisma: database unreachable, connection pool timeout, transaction could not start in time. */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P2024', 'P2028']);

export function isTemporarilyUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code)) return true;
    if (typeof code === 'string' && TRANSIENT_PRISMA_CODES.has(code)) return true;
  }
  return false;
}

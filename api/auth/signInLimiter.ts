import type { Db } from '../../activities/database';

/** At most `maxFailures` failed sign-ins per key within any `windowMs`. */
export interface SignInLimit {
  maxFailures: number;
  windowMs: number;
}

export interface SignInKey {
  key: string;
  limit: SignInLimit;
  /** Whether the right password clears the key's failures: yes for a person, never for a client address. */
  clearedBySuccess: boolean;
}

export type Reservation = { ok: true; ids: bigint[]; keys: SignInKey[] } | { ok: false; retryAfterMs: number };

// Advisory locks of this class serialize the attempts on one key (the second number is the key's hash).
const LOCK_CLASS = 0x5349;

/**
 * Failed sign-ins per key in a sliding window, kept in the database (`SignInFailure`) so that the API, the
 * web pages and every API process count against one limit. An attempt is counted as a failure *before*
 * its password is checked, under a lock on its keys, and uncounted only if the password was right: so
 * concurrent guesses, from any number of processes, cannot all slip past the count while it is read.
 * Windows run on the database's clock (`now()`): the one clock all processes share, and not the business
 * clock, which tests move and which must neither lift nor extend a lock-out.
 */
export async function reserveAttempt(db: Db, keys: SignInKey[]): Promise<Reservation> {
  const ordered = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const longest = Math.max(...keys.map((k) => k.limit.windowMs));
  return db.$transaction(async (tx) => {
    for (const { key } of ordered) await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${key}))`;
    let retryAfterMs = 0;
    for (const { key, limit } of ordered) {
      // The window frees a place when the failure that filled it leaves: the maxFailures-th newest.
      const rows = await tx.$queryRaw<{ waitMs: number }[]>`
        SELECT (EXTRACT(EPOCH FROM ("failedAt" + ${limit.windowMs}::float8 * interval '1 millisecond' - now())) * 1000)::float8 AS "waitMs"
        FROM "SignInFailure"
        WHERE "key" = ${key} AND "failedAt" > now() - ${limit.windowMs}::float8 * interval '1 millisecond'
        ORDER BY "failedAt" DESC, "id" DESC OFFSET ${limit.maxFailures - 1}::int LIMIT 1`;
      if (rows.length > 0) retryAfterMs = Math.max(retryAfterMs, Math.max(1, Math.ceil(rows[0].waitMs)));
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    await tx.$executeRaw`DELETE FROM "SignInFailure" WHERE "failedAt" < now() - ${longest}::float8 * interval '1 millisecond'`;
    const ids: bigint[] = [];
    for (const { key } of ordered) {
      const [row] = await tx.$queryRaw<{ id: bigint }[]>`INSERT INTO "SignInFailure" ("key") VALUES (${key}) RETURNING "id"`;
      ids.push(row.id);
    }
    return { ok: true, ids, keys: ordered };
  });
}

/** The password was right: the attempt was no failure, and the keys a success clears start over. */
export async function attemptSucceeded(db: Db, reservation: Extract<Reservation, { ok: true }>): Promise<void> {
  const cleared = reservation.keys.filter((k) => k.clearedBySuccess).map((k) => k.key);
  await db.signInFailure.deleteMany({ where: { OR: [{ id: { in: reservation.ids } }, { key: { in: cleared } }] } });
}

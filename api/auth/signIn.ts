import type { Db } from '../../activities/database';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
import { attemptSucceeded, reserveAttempt, SignInLimit } from './signInLimiter';
import { openSession } from './sessions';

export interface SignInLimits {
  perStaff: SignInLimit;
  perAddress: SignInLimit;
}

export function defaultSignInLimits(): SignInLimits {
  return { perStaff: { maxFailures: 5, windowMs: 15 * 60_000 }, perAddress: { maxFailures: 30, windowMs: 15 * 60_000 } };
}

export type SignInResult =
  | { ok: true; token: string; csrfToken: string; expiresAt: Date; staff: { id: string; name: string; role: string; storeId: string; allStores: boolean; mustChangePassword: boolean } }
  | { ok: false; status: 401 | 429; reason: string; retryAfterSeconds?: number };

/**
 * Checks a staff id and password, limited per person and per client address, and opens a session. A right
 * password clears the person's failures but not the address's: one known account must not let a client
 * go on guessing everybody else's.
 */
export async function signIn(db: Db, limits: SignInLimits, staffId: string, password: string, address: string, kind: 'WEB' | 'API', at: Date): Promise<SignInResult> {
  const attempt = await reserveAttempt(db, [
    { key: `staff:${staffId.toLowerCase()}`, limit: limits.perStaff, clearedBySuccess: true },
    { key: `address:${address}`, limit: limits.perAddress, clearedBySuccess: false },
  ]);
  if (!attempt.ok) return { ok: false, status: 429, reason: 'too many failed sign-ins; try again later', retryAfterSeconds: Math.ceil(attempt.retryAfterMs / 1000) };
  const staff = await db.staff.findUnique({ where: { id: staffId } });
  const valid = await verifyPassword(password, staff?.passwordHash);
  if (!staff || !valid || !staff.active) return { ok: false, status: 401, reason: 'wrong staff id or password' };
  await attemptSucceeded(db, attempt);
  if (staff.passwordHash && needsRehash(staff.passwordHash)) {
    // Only while the hash is the one just checked: a password changed meanwhile stays changed.
    await db.staff.updateMany({ where: { id: staff.id, passwordHash: staff.passwordHash }, data: { passwordHash: await hashPassword(password) } });
  }
  const session = await openSession(db, staff.id, kind, at);
  return { ok: true, ...session, staff: { id: staff.id, name: staff.name, role: staff.role, storeId: staff.storeId, allStores: staff.allStores, mustChangePassword: staff.mustChangePassword } };
}

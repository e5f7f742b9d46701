import type { Db } from '../../activities/database';
import { verifyPassword } from './passwords';
import { LoginRateLimiter } from './rateLimit';
import { openSession } from './sessions';

export interface SignInLimits {
  perStaff: LoginRateLimiter;
  perAddress: LoginRateLimiter;
}

export function defaultSignInLimits(): SignInLimits {
  return { perStaff: new LoginRateLimiter(5, 15 * 60_000), perAddress: new LoginRateLimiter(30, 15 * 60_000) };
}

export type SignInResult =
  | { ok: true; token: string; csrfToken: string; expiresAt: Date; staff: { id: string; name: string; role: string; storeId: string; allStores: boolean; mustChangePassword: boolean } }
  | { ok: false; status: 401 | 429; reason: string; retryAfterSeconds?: number };

/** Checks a staff id and password, limited per person and per client address, and opens a session. */
export async function signIn(db: Db, limits: SignInLimits, staffId: string, password: string, address: string, kind: 'WEB' | 'API', at: Date): Promise<SignInResult> {
  const keys: [LoginRateLimiter, string][] = [
    [limits.perStaff, staffId.toLowerCase()],
    [limits.perAddress, address],
  ];
  const wait = Math.max(...keys.map(([l, k]) => l.retryAfterMs(k)));
  if (wait > 0) return { ok: false, status: 429, reason: 'too many failed sign-ins; try again later', retryAfterSeconds: Math.ceil(wait / 1000) };
  const staff = await db.staff.findUnique({ where: { id: staffId } });
  const valid = await verifyPassword(password, staff?.passwordHash);
  if (!staff || !valid || !staff.active) {
    keys.forEach(([l, k]) => l.fail(k));
    return { ok: false, status: 401, reason: 'wrong staff id or password' };
  }
  keys.forEach(([l, k]) => l.succeed(k));
  const session = await openSession(db, staff.id, kind, at);
  return { ok: true, ...session, staff: { id: staff.id, name: staff.name, role: staff.role, storeId: staff.storeId, allStores: staff.allStores, mustChangePassword: staff.mustChangePassword } };
}

// Server-side sessions: the client holds a random token, the database holds its hash and expiry.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../activities/database';
import { elapsedMs } from '../../runtime/clock';
import type { Principal } from './principal';

export const SESSION_TTL_MS = { WEB: 8 * 3_600_000, API: 12 * 3_600_000 } as const;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function openSession(db: Db, staffId: string, kind: 'WEB' | 'API', at: Date): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(at.getTime() + SESSION_TTL_MS[kind]);
  await db.session.create({ data: { id: digest(token), staffId, kind, csrfToken, expiresAt } });
  // Expired sessions are cleared as people sign in, so the table stays the size of the staff.
  await db.session.deleteMany({ where: { expiresAt: { lt: at } } });
  return { token, csrfToken, expiresAt };
}

/**
 * Sessions seen in the last few seconds, so a burst of API calls costs one database read, not one per
 * call. Sign-out in this process takes effect at once; a deactivation or a sign-out through another API
 * process within CACHE_MS.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
const recent = new Map<string, { principal: Principal | undefined; until: number }>();
/** Counts `forgetSessionsOf` calls: a load that overlapped one may have read the person as they were. */
let forgets = 0;

/** The person a token stands for, or undefined when it is unknown, expired or the person was deactivated. */
export async function principalFor(db: Db, token: string, at: Date): Promise<Principal | undefined> {
  const id = digest(token);
  const hit = recent.get(id);
  if (hit && hit.until > elapsedMs()) return hit.principal && live(hit.principal, at);
  const before = forgets;
  const principal = await loadPrincipal(db, id);
  if (forgets === before) {
    if (recent.size >= CACHE_MAX) recent.clear();
    recent.set(id, { principal, until: elapsedMs() + CACHE_MS });
  }
  return principal && live(principal, at);
}

const live = (p: Principal, at: Date) => (p.session.expiresAt.getTime() > at.getTime() ? p : undefined);

async function loadPrincipal(db: Db, id: string): Promise<Principal | undefined> {
  const session = await db.session.findUnique({ where: { id }, include: { staff: true } });
  if (!session || !session.staff.active) return undefined;
  const s = session.staff;
  return {
    id: s.id,
    name: s.name,
    role: s.role,
    storeId: s.storeId,
    allStores: s.allStores,
    mustChangePassword: s.mustChangePassword,
    session: { id: session.id, kind: session.kind === 'API' ? 'API' : 'WEB', csrfToken: session.csrfToken, expiresAt: session.expiresAt },
  };
}

export async function closeSession(db: Db, sessionId: string): Promise<void> {
  recent.delete(sessionId);
  await db.session.deleteMany({ where: { id: sessionId } });
}

/**
 * Drops what this process remembers of a person's sessions, so a change to the person (disabled, a new
 * password) counts at their next request; called after the change is committed, so nothing read before it
 * is remembered again.
 */
export function forgetSessionsOf(staffId: string): void {
  forgets++;
  for (const [id, hit] of recent) if (hit.principal?.id === staffId) recent.delete(id);
}

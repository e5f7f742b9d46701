import type { Db } from '../../activities/database';
import { hashPassword } from '../../api/auth/passwords';
import type { StaffRole } from '../../generated/prisma/enums';

export const TEST_PASSWORD = 'test-pass-123';

/** Staff who can sign in with TEST_PASSWORD; one hash serves them all (scrypt is slow on purpose). */
export async function addStaff(db: Db, people: { id: string; storeId: string; role: StaffRole; name?: string; allStores?: boolean }[]): Promise<void> {
  const passwordHash = await hashPassword(TEST_PASSWORD);
  await db.staff.createMany({ data: people.map((p) => ({ name: p.id, allStores: false, ...p, passwordHash })) });
}

/** A bearer token for the person, from POST /api/session. */
export async function signIn(base: string, staffId: string, password = TEST_PASSWORD): Promise<string> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId, password }) });
  if (res.status !== 201) throw new Error(`sign-in of ${staffId} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

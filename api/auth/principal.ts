import type { StaffRole } from '../../generated/prisma/enums';

/** The signed-in person a request acts for; every step's actor is this person's staff id. */
export interface Principal {
  id: string;
  name: string;
  role: StaffRole;
  storeId: string;
  /** Auditors and general managers may span every store. */
  allStores: boolean;
  /** Signed in with a password someone else chose: only the password change is open until they choose their own. */
  mustChangePassword?: boolean;
  session: { id: string; kind: 'WEB' | 'API'; csrfToken: string; expiresAt: Date };
}

declare global {
  // Express's own extension point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export function inStore(p: Principal, storeId: string | null | undefined): boolean {
  return p.allStores || (storeId !== null && storeId !== undefined && storeId === p.storeId);
}

// The first account of a dealership's own database (issue 16): nobody is there to sign in and add people,
// so `npm start` on an empty database prints a one-time set-up link (the token's SHA-256 stored, valid 24 h)
// whose form creates the first store and its general manager, once; and `npm run admin --
// create-general-manager` does it from the shell with a temporary password. There is never an open form
// while anyone has an account.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import { hashPassword } from '../api/auth/passwords';
import { HttpError } from '../api/httpError';
import { accountIdSchema, fieldRefusal, passwordProblem, passwordSchema, temporaryPassword } from './staff';
import { text } from './input';
import { recordStoreEvent } from './storeAudit';

export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;
const USED_UP = 'this set-up link does not work (any more): it was used, has expired, or staff already exist; ask for `npm run admin -- create-general-manager`';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Whether the database is a dealership's empty one: no store and nobody to sign in. */
async function isEmpty(db: Db | Tx): Promise<boolean> {
  const [stores, staff] = await Promise.all([db.store.count(), db.staff.count()]);
  return stores === 0 && staff === 0;
}

/**
 * A new set-up token when the database is empty, else undefined. Each start of an empty database issues
 * a new one and the earlier ones stop working, so only the link printed last opens the form.
 */
export async function offerFirstAccount(db: Db, at: Date): Promise<string | undefined> {
  if (!(await isEmpty(db))) return undefined;
  const token = randomBytes(32).toString('base64url');
  await db.$transaction([db.setupToken.deleteMany({ where: { usedAt: null } }), db.setupToken.create({ data: { id: digest(token), expiresAt: new Date(at.getTime() + SETUP_TOKEN_TTL_MS) } })]);
  return token;
}

/** Whether the token still opens the set-up form: unused, not expired, and nobody has an account yet. */
export async function setupTokenWorks(db: Db, token: string, at: Date): Promise<boolean> {
  const row = token.length <= 100 ? await db.setupToken.findUnique({ where: { id: digest(token) } }) : null;
  return !!row && row.usedAt === null && row.expiresAt > at && (await db.staff.count()) === 0;
}

const storeIdSchema = accountIdSchema;

export const firstAccountSchema = z
  .strictObject({
    storeId: storeIdSchema,
    storeName: text({ max: 64 }),
    staffId: accountIdSchema,
    name: text({ max: 64 }),
    password: passwordSchema,
  })
  .superRefine((body, ctx) => {
    const problem = passwordProblem(body.password, body.staffId);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });

export type FirstAccount = z.output<typeof firstAccountSchema>;

/** The store and its general manager, once per token: a second use, or any use once staff exist, is refused (404). */
export async function createFirstAccount(db: Db, token: string, account: FirstAccount, at: Date): Promise<{ storeId: string; staffId: string }> {
  const passwordHash = await hashPassword(account.password);
  return db.$transaction(async (tx) => {
    // The row lock makes a second submission of the same link wait, then find it used.
    const { count } = await tx.setupToken.updateMany({ where: { id: digest(token), usedAt: null, expiresAt: { gt: at } }, data: { usedAt: at } });
    if (count !== 1 || (await tx.staff.count()) > 0) throw new HttpError(404, USED_UP);
    if (await tx.store.findUnique({ where: { id: account.storeId }, select: { id: true } })) throw fieldRefusal(409, 'storeId', `store ${account.storeId} exists`);
    await tx.store.create({ data: { id: account.storeId, name: account.storeName } });
    await tx.staff.create({ data: { id: account.staffId, storeId: account.storeId, name: account.name, role: 'GENERAL_MANAGER', allStores: true, passwordHash, mustChangePassword: false } });
    await recordStoreEvent(tx, { storeId: account.storeId, action: 'store.created', actor: account.staffId, at, data: { storeId: account.storeId, name: account.storeName, via: 'set-up link' } });
    await recordStoreEvent(tx, { storeId: account.storeId, action: 'staff.added', actor: account.staffId, at, data: { staffId: account.staffId, name: account.name, role: 'GENERAL_MANAGER', via: 'set-up link', password: 'chosen by the person' } });
    return { storeId: account.storeId, staffId: account.staffId };
  });
}

export interface GeneralManagerRequest {
  storeId: string;
  /** The store's name when the command creates it; the id otherwise. */
  storeName?: string;
  staffId: string;
  name: string;
}

/**
 * The shell's way to a general manager (the first one, or one to recover a locked-out dealership): the store
 * is created when missing, the password is temporary and must be changed at the first sign-in.
 */
export async function createGeneralManager(db: Db, request: GeneralManagerRequest, actor: string, at: Date): Promise<{ storeCreated: boolean; temporaryPassword: string }> {
  const storeId = parseField(storeIdSchema, request.storeId, 'store');
  const staffId = parseField(accountIdSchema, request.staffId, 'id');
  const name = parseField(text({ max: 64 }), request.name, 'name');
  const storeName = request.storeName === undefined ? storeId : parseField(text({ max: 64 }), request.storeName, 'store-name');
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const storeCreated = await db.$transaction(async (tx) => {
    if (await tx.staff.findUnique({ where: { id: staffId }, select: { id: true } })) throw new HttpError(409, `staff id ${staffId} is taken`);
    const created = !(await tx.store.findUnique({ where: { id: storeId }, select: { id: true } }));
    if (created) {
      await tx.store.create({ data: { id: storeId, name: storeName } });
      await recordStoreEvent(tx, { storeId, action: 'store.created', actor, at, data: { storeId, name: storeName, via: 'admin command' } });
    }
    await tx.staff.create({ data: { id: staffId, storeId, name, role: 'GENERAL_MANAGER', allStores: true, passwordHash, mustChangePassword: true } });
    await recordStoreEvent(tx, { storeId, action: 'staff.added', actor, at, data: { staffId, name, role: 'GENERAL_MANAGER', via: 'admin command', password: 'temporary, generated', mustChangePassword: true } });
    return created;
  });
  return { storeCreated, temporaryPassword: password };
}

function parseField<T>(schema: z.ZodType<T>, value: string, option: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `--${option}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

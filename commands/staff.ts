// Staff accounts (issue 16): a manager adds their store's people, changes their role, disables them (their
// sessions end at once) and enables them again, resets a forgotten password, and hands a leaving sales
// consultant's customers to a colleague in one step (R22); everyone changes their own password, and must
// after a password someone else chose. Every change is an event in the store's audit chain — who, when,
// what — and no password or hash is ever in one.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import { hashPassword, verifyPassword } from '../api/auth/passwords';
import { ROLES } from '../api/auth/policy';
import { inStore, Principal } from '../api/auth/principal';
import { attemptSucceeded, reserveAttempt, SignInKey } from '../api/auth/signInLimiter';
import { forgetSessionsOf } from '../api/auth/sessions';
import { HttpError } from '../api/httpError';
import { Prisma } from '../generated/prisma/client';
import type { StaffRole } from '../generated/prisma/enums';
import { CommandContext, defineCommand, StoreSubject } from './command';
import { characters, text } from './input';
import { reasonIn } from './reasons';
import { recordStoreEvent } from './storeAudit';

/** A staff member the command finds and checks against the person's stores itself. */
export type StaffSubject = { staffId: string };

// Ids go into addresses, sign-in forms and audit trails: one spelling each, nothing to confuse.
const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const ID_RULE = "must be 2–64 lowercase letters, digits, '.', '-' or '_', starting with a letter or digit";
export const accountIdSchema = z.string().trim().regex(ID_PATTERN, ID_RULE);

const MIN_PASSWORD_CHARACTERS = 10;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** A password a person chooses: at least 10 characters; the rule against the staff id needs the id (`passwordProblem`). */
export const passwordSchema = z
  .string({ error: 'must be a text' })
  .refine((s) => !CONTROL.test(s), 'must not contain control characters')
  .refine((s) => characters(s) >= MIN_PASSWORD_CHARACTERS, `must have at least ${MIN_PASSWORD_CHARACTERS} characters`)
  .refine((s) => characters(s) <= 200, 'must have at most 200 characters');

/** What is wrong with a password for this person beyond its length: being their staff id. */
export function passwordProblem(password: string, staffId: string): string | undefined {
  return password.trim().toLowerCase() === staffId.trim().toLowerCase() ? 'must not be the staff id' : undefined;
}

const roleSchema = z.enum(ROLES as [StaffRole, ...StaffRole[]], { error: `must be one of ${ROLES.join(', ')}` });
const phoneSchema = z.string().trim().regex(/^\+?[0-9 -]{6,20}$/, 'must be digits, spaces or dashes');

export const addStaffSchema = z
  .strictObject({
    id: accountIdSchema,
    name: text({ max: 64 }),
    role: roleSchema,
    phone: phoneSchema.optional(),
    email: z.email({ error: 'must be an e-mail address' }).optional(),
    /** Told to the person by the manager; without it a temporary password is made and shown once. */
    initialPassword: passwordSchema.optional(),
  })
  .superRefine((body, ctx) => {
    const problem = body.initialPassword === undefined ? undefined : passwordProblem(body.initialPassword, body.id);
    if (problem) ctx.addIssue({ code: 'custom', path: ['initialPassword'], message: problem });
  });

export const changeStaffSchema = z
  .strictObject({ name: text({ max: 64 }).optional(), role: roleSchema.optional(), active: z.boolean({ error: 'must be true or false' }).optional() })
  .refine((b) => b.name !== undefined || b.role !== undefined || b.active !== undefined, 'send at least one of name, role, active');
const changeRoleSchema = z.strictObject({ role: roleSchema });
export const noInputSchema = z.strictObject({});
export const reassignCustomersSchema = z.strictObject({ to: text({ max: 64 }) });
export const changeOwnPasswordSchema = z.strictObject({ currentPassword: z.string({ error: 'must be a text' }).min(1, 'must not be empty').max(200), newPassword: passwordSchema });

/**
 * The roles a manager may give, and so the people they may manage: a general manager any; a service
 * manager any but the general manager's and the auditor's, the two who oversee the stores.
 */
export function grantableRoles(role: StaffRole): StaffRole[] {
  if (role === 'GENERAL_MANAGER') return ROLES;
  if (role === 'SERVICE_MANAGER') return ROLES.filter((r) => r !== 'GENERAL_MANAGER' && r !== 'AUDITOR');
  return [];
}

/** General managers lead and auditors read across every store. */
const spansStores = (role: StaffRole) => role === 'GENERAL_MANAGER' || role === 'AUDITOR';

/** What anyone is shown of an account: never its password hash. */
const STAFF_VIEW = { id: true, storeId: true, name: true, role: true, phone: true, email: true, active: true, allStores: true, mustChangePassword: true, createdAt: true } as const;
export type StaffView = Prisma.StaffGetPayload<{ select: typeof STAFF_VIEW }>;

const TEMPORARY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A password to read out or hand over on paper: 12 characters without look-alikes (l/1, o/0). */
export function temporaryPassword(): string {
  return Array.from({ length: 12 }, () => TEMPORARY_ALPHABET[randomInt(TEMPORARY_ALPHABET.length)]).join('');
}

/** A reason that belongs to one field of the body, so a form shows it next to that field (in either language). */
export function fieldRefusal(status: number, path: string, message: string): HttpError {
  return new HttpError(status, `${path}: ${message}`, [{ path, message, zh: reasonIn('zh', message) }]);
}

/** The account, when it is in the person's stores: another store's people are not even confirmed to exist. */
async function visibleStaff(db: Db | Tx, principal: Principal, staffId: string) {
  const staff = characters(staffId) <= 64 ? await db.staff.findUnique({ where: { id: staffId } }) : null;
  if (!staff || !inStore(principal, staff.storeId)) throw new HttpError(404, `no staff member ${staffId}`);
  return staff;
}

/** The account, when the person may manage it: in their stores and of a role they may give. */
async function managedStaff(ctx: CommandContext, staffId: string) {
  const staff = await visibleStaff(ctx.db, ctx.principal, staffId);
  if (!grantableRoles(ctx.principal.role).includes(staff.role)) throw new HttpError(403, `a ${ctx.principal.role} may not manage the account of a ${staff.role}`);
  return staff;
}

function checkGrant(principal: Principal, role: StaffRole): void {
  if (!grantableRoles(principal.role).includes(role)) throw fieldRefusal(403, 'role', `a ${principal.role} may not make someone a ${role}`);
}

export interface StaffAdded {
  staff: StaffView;
  /** Shown once when the manager gave no initial password; never stored in clear, never shown again. */
  temporaryPassword?: string;
}

export const addStaffCommand = defineCommand<typeof addStaffSchema, StaffAdded, StoreSubject>({
  name: 'staff.add',
  action: 'staff.manage',
  schema: addStaffSchema,
  async run({ db, principal, at }, { storeId }, body) {
    if (!(await db.store.findUnique({ where: { id: storeId }, select: { id: true } }))) throw new HttpError(404, `no store ${storeId}`);
    checkGrant(principal, body.role);
    if (await db.staff.findUnique({ where: { id: body.id }, select: { id: true } })) throw fieldRefusal(409, 'id', `staff id ${body.id} is taken`);
    const generated = body.initialPassword === undefined ? temporaryPassword() : undefined;
    const passwordHash = await hashPassword(body.initialPassword ?? generated!);
    try {
      const staff = await db.$transaction(async (tx) => {
        const row = await tx.staff.create({
          data: { id: body.id, storeId, name: body.name, role: body.role, phone: body.phone, email: body.email, allStores: spansStores(body.role), passwordHash, mustChangePassword: true },
          select: STAFF_VIEW,
        });
        await recordStoreEvent(tx, {
          storeId,
          action: 'staff.added',
          actor: principal.id,
          at,
          data: { staffId: row.id, name: row.name, role: row.role, phone: row.phone, email: row.email, password: generated ? 'temporary, generated' : 'initial, given by the manager', mustChangePassword: true },
        });
        return row;
      });
      return { staff, temporaryPassword: generated };
    } catch (err) {
      // Added by someone else between the check and the write.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw fieldRefusal(409, 'id', `staff id ${body.id} is taken`);
      throw err;
    }
  },
});

type StaffChange = z.output<typeof changeStaffSchema>;

/**
 * One change of an account, checked and written with an audit event per thing changed: nobody changes
 * their own role or disables themselves, nobody gives a role they may not give. A disabled person's
 * sessions are deleted in the same transaction, so their next request is refused.
 */
async function changeStaff(ctx: CommandContext, staffId: string, change: StaffChange): Promise<StaffView> {
  const { db, principal, at } = ctx;
  const staff = await managedStaff(ctx, staffId);
  const self = staff.id === principal.id;
  if (change.role !== undefined && change.role !== staff.role) {
    if (self) throw fieldRefusal(403, 'role', 'you may not change your own role');
    checkGrant(principal, change.role);
  }
  if (change.active === false && self) throw fieldRefusal(403, 'active', 'you may not disable yourself');
  const events: { action: string; data: Record<string, unknown> }[] = [];
  if (change.name !== undefined && change.name !== staff.name) events.push({ action: 'staff.renamed', data: { staffId, from: staff.name, to: change.name } });
  if (change.role !== undefined && change.role !== staff.role) events.push({ action: 'staff.role-changed', data: { staffId, from: staff.role, to: change.role } });
  const view = await db.$transaction(async (tx) => {
    if (change.active !== undefined && change.active !== staff.active) {
      // Disabling ends every session of the person; enabling opens none.
      const ended = change.active ? 0 : (await tx.session.deleteMany({ where: { staffId } })).count;
      events.push(change.active ? { action: 'staff.enabled', data: { staffId } } : { action: 'staff.disabled', data: { staffId, sessionsEnded: ended } });
    }
    const row = await tx.staff.update({
      where: { id: staffId },
      data: { name: change.name, role: change.role, allStores: change.role === undefined ? undefined : spansStores(change.role), active: change.active },
      select: STAFF_VIEW,
    });
    for (const e of events) await recordStoreEvent(tx, { storeId: staff.storeId, action: e.action, actor: principal.id, at, data: e.data });
    return row;
  });
  forgetSessionsOf(staffId);
  return view;
}

/** PATCH /api/staff/:id: name, role and active at once, in one transaction. */
export const changeStaffCommand = defineCommand<typeof changeStaffSchema, StaffView, StaffSubject>({
  name: 'staff.change',
  action: 'staff.manage',
  schema: changeStaffSchema,
  run: (ctx, { staffId }, change) => changeStaff(ctx, staffId, change),
});

export const changeRoleCommand = defineCommand<typeof changeRoleSchema, StaffView, StaffSubject>({
  name: 'staff.change-role',
  action: 'staff.manage',
  schema: changeRoleSchema,
  run: (ctx, { staffId }, { role }) => changeStaff(ctx, staffId, { role }),
});

export const disableStaffCommand = defineCommand<typeof noInputSchema, StaffView, StaffSubject>({
  name: 'staff.disable',
  action: 'staff.manage',
  schema: noInputSchema,
  run: (ctx, { staffId }) => changeStaff(ctx, staffId, { active: false }),
});

export const enableStaffCommand = defineCommand<typeof noInputSchema, StaffView, StaffSubject>({
  name: 'staff.enable',
  action: 'staff.manage',
  schema: noInputSchema,
  run: (ctx, { staffId }) => changeStaff(ctx, staffId, { active: true }),
});

export interface PasswordReset {
  staffId: string;
  /** Shown once, to hand to the person; they must choose their own at the next sign-in. */
  temporaryPassword: string;
  sessionsEnded: number;
}

/** A forgotten password: a temporary one shown once, every session of the person ended, a new password owed at the next sign-in. */
export const resetPasswordCommand = defineCommand<typeof noInputSchema, PasswordReset, StaffSubject>({
  name: 'staff.reset-password',
  action: 'staff.manage',
  schema: noInputSchema,
  async run(ctx, { staffId }) {
    const { db, principal, at } = ctx;
    const staff = await managedStaff(ctx, staffId);
    if (staff.id === principal.id) throw new HttpError(403, 'you may not reset your own password: change it with your current one (POST /api/session/password, or /password)');
    const password = temporaryPassword();
    const passwordHash = await hashPassword(password);
    const sessionsEnded = await db.$transaction(async (tx) => {
      await tx.staff.update({ where: { id: staffId }, data: { passwordHash, mustChangePassword: true } });
      const { count } = await tx.session.deleteMany({ where: { staffId } });
      await recordStoreEvent(tx, { storeId: staff.storeId, action: 'staff.password-reset', actor: principal.id, at, data: { staffId, sessionsEnded: count, mustChangePassword: true } });
      return count;
    });
    forgetSessionsOf(staffId);
    return { staffId, temporaryPassword: password, sessionsEnded };
  },
});

export interface CustomersReassigned {
  from: string;
  to: string;
  storeId: string;
  /** The vehicles whose sales consultant is now `to`. */
  vins: string[];
}

/**
 * R22: a sales consultant who leaves or is away has their customers reassigned in one step — every
 * vehicle of the store that names them goes to another active sales consultant of the same store. The
 * store's chain records the whole move and each vehicle's history its own part.
 */
export const reassignCustomersCommand = defineCommand<typeof reassignCustomersSchema, CustomersReassigned, StaffSubject>({
  name: 'staff.reassign-customers',
  action: 'staff.manage',
  schema: reassignCustomersSchema,
  async run(ctx, { staffId }, { to }) {
    const { db, principal, at } = ctx;
    const from = await managedStaff(ctx, staffId);
    if (to === from.id) throw fieldRefusal(422, 'to', 'must be another sales consultant than the one whose customers move');
    const target = await db.staff.findUnique({ where: { id: to } });
    if (!target || target.storeId !== from.storeId || target.role !== 'SALES_CONSULTANT' || !target.active) {
      throw fieldRefusal(422, 'to', `must be an active sales consultant of store ${from.storeId}`);
    }
    const vins = await db.$transaction(async (tx) => {
      const vehicles = await tx.vehicle.findMany({ where: { salesConsultantId: from.id, storeId: from.storeId }, select: { vin: true, workflowId: true, cycle: true }, orderBy: { vin: 'asc' } });
      if (vehicles.length === 0) throw new HttpError(409, `${from.id} has no customers in store ${from.storeId} to reassign`);
      const moved = vehicles.map((v) => v.vin);
      await tx.vehicle.updateMany({ where: { vin: { in: moved }, salesConsultantId: from.id }, data: { salesConsultantId: to } });
      await recordStoreEvent(tx, { storeId: from.storeId, action: 'staff.customers-reassigned', actor: principal.id, at, data: { rule: 'R22', from: from.id, to, vins: moved } });
      await tx.auditEvent.createMany({
        data: vehicles.map((v) => ({
          idempotencyKey: `sales-consultant:${v.vin}:${at.toISOString()}`,
          vin: v.vin,
          workflowId: v.workflowId,
          runId: 'api',
          cycle: v.cycle,
          rule: 'R22',
          action: 'vehicle.sales-consultant-reassigned',
          actor: principal.id,
          occurredAt: at,
          data: { from: from.id, to },
        })),
      });
      return moved;
    });
    return { from: from.id, to, storeId: from.storeId, vins };
  },
});

/**
 * Wrong current passwords per person, counted in the database like sign-ins (every API process and the web
 * against one limit): a stolen session must not make the password change a guessing door.
 */
const wrongCurrentPasswordsOf = (staffId: string): SignInKey => ({ key: `password-change:${staffId}`, limit: { maxFailures: 5, windowMs: 15 * 60_000 }, clearedBySuccess: true });

export interface PasswordChanged {
  staff: StaffView;
  /** The person's other sessions, ended: whoever knew the old password is signed out. */
  otherSessionsEnded: number;
}

/** A person chooses their own password, with their current one; other sessions end, this one goes on. */
export const changeOwnPasswordCommand = defineCommand<typeof changeOwnPasswordSchema, PasswordChanged, Record<string, never>>({
  name: 'staff.change-own-password',
  action: 'password.change',
  schema: changeOwnPasswordSchema,
  async run({ db, principal, at }, _subject, { currentPassword, newPassword }) {
    const attempt = await reserveAttempt(db, [wrongCurrentPasswordsOf(principal.id)]);
    if (!attempt.ok) throw new HttpError(429, 'too many wrong current passwords; try again later');
    const me = await db.staff.findUnique({ where: { id: principal.id } });
    if (!me) throw new HttpError(401, 'sign in first');
    if (!(await verifyPassword(currentPassword, me.passwordHash))) throw fieldRefusal(400, 'currentPassword', 'is not your current password');
    await attemptSucceeded(db, attempt);
    const problem = passwordProblem(newPassword, me.id) ?? (newPassword === currentPassword ? 'must differ from the current password' : undefined);
    if (problem) throw fieldRefusal(400, 'newPassword', problem);
    const passwordHash = await hashPassword(newPassword);
    const result = await db.$transaction(async (tx) => {
      const staff = await tx.staff.update({ where: { id: me.id }, data: { passwordHash, mustChangePassword: false }, select: STAFF_VIEW });
      const { count } = await tx.session.deleteMany({ where: { staffId: me.id, id: { not: principal.session.id } } });
      await recordStoreEvent(tx, { storeId: me.storeId, action: 'staff.password-changed', actor: me.id, at, data: { staffId: me.id, wasRequired: me.mustChangePassword, otherSessionsEnded: count } });
      return { staff, otherSessionsEnded: count };
    });
    forgetSessionsOf(me.id);
    return result;
  },
});

export interface StaffRow extends StaffView {
  /** Vehicles of the store that name the person as their sales consultant (R22). */
  customers: number;
}

/** A store's people for those who manage them, with how many customers each sales consultant looks after. */
export async function staffOfStore(db: Db, storeId: string): Promise<StaffRow[]> {
  const [staff, counts] = await Promise.all([
    db.staff.findMany({ where: { storeId }, orderBy: [{ active: 'desc' }, { role: 'asc' }, { id: 'asc' }], select: STAFF_VIEW }),
    db.vehicle.groupBy({ by: ['salesConsultantId'], where: { storeId, salesConsultantId: { not: null } }, _count: { _all: true } }),
  ]);
  const byConsultant = new Map(counts.map((c) => [c.salesConsultantId, c._count._all]));
  return staff.map((s) => ({ ...s, customers: byConsultant.get(s.id) ?? 0 }));
}

// A manager sets up the store: opening hours per weekday, closed days, bays by kind, technicians with
// their skills and shifts (R8), car models with their service plans (R1, R6). Each change is one
// transaction with its entry in the store's audit chain. A change of hours, closed days, bays or
// technicians answers with the open bookings it left out (`affectedBookings`) for a person to move with
// the customer; it moves none itself (R9). The database stamps the store's `setupVersion` in the same
// transaction, so every process's workshop-plan cache sees the change at once.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../activities/auditedStep';
import { HttpError } from '../api/httpError';
import { BookingView, plannedBookings, planView, requireStore, ServicePlanView, storeSetupOf, WEEKDAYS, WeekdayHours } from '../api/storeSetupView';
import { localDate } from '../domain/calendar';
import { BAY_KINDS } from '../domain/capacity';
import { affectedByChange, ConflictReason } from '../domain/setupConflicts';
import { resolveStoreSettings } from '../domain/storeSettings';
import { CommandContext, defineCommand, StoreSubject } from './command';
import { calendarDate, text } from './input';
import { recordStoreEvent } from './storeAudit';

const TIME_OF_DAY = 'must be a time of day HH:MM (00:00–23:59)';
const END_OF_DAY = 'must be a time of day HH:MM (00:00–24:00)';
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const timeOfDay = z.string({ error: TIME_OF_DAY }).regex(TIME, TIME_OF_DAY);
/** An end may be 24:00: open, or on shift, until midnight. */
const endOfDay = z.string({ error: END_OF_DAY }).regex(END, END_OF_DAY);
/**
 * Whether an end comes after its start. Asked only of two real times: an object's own checks run even after
 * one of its fields failed. HH:MM strings order as the times do, 24:00 after all of them.
 */
const endsAfter = (start: unknown, end: unknown) => typeof start !== 'string' || typeof end !== 'string' || !TIME.test(start) || !END.test(end) || end > start;
const whole = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const weekday = whole(0, 6);
const name = text({ max: 64 });
const bayKind = z.enum(BAY_KINDS, { error: `must be one of ${BAY_KINDS.join(', ')}` });

// ---- Opening hours ----

const weekdayHoursSchema = z
  .strictObject({ weekday, closed: z.boolean().default(false), opensAt: timeOfDay.optional(), closesAt: endOfDay.optional() })
  .superRefine((d, ctx) => {
    if (d.closed) {
      if (d.opensAt !== undefined || d.closesAt !== undefined) ctx.addIssue({ code: 'custom', path: ['closed'], message: 'a closed day has no opening hours' });
      return;
    }
    if (d.opensAt === undefined) ctx.addIssue({ code: 'custom', path: ['opensAt'], message: 'is required on an open day' });
    if (d.closesAt === undefined) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'is required on an open day' });
    if (!endsAfter(d.opensAt, d.closesAt)) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
  });

const EACH_WEEKDAY_ONCE = 'must list each weekday (0 = Sunday … 6 = Saturday) exactly once';
const ONE_DAY_OPEN = 'at least one weekday must be open (a store without opening hours books by its contact hours every day)';

/** The whole week: each weekday once, open from–to or closed; a weekday closed has no row (the model's rule). */
export const openingHoursSchema = z.strictObject({
  days: z
    .array(weekdayHoursSchema)
    .refine((days) => days.length === 7 && new Set(days.map((d) => d.weekday)).size === 7, EACH_WEEKDAY_ONCE)
    .refine((days) => days.some((d) => !d.closed), ONE_DAY_OPEN),
});

// ---- Closed days ----

export const holidaySchema = z.strictObject({ date: calendarDate, name });
const noInput = z.strictObject({});

// ---- Bays ----

export const baySchema = z.strictObject({ name, kind: bayKind });
export const bayChangeSchema = z.strictObject({ name: name.optional(), kind: bayKind.optional() }).refine((b) => b.name !== undefined || b.kind !== undefined, 'send name, kind or both');

// ---- Technicians ----

const shiftSchema = z
  .strictObject({ weekday, start: timeOfDay, end: endOfDay })
  .refine((s) => endsAfter(s.start, s.end), { path: ['end'], message: 'must be after start' });
const skills = z
  .array(bayKind)
  .min(1, 'name at least one bay kind the technician works in')
  .refine((k) => new Set(k).size === k.length, 'lists a bay kind twice');
const shifts = z.array(shiftSchema).max(7).refine((s) => new Set(s.map((x) => x.weekday)).size === s.length, 'one shift per weekday');

export const technicianSchema = z.strictObject({ staffId: text({ max: 64 }), skills, shifts });
export const technicianChangeSchema = z.strictObject({ skills: skills.optional(), shifts: shifts.optional() }).refine((t) => t.skills !== undefined || t.shifts !== undefined, 'send skills, shifts or both');

// ---- Service plans ----

const MAX_LABOR_HOURS = 100;
const planParts = z
  .array(z.strictObject({ partNumber: text({ max: 64 }), quantity: whole(1, 1000) }))
  .max(50)
  .refine((parts) => new Set(parts.map((p) => p.partNumber)).size === parts.length, 'lists a part twice');
const planTerms = {
  intervalMonths: whole(1, 120),
  intervalKm: whole(1, 1_000_000),
  laborHours: z.number({ error: `must be more than 0 and at most ${MAX_LABOR_HOURS}` }).gt(0, `must be more than 0 and at most ${MAX_LABOR_HOURS}`).max(MAX_LABOR_HOURS, `must be more than 0 and at most ${MAX_LABOR_HOURS}`),
  estimateCny: z.number({ error: 'must be a non-negative amount' }).min(0, 'must be a non-negative amount').max(100_000_000, 'must be a non-negative amount').nullable().optional(),
  parts: planParts,
};
/** R1 intervals and the R6 work order of a car model's periodic maintenance; the parts replace the plan's list. */
export const servicePlanSchema = z.strictObject({ model: name, ...planTerms });
export const servicePlanChangeSchema = z
  .strictObject({ intervalMonths: planTerms.intervalMonths.optional(), intervalKm: planTerms.intervalKm.optional(), laborHours: planTerms.laborHours.optional(), estimateCny: planTerms.estimateCny, parts: planParts.optional() })
  .refine((p) => Object.keys(p).length > 0, 'send at least one of intervalMonths, intervalKm, laborHours, estimateCny, parts');

// ---- The answer of a change ----

export type AffectedBookingView = BookingView & { reasons: ConflictReason[] };

/** A refusal about one input, named by its path (the pages show it beside the field). */
function refusal(status: number, path: string, message: string): HttpError {
  return new HttpError(status, `${path}: ${message}`, [{ path, message }]);
}

async function lockStore(tx: Tx, storeId: string): Promise<void> {
  // One set-up change of a store at a time, so each one's "before" is what the one before it left.
  const found = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Store" WHERE "id" = ${storeId} FOR UPDATE`;
  if (found.length === 0) throw new HttpError(404, `no store ${storeId}`);
}

interface Change<R> {
  result: R;
  action: string;
  data: Record<string, unknown>;
}

/**
 * The change in one transaction with its audit entry, and the open bookings it left out: each booking's
 * conflicts under the set-up after the change, less those it already had before.
 */
async function changeSetup<R>(ctx: CommandContext, storeId: string, change: (tx: Tx) => Promise<Change<R>>): Promise<R & { affectedBookings: AffectedBookingView[] }> {
  return ctx.db.$transaction(async (tx) => {
    await lockStore(tx, storeId);
    const before = await storeSetupOf(tx, storeId);
    const done = await change(tx);
    const after = await storeSetupOf(tx, storeId);
    const bookings = await plannedBookings(tx, storeId, ctx.at);
    const affected = affectedByChange(before, after, bookings.map((b) => b.planned), ctx.at.getTime());
    const affectedBookings = affected.map((a) => ({ ...bookings.find((b) => b.planned.bookingId === a.bookingId)!.view, reasons: a.reasons }));
    await recordStoreEvent(tx, {
      storeId,
      action: done.action,
      actor: ctx.principal.id,
      at: ctx.at,
      data: { ...done.data, affectedBookings: affectedBookings.map((b) => ({ bookingId: b.bookingId, vin: b.vin, reasons: b.reasons })) },
    });
    return { ...done.result, affectedBookings };
  });
}

async function weekOf(tx: Tx, storeId: string): Promise<WeekdayHours[]> {
  const rows = await tx.storeOpeningHours.findMany({ where: { storeId } });
  return WEEKDAYS.map((weekday) => {
    const row = rows.find((r) => r.weekday === weekday);
    return row ? { weekday, closed: false, opensAt: row.opensAt, closesAt: row.closesAt } : { weekday, closed: true, opensAt: null, closesAt: null };
  });
}

/** R5 / R8: the week's opening hours, replaced as a whole. */
export const setOpeningHoursCommand = defineCommand<typeof openingHoursSchema, { days: WeekdayHours[]; affectedBookings: AffectedBookingView[] }, StoreSubject>({
  name: 'store-setup.opening-hours',
  action: 'settings.manage',
  schema: openingHoursSchema,
  run: (ctx, { storeId }, { days }) =>
    changeSetup(ctx, storeId, async (tx) => {
      const before = await weekOf(tx, storeId);
      await tx.storeOpeningHours.deleteMany({ where: { storeId } });
      await tx.storeOpeningHours.createMany({ data: days.filter((d) => !d.closed).map((d) => ({ storeId, weekday: d.weekday, opensAt: d.opensAt!, closesAt: d.closesAt! })) });
      const after = await weekOf(tx, storeId);
      return { result: { days: after }, action: 'opening-hours.changed', data: { before, after } };
    }),
});

async function storeToday(tx: Tx, storeId: string, at: Date): Promise<string> {
  const store = await tx.store.findUniqueOrThrow({ where: { id: storeId }, select: { settings: true } });
  return localDate(at.getTime(), resolveStoreSettings(store.settings).utcOffsetMinutes);
}

export type HolidaySubject = StoreSubject & { date: string };

/** R5 / R8: a day the store is closed (a public holiday, a stock-taking day). */
export const addHolidayCommand = defineCommand<typeof holidaySchema, { holiday: { date: string; name: string }; affectedBookings: AffectedBookingView[] }, StoreSubject>({
  name: 'store-setup.holiday.add',
  action: 'settings.manage',
  schema: holidaySchema,
  run: (ctx, { storeId }, holiday) =>
    changeSetup(ctx, storeId, async (tx) => {
      const today = await storeToday(tx, storeId, ctx.at);
      if (holiday.date < today) throw refusal(422, 'date', `has passed: the store's today is ${today}`);
      const existing = await tx.storeHoliday.findUnique({ where: { storeId_date: { storeId, date: new Date(holiday.date) } } });
      if (existing) throw refusal(409, 'date', `is already a closed day (${existing.name})`);
      await tx.storeHoliday.create({ data: { storeId, date: new Date(holiday.date), name: holiday.name } });
      return { result: { holiday }, action: 'holiday.added', data: holiday };
    }),
});

/** The closed day is a working day again (by its weekday's hours). */
export const removeHolidayCommand = defineCommand<typeof noInput, { holiday: { date: string; name: string }; affectedBookings: AffectedBookingView[] }, HolidaySubject>({
  name: 'store-setup.holiday.remove',
  action: 'settings.manage',
  schema: noInput,
  run: (ctx, { storeId, date }) => {
    if (!calendarDate.safeParse(date).success) throw refusal(400, 'date', 'must be a calendar date YYYY-MM-DD');
    return changeSetup(ctx, storeId, async (tx) => {
      const existing = await tx.storeHoliday.findUnique({ where: { storeId_date: { storeId, date: new Date(date) } } });
      if (!existing) throw new HttpError(404, `${date} is not a closed day of store ${storeId}`);
      await tx.storeHoliday.delete({ where: { storeId_date: { storeId, date: new Date(date) } } });
      const holiday = { date, name: existing.name };
      return { result: { holiday }, action: 'holiday.removed', data: holiday };
    });
  },
});

export type BaySubject = StoreSubject & { bayId: string };
type BayView = { id: string; name: string; kind: string };

async function activeBay(tx: Tx, storeId: string, bayId: string) {
  const bay = await tx.bay.findFirst({ where: { id: bayId, storeId, removedAt: null }, select: { id: true, name: true, kind: true } });
  if (!bay) throw new HttpError(404, `no bay ${bayId} in store ${storeId}`);
  return bay;
}

async function nameFree(tx: Tx, storeId: string, name: string, except?: string): Promise<void> {
  const same = await tx.bay.findFirst({ where: { storeId, name, removedAt: null, ...(except ? { id: { not: except } } : {}) } });
  if (same) throw refusal(409, 'name', `another bay of this store is called ${name}`);
}

/** R8: one more bay of a kind; its hours count from now on. */
export const addBayCommand = defineCommand<typeof baySchema, { bay: BayView; affectedBookings: AffectedBookingView[] }, StoreSubject>({
  name: 'store-setup.bay.add',
  action: 'settings.manage',
  schema: baySchema,
  run: (ctx, { storeId }, input) =>
    changeSetup(ctx, storeId, async (tx) => {
      await nameFree(tx, storeId, input.name);
      const bay = await tx.bay.create({ data: { id: `${storeId}-bay-${randomUUID().slice(0, 8)}`, storeId, name: input.name, kind: input.kind }, select: { id: true, name: true, kind: true } });
      return { result: { bay }, action: 'bay.added', data: { bay } };
    }),
});

/** A bay renamed or of another kind now: jobs of the old kind on it have to move. */
export const changeBayCommand = defineCommand<typeof bayChangeSchema, { bay: BayView; affectedBookings: AffectedBookingView[] }, BaySubject>({
  name: 'store-setup.bay.change',
  action: 'settings.manage',
  schema: bayChangeSchema,
  run: (ctx, { storeId, bayId }, input) =>
    changeSetup(ctx, storeId, async (tx) => {
      const before = await activeBay(tx, storeId, bayId);
      if (input.name !== undefined) await nameFree(tx, storeId, input.name, bayId);
      const bay = await tx.bay.update({ where: { id: bayId }, data: { name: input.name, kind: input.kind }, select: { id: true, name: true, kind: true } });
      return { result: { bay }, action: 'bay.changed', data: { before, after: bay } };
    }),
});

/**
 * The bay leaves the workshop plan. Its row stays, with who removed it and when: the bookings and the
 * reservations on it keep their record until a person moves them.
 */
export const removeBayCommand = defineCommand<typeof noInput, { bay: BayView; affectedBookings: AffectedBookingView[] }, BaySubject>({
  name: 'store-setup.bay.remove',
  action: 'settings.manage',
  schema: noInput,
  run: (ctx, { storeId, bayId }) =>
    changeSetup(ctx, storeId, async (tx) => {
      const bay = await activeBay(tx, storeId, bayId);
      await tx.bay.update({ where: { id: bayId }, data: { removedAt: ctx.at, removedBy: ctx.principal.id } });
      return { result: { bay }, action: 'bay.removed', data: { bay } };
    }),
});

export type TechnicianSubject = StoreSubject & { staffId: string };
type Shift = { weekday: number; start: string; end: string };
type TechnicianView = { staffId: string; name: string; skills: string[]; shifts: Shift[] };

async function technicianOf(tx: Tx, storeId: string, staffId: string): Promise<TechnicianView> {
  const t = await tx.technician.findFirst({ where: { staffId, storeId }, include: { staff: { select: { name: true } } } });
  if (!t) throw new HttpError(404, `${staffId} is not a technician of store ${storeId}`);
  return { staffId: t.staffId, name: t.staff.name, skills: t.skills as string[], shifts: t.shifts as Shift[] };
}

/** R8: a technician (a staff member of the store in the technician role) joins the workshop plan. */
export const addTechnicianCommand = defineCommand<typeof technicianSchema, { technician: TechnicianView; affectedBookings: AffectedBookingView[] }, StoreSubject>({
  name: 'store-setup.technician.add',
  action: 'settings.manage',
  schema: technicianSchema,
  run: (ctx, { storeId }, input) =>
    changeSetup(ctx, storeId, async (tx) => {
      const staff = await tx.staff.findUnique({ where: { id: input.staffId } });
      if (!staff || staff.storeId !== storeId || staff.role !== 'TECHNICIAN' || !staff.active) throw refusal(422, 'staffId', `is not an active technician (role TECHNICIAN) of store ${storeId}`);
      if (await tx.technician.findUnique({ where: { staffId: input.staffId } })) throw refusal(409, 'staffId', 'is in the workshop plan already');
      await tx.technician.create({ data: { staffId: input.staffId, storeId, skills: input.skills, shifts: input.shifts } });
      const technician = await technicianOf(tx, storeId, input.staffId);
      return { result: { technician }, action: 'technician.added', data: { technician } };
    }),
});

/** R8: other skills or shifts; jobs no skilled technician is on shift for any more have to move. */
export const changeTechnicianCommand = defineCommand<typeof technicianChangeSchema, { technician: TechnicianView; affectedBookings: AffectedBookingView[] }, TechnicianSubject>({
  name: 'store-setup.technician.change',
  action: 'settings.manage',
  schema: technicianChangeSchema,
  run: (ctx, { storeId, staffId }, input) =>
    changeSetup(ctx, storeId, async (tx) => {
      const before = await technicianOf(tx, storeId, staffId);
      await tx.technician.update({ where: { staffId }, data: { skills: input.skills, shifts: input.shifts } });
      const technician = await technicianOf(tx, storeId, staffId);
      return { result: { technician }, action: 'technician.changed', data: { before, after: technician } };
    }),
});

/** The technician leaves the workshop plan (the staff account stays: that is staff management's). */
export const removeTechnicianCommand = defineCommand<typeof noInput, { technician: TechnicianView; affectedBookings: AffectedBookingView[] }, TechnicianSubject>({
  name: 'store-setup.technician.remove',
  action: 'settings.manage',
  schema: noInput,
  run: (ctx, { storeId, staffId }) =>
    changeSetup(ctx, storeId, async (tx) => {
      const technician = await technicianOf(tx, storeId, staffId);
      await tx.technician.delete({ where: { staffId } });
      return { result: { technician }, action: 'technician.removed', data: { technician } };
    }),
});

// Service plans are the maker's, per car model, and shared by every store: the change is recorded in the
// chain of the store whose manager made it. Vehicles registered from then on take the plan (R1); work
// orders made from then on use its labour, estimate and parts (R6).

export type ServicePlanSubject = StoreSubject & { model: string };

const PLAN_INCLUDE = { parts: { include: { part: { select: { name: true } } }, orderBy: { partNumber: 'asc' as const } } };

async function checkParts(tx: Tx, parts: { partNumber: string }[] | undefined): Promise<void> {
  if (!parts?.length) return;
  const known = new Set((await tx.part.findMany({ where: { partNumber: { in: parts.map((p) => p.partNumber) } }, select: { partNumber: true } })).map((p) => p.partNumber));
  const unknown = parts.flatMap((p, i) => (known.has(p.partNumber) ? [] : [{ path: `parts.${i}.partNumber`, message: 'no such part' }]));
  if (unknown.length) throw new HttpError(422, unknown.map((u) => `${u.path}: ${u.message} (${parts[Number(u.path.split('.')[1])].partNumber})`).join('; '), unknown);
}

type PlanTerms = z.output<typeof servicePlanChangeSchema>;

/** One change of a model's plan at a time (plans belong to no store whose row could be locked instead). */
async function lockPlan(tx: Tx, model: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ServicePlan:${model}`}))`;
}

async function savePlan(ctx: CommandContext, storeId: string, model: string, terms: PlanTerms, mustExist: boolean): Promise<{ plan: ServicePlanView; created: boolean }> {
  return ctx.db.$transaction(async (tx) => {
    // A person who spans stores may name one that does not exist; the change goes to a real store's chain.
    await requireStore(tx, storeId);
    await lockPlan(tx, model);
    const existing = await tx.servicePlan.findUnique({ where: { model }, include: PLAN_INCLUDE });
    if (!existing && mustExist) throw new HttpError(404, `no service plan for model ${model}`);
    await checkParts(tx, terms.parts);
    const fields = { intervalMonths: terms.intervalMonths, intervalKm: terms.intervalKm, laborHours: terms.laborHours, estimateCny: terms.estimateCny };
    const id = existing?.id ?? `plan-${randomUUID()}`;
    if (existing) await tx.servicePlan.update({ where: { id }, data: fields });
    // A new plan comes through the upsert, whose schema requires every term.
    else await tx.servicePlan.create({ data: { id, model, intervalMonths: fields.intervalMonths!, intervalKm: fields.intervalKm!, laborHours: fields.laborHours!, estimateCny: fields.estimateCny } });
    if (terms.parts) {
      await tx.servicePlanPart.deleteMany({ where: { servicePlanId: id } });
      await tx.servicePlanPart.createMany({ data: terms.parts.map((p) => ({ servicePlanId: id, partNumber: p.partNumber, quantity: p.quantity })) });
    }
    const plan = planView(await tx.servicePlan.findUniqueOrThrow({ where: { id }, include: PLAN_INCLUDE }));
    await recordStoreEvent(tx, { storeId, action: 'service-plan.saved', actor: ctx.principal.id, at: ctx.at, data: { model, before: existing ? planView(existing) : null, after: plan } });
    return { plan, created: !existing };
  });
}

/** R1 / R6: a car model's plan, new or replaced as a whole. */
export const upsertServicePlanCommand = defineCommand<typeof servicePlanSchema, { plan: ServicePlanView; created: boolean }, StoreSubject>({
  name: 'store-setup.service-plan.upsert',
  action: 'settings.manage',
  schema: servicePlanSchema,
  run: (ctx, { storeId }, { model, ...terms }) => savePlan(ctx, storeId, model, { ...terms, estimateCny: terms.estimateCny ?? null }, false),
});

/** R1 / R6: some terms of an existing plan. */
export const changeServicePlanCommand = defineCommand<typeof servicePlanChangeSchema, { plan: ServicePlanView; created: boolean }, ServicePlanSubject>({
  name: 'store-setup.service-plan.change',
  action: 'settings.manage',
  schema: servicePlanChangeSchema,
  run: (ctx, { storeId, model }, terms) => savePlan(ctx, storeId, model, terms, true),
});

/** A model nobody's vehicle follows any more; a plan vehicles follow is changed, never removed (R1). */
export const removeServicePlanCommand = defineCommand<typeof noInput, { plan: ServicePlanView }, ServicePlanSubject>({
  name: 'store-setup.service-plan.remove',
  action: 'settings.manage',
  schema: noInput,
  run: (ctx, { storeId, model }) =>
    ctx.db.$transaction(async (tx) => {
      await requireStore(tx, storeId);
      await lockPlan(tx, model);
      const existing = await tx.servicePlan.findUnique({ where: { model }, include: PLAN_INCLUDE });
      if (!existing) throw new HttpError(404, `no service plan for model ${model}`);
      const following = await tx.vehicle.count({ where: { servicePlanId: existing.id } });
      if (following > 0) throw new HttpError(409, `${following} vehicle(s) follow the plan of ${model} (R1); change the plan instead of removing it`);
      await tx.servicePlanPart.deleteMany({ where: { servicePlanId: existing.id } });
      await tx.servicePlan.delete({ where: { id: existing.id } });
      const plan = planView(existing);
      await recordStoreEvent(tx, { storeId, action: 'service-plan.removed', actor: ctx.principal.id, at: ctx.at, data: { model, plan } });
      return { plan };
    }),
});

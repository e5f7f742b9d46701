// A vehicle's page: where its lifecycle stands and what comes next, the timeline in business
// language, and its customer, bookings, repair orders and surveys.
import express, { Request, Response, Router } from 'express';
import type { Task } from '../../generated/prisma/client';
import { principalOf } from '../../api/auth/middleware';
import { can, maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { isWorkflowNotFound } from '../../api/workflowErrors';
import { getState, LifecycleState, lifecycleWorkflowId } from '../../workflows/lifecycle/contract';
import { ActionSpec, actionForTask, CARE_CONTACT, policyActionOf, stepForms, TRANSFER } from '../actions';
import { freeTimes, PickerDay } from '../slotPicker';
import { FormState } from '../fieldErrors';
import { correctionsAt } from '../../workflows/lifecycle/stepValidation';
import { notFound, page, visibleVin, WebContext } from '../context';
import { Flash, takeFlash } from '../flash';
import { label, text } from '../i18n';
import { langOf, renderPage } from '../render';
import { resolveForm } from '../resolveForm';
import { timelineOf } from '../timeline';
import { messagesSection } from './vehicleMessages';
import { temporalWorkflowLink } from '../../runtime/temporalConnection';

export function temporalWorkflowUrl(ctx: WebContext, workflowId: string): string {
  return temporalWorkflowLink(ctx.temporalUiUrl, ctx.namespace ?? 'default', workflowId);
}

export async function lifecycleState(ctx: WebContext, vin: string): Promise<LifecycleState | null> {
  try {
    return await ctx.client.workflow.getHandle(lifecycleWorkflowId(vin)).query(getState);
  } catch (err) {
    if (isWorkflowNotFound(err)) return null;
    throw err;
  }
}

/**
 * The free times for the forms that book (R5, R8), read once per page: a new booking's, and a moved
 * booking's, whose own bay time does not stand in its way (R7 reschedule).
 */
async function pickersFor(ctx: WebContext, vin: string, offered: ActionSpec[]): Promise<Record<string, PickerDay[]>> {
  const booking = new Map(offered.flatMap((spec) => spec.fields.flatMap((f) => (f.books ? [[f.name, f.books.moving] as const] : []))));
  const pickers: Record<string, PickerDay[]> = {};
  for (const [name, moving] of booking) pickers[name] = await freeTimes(ctx.commands, vin, { moving });
  return pickers;
}

/**
 * What the person may do to this vehicle now: the tasks it has for them (care calls, a ticket's answer),
 * and every lifecycle step the lifecycle takes at its stage that the policy lets their role perform —
 * the owed ones first, opened. A manager's correction is offered at the stages it fits.
 */
async function actionsFor(ctx: WebContext, req: Request, vin: string, storeId: string, state: LifecycleState | null, tasks: Task[], defaults: Record<string, string>, refused?: FormState) {
  const p = principalOf(req);
  const lang = langOf(req);
  const back = `/vehicles/${vin}`;
  const actions = [];
  const owed = new Map<string, Task>();
  for (const t of tasks) {
    const spec = actionForTask(t.kind);
    if (!spec || !can(p.role, policyActionOf(spec))) continue;
    if (spec.target.type === 'step') owed.set(spec.id, t);
    else actions.push({ title: label(lang, 'task', t.kind), dueAt: t.dueAt, rule: t.rule, open: true, form: await resolveForm(ctx.db, spec, storeId, `/tasks/${t.id}/act`, back, { formId: `task:${t.id}`, state: refused }) });
  }
  // A closed vehicle (or one whose lifecycle is gone) may move to another store.
  if ((!state || state.stage === 'CLOSED') && can(p.role, 'vehicle.transfer')) {
    actions.push({ title: text(lang, TRANSFER.title), dueAt: undefined, rule: '', open: refused?.formId === TRANSFER.id, form: await resolveForm(ctx.db, TRANSFER, storeId, `/vehicles/${vin}/act`, back, { state: refused }) });
  }
  if (!state) return actions;
  const steps = stepForms().filter((spec) => spec.target.type === 'step' && can(p.role, policyActionOf(spec)));
  const offered = steps.filter((spec) => spec.target.type === 'step' && state.accepts.includes(spec.target.step.update.name));
  const pickers = await pickersFor(ctx, vin, offered);
  for (const spec of steps) {
    const step = spec.target.type === 'step' ? spec.target.step : undefined;
    const corrections = step?.path === 'correction' ? correctionsAt(state.stage) : [];
    if (!(state.accepts.includes(step!.update.name) || corrections.length)) continue;
    const task = owed.get(spec.id);
    const form = await resolveForm(ctx.db, spec, storeId, `/vehicles/${vin}/act`, back, { state: refused, defaults, pickers, narrow: corrections.length ? { action: corrections } : undefined });
    const entry = { title: text(lang, spec.title), dueAt: task?.dueAt, rule: task?.rule ?? step!.rule, open: Boolean(task) || form.refused, form };
    if (task) actions.splice(actions.filter((a) => a.dueAt).length, 0, entry);
    else actions.push(entry);
  }
  return actions;
}

/** A refused form the page no longer offers (the lifecycle moved on meanwhile): its reasons above the page. */
function refusedElsewhere(refused: FormState, actions: { form: { formId: string } }[]): Flash | undefined {
  if (actions.some((a) => a.form.formId === refused.formId)) return undefined;
  return { kind: 'error', message: [refused.message, ...Object.entries(refused.errors).map(([field, reason]) => `${field}: ${reason}`)].filter(Boolean).join('; ') };
}

/** The vehicle's page; after a refused form, with that form's values and reasons. */
export async function vehiclePage(ctx: WebContext, req: Request, res: Response, vin: string, refused?: FormState): Promise<string> {
  const p = principalOf(req);
  const [vehicle, state, events, staff] = await Promise.all([
    ctx.db.vehicle.findUnique({
      where: { vin },
      include: { customer: true, bookings: { orderBy: { bookedFor: 'desc' } }, repairOrders: { orderBy: { createdAt: 'desc' }, include: { items: true } }, surveys: { orderBy: { recordedAt: 'desc' } }, failureTickets: { orderBy: { createdAt: 'desc' } }, tasks: { where: { status: 'OPEN' }, orderBy: { dueAt: 'asc' } } },
    }),
    lifecycleState(ctx, vin),
    ctx.db.auditEvent.findMany({ where: { vin }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }),
    ctx.db.staff.findMany({ select: { id: true, name: true } }),
  ]);
  if (!vehicle && !state) throw notFound(`no vehicle with VIN ${vin}`);
  const names = new Map(staff.map((s) => [s.id, s.name]));
  const timeline = timelineOf(events, names).reverse();
  const now = ctx.clock.now().getTime();
  const storeId = vehicle?.storeId ?? p.storeId;
  const sees = seesPhoneNumbers(p.role);
  // R5: a booking keeps the customer's number unless they give another.
  const defaults: Record<string, string> = vehicle && sees ? { contactPhone: vehicle.customer.phone } : {};
  const actions = await actionsFor(ctx, req, vin, storeId, state, vehicle?.tasks ?? [], defaults, refused);
  const customer = vehicle && { ...vehicle.customer, phone: sees ? vehicle.customer.phone : maskPhone(vehicle.customer.phone) };
  return renderPage(req, 'vehicle', `${vehicle?.plate ?? vin}`, {
    vin,
    vehicle,
    customer,
    state,
    waiting: (state?.waitingFor ?? []).map((w) => ({ ...w, overdue: new Date(w.by).getTime() < now })),
    timeline,
    actions,
    careContact: CARE_CONTACT,
    temporalUrl: temporalWorkflowUrl(ctx, lifecycleWorkflowId(vin)),
    auditUrl: can(p.role, 'audit.read') ? `/audit/vehicles/${vin}` : undefined,
    messageSection: await messagesSection(ctx, req, vin),
    flash: refused ? refusedElsewhere(refused, actions) : takeFlash(req, res),
  });
}

export function vehiclePages(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/vehicles', page('vehicle.read'), async (req, res) => {
    const p = principalOf(req);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toUpperCase().slice(0, 32) : '';
    const vehicles = q
      ? await ctx.db.vehicle.findMany({
          where: { OR: [{ vin: { contains: q } }, { plate: { contains: q } }], ...(p.allStores ? {} : { storeId: p.storeId }) },
          orderBy: { vin: 'asc' },
          take: 50,
        })
      : [];
    if (vehicles.length === 1) return res.redirect(`/vehicles/${vehicles[0].vin}`);
    res.send(renderPage(req, 'vehicles', text(langOf(req), 'vehicles'), { q, vehicles }));
  });

  router.get('/vehicles/:vin', page('vehicle.read'), async (req, res) => {
    res.send(await vehiclePage(ctx, req, res, await visibleVin(ctx, req)));
  });
  return router;
}

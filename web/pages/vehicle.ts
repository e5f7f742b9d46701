// A vehicle's page: where its lifecycle stands and what comes next, the timeline in business
// language, and its customer, bookings, repair orders and surveys.
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { can, maskPhone, seesPhoneNumbers } from '../../api/auth/policy';
import { isWorkflowNotFound } from '../../api/workflowErrors';
import { getState, LifecycleState, lifecycleWorkflowId } from '../../workflows/definitions';
import { actionForTask, CARE_CONTACT, policyActionOf, STAGE_ACTIONS } from '../actions';
import { notFound, page, visibleVin, WebContext } from '../context';
import { takeFlash } from '../flash';
import { label, text } from '../i18n';
import { langOf, renderPage } from '../render';
import { resolveForm } from '../resolveForm';
import { timelineOf } from '../timeline';
import { messagesSection } from './vehicleMessages';

export function temporalWorkflowUrl(ctx: WebContext, workflowId: string): string {
  return `${ctx.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.namespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}`;
}

export async function lifecycleState(ctx: WebContext, vin: string): Promise<LifecycleState | null> {
  try {
    return await ctx.client.workflow.getHandle(lifecycleWorkflowId(vin)).query(getState);
  } catch (err) {
    if (isWorkflowNotFound(err)) return null;
    throw err;
  }
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
    const p = principalOf(req);
    const lang = langOf(req);
    const vin = await visibleVin(ctx, req);
    const [vehicle, state, events, staff] = await Promise.all([
      ctx.db.vehicle.findUnique({
        where: { vin },
        include: { customer: true, bookings: { orderBy: { bookedFor: 'desc' } }, repairOrders: { orderBy: { createdAt: 'desc' }, include: { items: true } }, surveys: { orderBy: { recordedAt: 'desc' } }, tasks: { where: { status: 'OPEN' }, orderBy: { dueAt: 'asc' } } },
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
    const actions = [];
    for (const t of vehicle?.tasks ?? []) {
      const spec = actionForTask(t.kind);
      if (spec && can(p.role, policyActionOf(spec))) actions.push({ title: label(lang, 'task', t.kind), dueAt: t.dueAt, rule: t.rule, form: await resolveForm(ctx.db, spec, storeId, `/tasks/${t.id}/act`, `/vehicles/${vin}`) });
    }
    const stageSpec = state ? STAGE_ACTIONS[state.stage] : undefined;
    if (stageSpec && can(p.role, policyActionOf(stageSpec))) actions.push({ title: text(lang, stageSpec.submit), dueAt: undefined, rule: '', form: await resolveForm(ctx.db, stageSpec, storeId, `/vehicles/${vin}/act`, `/vehicles/${vin}`) });
    const customer = vehicle && { ...vehicle.customer, phone: seesPhoneNumbers(p.role) ? vehicle.customer.phone : maskPhone(vehicle.customer.phone) };
    res.send(
      renderPage(req, 'vehicle', `${vehicle?.plate ?? vin}`, {
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
        flash: takeFlash(req, res),
      }),
    );
  });
  return router;
}

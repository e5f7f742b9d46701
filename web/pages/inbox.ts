// The work inbox: the tasks the workflows wait for, most urgent first, each with its one action.
import express, { Request, Response, Router } from 'express';
import { checkAccess, principalOf } from '../../api/auth/middleware';
import { can } from '../../api/auth/policy';
import { inStore } from '../../api/auth/principal';
import { listLifecycles } from '../../api/visibility';
import { ActionSpec, actionForTask, CARE_CONTACT, policyActionOf, stepForm, stepForms, TRANSFER } from '../actions';
import { notFound, page, WebContext } from '../context';
import { ActionResult, executeAction } from '../execute';
import { localPath, setFlash, takeFlash } from '../flash';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';
import { resolveForm } from '../resolveForm';
import { storeDay } from './board';
import { vehiclePage } from './vehicle';
import { vinSchema } from '../../commands/schemas';

/** A step's form has one id wherever it is shown, so a refusal from the inbox reopens it on the vehicle page. */
const formIdOf = (spec: ActionSpec, taskId: string) => (spec.target.type === 'step' ? spec.id : `task:${taskId}`);

export function inboxPages(ctx: WebContext): Router {
  const router = express.Router();

  /** Done: back where the person came from, with the news. Refused: the vehicle's page with the form as it was sent. */
  async function answer(req: Request, res: Response, result: ActionResult, vin: string, fallback: string) {
    if (result.done) {
      setFlash(res, result.flash);
      return res.redirect(localPath(req.body?.returnTo, fallback));
    }
    res.status(result.status).send(await vehiclePage(ctx, req, res, vin, result.state));
  }

  router.get('/inbox', page('inbox.view'), async (req, res) => {
    const p = principalOf(req);
    const now = ctx.clock.now().getTime();
    const endOfToday = storeDay(new Date(now)).end.getTime();
    const tasks = await ctx.db.task.findMany({
      where: { status: 'OPEN', assigneeRole: p.role, ...(p.allStores ? {} : { vehicle: { storeId: p.storeId } }) },
      include: { vehicle: { select: { plate: true, storeId: true, customer: { select: { name: true } } } } },
      orderBy: { dueAt: 'asc' },
      take: 200,
    });
    // R25: a fleet request's answer is given on its fleet's page.
    const fleetRequests = await ctx.db.fleetRequest.findMany({
      where: { workflowId: { in: tasks.filter((t) => t.kind === 'FLEET_REQUEST_ANSWER').map((t) => t.workflowId) } },
      select: { workflowId: true, fleetAccount: { select: { id: true, storeId: true } } },
    });
    const fleetPageOf = (workflowId: string) => {
      const found = fleetRequests.find((r) => r.workflowId === workflowId)?.fleetAccount;
      return found && `/stores/${encodeURIComponent(found.storeId)}/fleets/${encodeURIComponent(found.id)}`;
    };
    const items = await Promise.all(
      tasks.map(async (t) => {
        const spec = actionForTask(t.kind);
        const allowed = spec && can(p.role, policyActionOf(spec));
        return {
          id: t.id,
          kind: t.kind,
          vin: t.vin,
          plate: t.vehicle.plate,
          customer: t.vehicle.customer.name,
          rule: t.rule,
          dueAt: t.dueAt,
          // Opened later than its rule asked (outside working hours): the rule's time is shown with it.
          ruleAt: t.ruleAt,
          overdue: t.dueAt.getTime() < now,
          today: t.dueAt.getTime() >= now && t.dueAt.getTime() < endOfToday,
          form: allowed ? await resolveForm(ctx.db, spec, t.vehicle.storeId, `/tasks/${t.id}/act`, '/inbox', { formId: formIdOf(spec, t.id), pickerAt: `/vehicles/${t.vin}` }) : undefined,
          fleetPage: t.kind === 'FLEET_REQUEST_ANSWER' ? fleetPageOf(t.workflowId) : undefined,
        };
      }),
    );
    // R15/R16: cars in the workshop wait for the SA's delivery, due by the promised time.
    if (can(p.role, 'step:delivery') && p.role === 'SERVICE_ADVISOR') {
      const inService = await listLifecycles(ctx.client, { stage: 'IN_SERVICE', store: p.storeId, limit: 200 });
      for (const wf of inService.filter((w) => w.vin)) {
        const dueAt = wf.nextDeadline ? new Date(wf.nextDeadline) : new Date(now);
        items.push({
          id: wf.workflowId,
          kind: 'DELIVERY',
          vin: wf.vin!,
          plate: wf.plate ?? '',
          customer: '',
          rule: 'R15/R16',
          dueAt,
          ruleAt: null,
          overdue: dueAt.getTime() < now,
          today: dueAt.getTime() >= now && dueAt.getTime() < endOfToday,
          form: await resolveForm(ctx.db, stepForm('delivery'), p.storeId, `/vehicles/${wf.vin}/act`, '/inbox'),
          fleetPage: undefined,
        });
      }
      items.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    }
    res.send(renderPage(req, 'inbox', text(langOf(req), 'inbox'), { items, flash: takeFlash(req, res) }));
  });

  router.post('/tasks/:id/act', async (req, res) => {
    const p = principalOf(req);
    const task = await ctx.db.task.findUnique({ where: { id: String(req.params.id) }, include: { vehicle: { select: { storeId: true } } } });
    if (!task || !inStore(p, task.vehicle.storeId)) throw notFound('no such task');
    const spec = actionForTask(task.kind);
    if (!spec) throw notFound('this task is answered on the vehicle page');
    checkAccess(req, policyActionOf(spec));
    if (task.status !== 'OPEN') {
      setFlash(res, { kind: 'error', message: `${text(langOf(req), 'stepRefused')}: ${task.status}` });
      return res.redirect(localPath(req.body?.returnTo, '/inbox'));
    }
    const result = await executeAction(ctx, req, spec, { vin: task.vin, ticketId: task.workflowId, careContact: CARE_CONTACT[task.kind] }, formIdOf(spec, task.id));
    await answer(req, res, result, task.vin, '/inbox');
  });

  router.post('/vehicles/:vin/act', async (req, res) => {
    const vin = vinSchema.safeParse(req.params.vin);
    if (!vin.success) throw notFound('no such vehicle');
    const spec = [...stepForms(), TRANSFER].find((f) => f.id === String(req.body?.action ?? ''));
    if (!spec) throw notFound('no such action');
    const p = checkAccess(req, policyActionOf(spec));
    await ctx.checkVehicle(p, vin.data);
    await answer(req, res, await executeAction(ctx, req, spec, { vin: vin.data }), vin.data, `/vehicles/${vin.data}`);
  });
  return router;
}

// Managers: running lifecycles by stage (Temporal visibility) with filters, overdue and escalated
// items, lifecycles stuck on a failing activity, and the store's KPIs as charts.
import express, { Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { stuckLifecycles } from '../../api/stuckRoutes';
import { listLifecycles } from '../../api/visibility';
import { barChart, ratioGauge } from '../charts';
import { page, WebContext } from '../context';
import { label, labelsOf, text } from '../i18n';
import { storeKpis } from '../kpis';
import { langOf, renderPage } from '../render';
import { temporalWorkflowLink } from '../../runtime/temporalConnection';

const keyword = (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v) ? v : undefined);

export function managerPages(ctx: WebContext): Router {
  const router = express.Router();
  router.get('/manager', page('manager.view'), async (req, res) => {
    const p = principalOf(req);
    const lang = langOf(req);
    const now = ctx.clock.now();
    const store = p.allStores ? keyword(req.query.store) : p.storeId;
    const advisor = keyword(req.query.advisor);
    const stage = keyword(req.query.stage)?.toUpperCase();
    const overdue = req.query.overdue === '1';
    const running = await listLifecycles(ctx.client, { store, advisor, deadlineBefore: overdue ? now.toISOString() : undefined, limit: 1000 });
    const byStage = new Map<string, number>();
    for (const wf of running) byStage.set(wf.stage ?? '?', (byStage.get(wf.stage ?? '?') ?? 0) + 1);
    const stageOrder = labelsOf('stage');
    const stageCounts = [...byStage.entries()].sort((a, b) => stageOrder.indexOf(a[0]) - stageOrder.indexOf(b[0])).map(([s, count]) => ({ stage: s, count, selected: s === stage }));
    const listed = running
      .filter((wf) => !stage || wf.stage === stage)
      .map((wf) => ({ ...wf, overdue: wf.nextDeadline !== undefined && new Date(wf.nextDeadline) < now }))
      .sort((a, b) => (a.nextDeadline ?? '9').localeCompare(b.nextDeadline ?? '9'));

    const inStore = store ? { vehicle: { storeId: store } } : {};
    // R24: quality incidents open, or answered within the last 30 days, whether or not they climbed the ladder.
    const incidentsSince = new Date(now.getTime() - 30 * 24 * 3_600_000);
    const [overdueTasks, escalated, incidents, stores, advisors, kpis, stuck] = await Promise.all([
      ctx.db.task.findMany({ where: { ...inStore, status: 'OPEN', dueAt: { lt: now } }, include: { vehicle: { select: { plate: true } } }, orderBy: { dueAt: 'asc' }, take: 100 }),
      ctx.db.serviceFailureTicket.findMany({ where: { ...inStore, answeredAt: null, level: { gt: 0 } }, include: { vehicle: { select: { plate: true } } }, orderBy: { answerBy: 'asc' }, take: 100 }),
      ctx.db.serviceFailureTicket.findMany({
        where: { ...inStore, rule: 'R24', OR: [{ answeredAt: null }, { answeredAt: { gte: incidentsSince } }] },
        include: { vehicle: { select: { plate: true } } },
        orderBy: { createdAt: 'desc' },
        take: 100,
      }),
      p.allStores ? ctx.db.store.findMany({ select: { id: true, name: true }, orderBy: { id: 'asc' } }) : Promise.resolve([]),
      ctx.db.staff.findMany({ where: { role: 'SERVICE_ADVISOR', ...(store ? { storeId: store } : {}) }, select: { id: true, name: true }, orderBy: { id: 'asc' } }),
      storeKpis(ctx.db, store, now),
      stuckLifecycles(ctx.db, { now, store }),
    ]);
    const charts = {
      stages: barChart(stageCounts.map((s) => ({ label: label(lang, 'stage', s.stage), value: s.count })), text(lang, 'runningByStage'), Math.max(420, stageCounts.length * 90)),
      bookingRatio: ratioGauge(kpis.bookingRatio.value, kpis.bookingRatio.target, text(lang, 'bookingRatio')),
      firstServiceArrival: ratioGauge(kpis.firstServiceArrival.value, kpis.firstServiceArrival.target, text(lang, 'firstServiceArrival')),
      coverage3dc: ratioGauge(kpis.coverage3dc.value, kpis.coverage3dc.target, text(lang, 'coverage3dc')),
      csi: barChart(kpis.csi.map((n, score) => ({ label: String(score), value: n, warn: score < 8 })), text(lang, 'csi')),
      tickets: barChart((['A', 'B', 'C', 'D'] as const).map((g) => ({ label: g, value: kpis.openTickets[g], warn: kpis.openTickets[g] > 0 })), text(lang, 'openTickets')),
    };
    res.send(
      renderPage(req, 'manager', text(lang, 'manager'), {
        filter: { store, advisor, stage, overdue },
        allStores: p.allStores,
        stores: stores.map((s) => ({ ...s, selected: s.id === store })),
        advisors: advisors.map((a) => ({ ...a, selected: a.id === advisor })),
        stages: stageOrder.map((s) => ({ stage: s, selected: s === stage })),
        stageCounts,
        total: running.length,
        workflows: listed,
        overdueTasks: overdueTasks.map((t) => ({ ...t, plate: t.vehicle.plate })),
        escalated: escalated.map((t) => ({ ...t, plate: t.vehicle.plate })),
        incidents: incidents.map((t) => ({ ...t, plate: t.vehicle.plate, qualityLossCny: t.qualityLossCny?.toFixed(2) ?? null })),
        stuck,
        kpis,
        charts,
        // The workflow id is appended by the page: a link per row, in the configured namespace.
        temporalWorkflowsUrl: temporalWorkflowLink(ctx.temporalUiUrl, ctx.namespace ?? 'default', ''),
      }),
    );
  });
  return router;
}

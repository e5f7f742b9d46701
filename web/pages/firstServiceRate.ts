// R22 the first-service booked-arrival rate per sales consultant and month, with the base and the cars
// behind it: a consultant sees their own, managers and auditors every consultant of the store.
import express, { Request, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { inStore } from '../../api/auth/principal';
import { addMonths, localDate } from '../../domain/calendar';
import { resolveStoreSettings } from '../../domain/storeSettings';
import { firstOfMonth, isCalendarMonth, monthOf } from '../../reports/calendar';
import { FIRST_SERVICE_TARGET, firstServiceRates } from '../../reports/firstServiceRate';
import { loadFirstServiceRows } from '../../reports/firstServiceRows';
import { notFound, page, WebContext } from '../context';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';

const ratePath = (storeId: string) => `/stores/${encodeURIComponent(storeId)}/first-service`;

export function firstServiceRatePages(ctx: WebContext): Router {
  const router = express.Router();

  const visibleStore = async (req: Request) => {
    const storeId = String(req.params.storeId);
    const store = inStore(principalOf(req), storeId) ? await ctx.db.store.findUnique({ where: { id: storeId }, select: { id: true, name: true, settings: true } }) : null;
    if (!store) throw notFound(`no store ${storeId}`);
    return store;
  };

  router.get('/first-service', page('firstService.view'), (req, res) => {
    res.redirect(ratePath(principalOf(req).storeId));
  });

  router.get('/stores/:storeId/first-service', page('firstService.view'), async (req, res) => {
    const p = principalOf(req);
    const store = await visibleStore(req);
    const offset = resolveStoreSettings(store.settings).utcOffsetMinutes;
    const asked = typeof req.query.month === 'string' && isCalendarMonth(req.query.month) ? req.query.month : undefined;
    const month = asked ?? monthOf(localDate(ctx.clock.now().getTime(), offset));
    const all = firstServiceRates(await loadFirstServiceRows(ctx.db, store.id, month), month, offset);
    // A consultant's own figures only; the others' are their managers' business.
    const rates = p.role === 'SALES_CONSULTANT' ? all.filter((r) => r.consultantId === p.id) : all;
    const names = await ctx.db.staff.findMany({ where: { id: { in: rates.map((r) => r.consultantId).filter((id): id is string => !!id) } }, select: { id: true, name: true } });
    const lang = langOf(req);
    const shift = (months: number) => `${ratePath(store.id)}?month=${monthOf(addMonths(firstOfMonth(month), months))}`;
    res.send(
      renderPage(req, 'firstServiceRate', text(lang, 'firstServiceRate'), {
        store,
        month,
        target: FIRST_SERVICE_TARGET,
        previous: shift(-1),
        next: shift(1),
        consultants: rates.map((r) => ({
          ...r,
          id: r.consultantId ?? '',
          name: r.consultantId ? (names.find((n) => n.id === r.consultantId)?.name ?? r.consultantId) : text(lang, 'firstServiceNoConsultant'),
          base: r.base.map((c) => ({ ...c, whyText: text(lang, `firstService.why.${c.why}`) })),
        })),
      }),
    );
  });

  return router;
}

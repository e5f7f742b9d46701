// R23 the manager's reports: a month's report calendar (what is due when, and what has fallen due), one
// report with each figure linking to the vehicles behind it, and its download as Excel or CSV.
import express, { Request, Response, Router } from 'express';
import { principalOf } from '../../api/auth/middleware';
import { inStore } from '../../api/auth/principal';
import { addMonths, localDate } from '../../domain/calendar';
import { buildReport, BuiltReport, dueReportOf } from '../../reports/build';
import { firstOfMonth, isCalendarMonth, isReportKind, monthOf, reportCalendar } from '../../reports/calendar';
import { reportCsv, reportXlsx } from '../../reports/export';
import { reportPath, reportTitle } from '../../reports/lines';
import { reportStore, ReportStore } from '../../reports/rows';
import { notFound, page, WebContext } from '../context';
import { text } from '../i18n';
import { langOf, renderPage } from '../render';

const reportsPath = (storeId: string) => `/stores/${encodeURIComponent(storeId)}/reports`;

export function reportPages(ctx: WebContext): Router {
  const router = express.Router();

  /** The store of the address when the person may see it; another store's is not even confirmed. */
  const visibleStore = async (req: Request): Promise<ReportStore> => {
    const storeId = String(req.params.storeId);
    const store = inStore(principalOf(req), storeId) ? await reportStore(ctx.db, storeId) : null;
    if (!store) throw notFound(`no store ${storeId}`);
    return store;
  };

  const visibleReport = async (req: Request): Promise<BuiltReport> => {
    const store = await visibleStore(req);
    const kind = String(req.params.kind);
    const due = isReportKind(kind) ? dueReportOf(store, kind, { from: String(req.params.from), to: String(req.params.to) }) : undefined;
    if (!due) throw notFound('no such report');
    return buildReport(ctx.db, store, due, ctx.clock.now());
  };

  router.get('/reports', page('reports.view'), (req, res) => {
    res.redirect(reportsPath(principalOf(req).storeId));
  });

  router.get('/stores/:storeId/reports', page('reports.view'), async (req, res) => {
    const store = await visibleStore(req);
    const now = ctx.clock.now();
    const asked = typeof req.query.month === 'string' && isCalendarMonth(req.query.month) ? req.query.month : undefined;
    const month = asked ?? monthOf(localDate(now.getTime(), store.hours.utcOffsetMinutes));
    const lang = langOf(req);
    const reports = reportCalendar(month, store.hours)
      .reverse()
      .map((r) => ({ ...r, title: text(lang, `report.kind.${r.kind}`), dueAtIso: new Date(r.dueAt).toISOString(), due: r.dueAt <= now.getTime(), href: reportPath(store.id, r) }));
    const p = principalOf(req);
    const otherStores = p.allStores ? await ctx.db.store.findMany({ where: { id: { not: store.id } }, orderBy: { id: 'asc' }, select: { id: true, name: true } }) : [];
    const shift = (months: number) => `${reportsPath(store.id)}?month=${monthOf(addMonths(firstOfMonth(month), months))}`;
    res.send(
      renderPage(req, 'reports', text(lang, 'reports'), {
        store,
        month,
        reports,
        previous: shift(-1),
        next: shift(1),
        otherStores: otherStores.map((s) => ({ ...s, href: reportsPath(s.id) })),
      }),
    );
  });

  router.get('/stores/:storeId/reports/:kind/:from/:to', page('reports.view'), async (req, res) => {
    const built = await visibleReport(req);
    const lang = langOf(req);
    const href = reportPath(built.store.id, built.due);
    const chosen = typeof req.query.figure === 'string' ? req.query.figure : undefined;
    const sections = built.figures.sections.map((s) => ({
      key: s.key,
      title: text(lang, `report.section.${s.key}`),
      figures: s.figures.map((f) => ({ ...f, caption: text(lang, `report.figure.${f.key}`), href: `${href}?figure=${encodeURIComponent(f.key)}#vehicles`, chosen: f.key === chosen })),
    }));
    const picked = sections.flatMap((s) => s.figures).find((f) => f.chosen);
    res.send(
      renderPage(req, 'report', reportTitle(built, lang), {
        title: reportTitle(built, lang),
        store: built.store,
        due: { ...built.due, dueAtIso: new Date(built.due.dueAt).toISOString() },
        asOf: built.figures.asOf,
        notYetDue: built.due.dueAt > ctx.clock.now().getTime(),
        sections,
        vehicles: picked && { caption: picked.caption, rows: picked.vins.map((vin) => ({ vin, plate: built.plates.get(vin) ?? '' })) },
        list: `${reportsPath(built.store.id)}?month=${monthOf(built.due.dueOn)}`,
        xlsx: `${href}/report.xlsx`,
        csv: `${href}/report.csv`,
      }),
    );
  });

  const download = (res: Response, built: BuiltReport, ext: string) =>
    res.setHeader('Content-Disposition', `attachment; filename="report-${built.store.id}-${built.due.kind.toLowerCase()}-${built.due.period.from}-${built.due.period.to}.${ext}"`);

  router.get('/stores/:storeId/reports/:kind/:from/:to/report.xlsx', page('reports.view'), async (req, res) => {
    const built = await visibleReport(req);
    download(res, built, 'xlsx');
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await reportXlsx(built, langOf(req)));
  });

  router.get('/stores/:storeId/reports/:kind/:from/:to/report.csv', page('reports.view'), async (req, res) => {
    const built = await visibleReport(req);
    download(res, built, 'csv');
    res.type('text/csv; charset=utf-8').send(reportCsv(built, langOf(req)));
  });

  return router;
}

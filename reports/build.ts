// One report as a page, a download or an e-mail shows it: the store, the figures read as of the report's
// due time (or now, before it is due), and each figure's vehicles with their plates.
import type { Db } from '../activities/database';
import { addMonths, isCalendarDate } from '../domain/calendar';
import { DueReport, firstOfMonth, monthOf, ReportKind, ReportPeriod, reportCalendar, reportKey } from './calendar';
import { ReportFigures, reportFigures } from './figures';
import { loadReportRows, platesOf, ReportStore } from './rows';

export interface BuiltReport {
  store: ReportStore;
  due: DueReport;
  figures: ReportFigures;
  plates: Map<string, string>;
}

/** The calendar's report of that kind and period (a period the calendar never names is no report). */
export function dueReportOf(store: ReportStore, kind: ReportKind, period: ReportPeriod): DueReport | undefined {
  if (!isCalendarDate(period.from) || !isCalendarDate(period.to)) return undefined;
  const month = monthOf(period.to);
  const key = reportKey(kind, period);
  // Monthly follow-up reports (3DC, service failures) fall due in the month after their period.
  return [month, monthOf(addMonths(firstOfMonth(month), 1))]
    .flatMap((m) => reportCalendar(m, store.hours))
    .find((r) => reportKey(r.kind, r.period) === key);
}

export async function buildReport(db: Db, store: ReportStore, due: DueReport, now: Date): Promise<BuiltReport> {
  const asOf = new Date(Math.min(now.getTime(), due.dueAt));
  const rows = await loadReportRows(db, store.id, due.period, asOf, store.settings.utcOffsetMinutes);
  const figures = reportFigures(due.kind, rows, due.period, asOf, store.settings);
  const vins = [...new Set(figures.sections.flatMap((s) => s.figures.flatMap((f) => f.vins)))];
  return { store, due, figures, plates: await platesOf(db, vins) };
}

// A report's figures as lines a person reads (page, download, e-mail), labelled in their language.
import type { Lang } from '../web/i18n';
import { text } from '../web/i18n';
import type { BuiltReport } from './build';
import type { DueReport } from './calendar';

export interface FigureLine {
  section: string;
  figure: string;
  count: number;
  base: number | '';
  vins: string[];
}

/** The report's figures in reading order, labelled in the reader's language. */
export function figureLines(built: BuiltReport, lang: Lang): FigureLine[] {
  return built.figures.sections.flatMap((s) =>
    s.figures.map((f) => ({ section: text(lang, `report.section.${s.key}`), figure: text(lang, `report.figure.${f.key}`), count: f.count, base: f.base ?? '', vins: f.vins })),
  );
}

/** "日报 2026-12-06 – 2026-12-07". */
export function kindAndPeriod(due: Pick<DueReport, 'kind' | 'period'>, lang: Lang): string {
  const { from, to } = due.period;
  return `${text(lang, `report.kind.${due.kind}`)} ${from === to ? from : `${from} – ${to}`}`;
}

export function reportTitle(built: BuiltReport, lang: Lang): string {
  return `${built.store.name} ${kindAndPeriod(built.due, lang)}`;
}

/** The report's page; its downloads are `report.xlsx` and `report.csv` under it. */
export function reportPath(storeId: string, due: Pick<DueReport, 'kind' | 'period'>): string {
  return `/stores/${encodeURIComponent(storeId)}/reports/${due.kind}/${due.period.from}/${due.period.to}`;
}

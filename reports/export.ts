// A report as a download: an Excel workbook (the figures, then one row per vehicle behind each figure) or
// a CSV of the same vehicle rows, in the reader's language. Spreadsheet cells never start a formula.
import ExcelJS from 'exceljs';
import type { Lang } from '../web/i18n';
import { text } from '../web/i18n';
import { csvCell } from '../web/pages/audit';
import type { BuiltReport } from './build';
import { figureLines } from './lines';

function headers(lang: Lang) {
  return {
    figures: [text(lang, 'reportStore'), text(lang, 'reportPeriod'), text(lang, 'reportAsOf'), text(lang, 'reportFigure'), text(lang, 'reportCount'), text(lang, 'reportBase')],
    vehicles: [text(lang, 'reportFigure'), 'VIN', text(lang, 'plate')],
  };
}

/** One row per figure and vehicle; a figure without vehicles keeps one row so its zero shows. */
function vehicleRows(built: BuiltReport, lang: Lang): string[][] {
  return figureLines(built, lang).flatMap((l) => {
    const label = `${l.section} · ${l.figure}`;
    return l.vins.length ? l.vins.map((vin) => [label, vin, built.plates.get(vin) ?? '']) : [[label, '', '']];
  });
}

export async function reportXlsx(built: BuiltReport, lang: Lang): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const period = `${built.due.period.from} – ${built.due.period.to}`;
  const h = headers(lang);
  const figures = book.addWorksheet(text(lang, `report.kind.${built.due.kind}`).slice(0, 31));
  figures.addRow(h.figures).font = { bold: true };
  for (const l of figureLines(built, lang)) figures.addRow([built.store.name, period, built.figures.asOf, `${l.section} · ${l.figure}`, l.count, l.base]);
  figures.columns.forEach((c, i) => (c.width = [16, 26, 26, 30, 10, 10][i]));
  const vehicles = book.addWorksheet(text(lang, 'reportVehicles'));
  vehicles.addRow(h.vehicles).font = { bold: true };
  for (const row of vehicleRows(built, lang)) vehicles.addRow(row.map((v) => (/^[=+\-@]/.test(v) ? `'${v}` : v)));
  vehicles.columns.forEach((c, i) => (c.width = [34, 20, 12][i]));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** UTF-8 with a BOM, so Excel opens the Chinese text as it is. */
export function reportCsv(built: BuiltReport, lang: Lang): string {
  const lines = figureLines(built, lang).flatMap((l) =>
    (l.vins.length ? l.vins : ['']).map((vin) => [l.section, l.figure, l.count, l.base, vin, vin ? (built.plates.get(vin) ?? '') : '']),
  );
  const columns = [text(lang, 'reportPeriod'), text(lang, 'reportFigure'), text(lang, 'reportCount'), text(lang, 'reportBase'), 'VIN', text(lang, 'plate')];
  const period = `${built.due.period.from}..${built.due.period.to}`;
  const body = lines.map(([section, figure, count, base, vin, plate]) => [period, `${section} · ${figure}`, count, base, vin, plate].map(csvCell).join(','));
  return `\uFEFF${[columns.map(csvCell).join(','), ...body].join('\r\n')}\r\n`;
}

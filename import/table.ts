// A DMS export as a table of text cells, whatever it came as: CSV in UTF-8 (with or without the BOM Excel
// writes) or in GBK (older Chinese DMSes), comma- or tab-separated; or an Excel workbook (.xlsx), whose
// merged cells each take the merged value. The header row names the columns; every later row that is not
// empty is a data row, with the line number a person sees in the spreadsheet.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { HttpError } from '../api/httpError';

export type FileFormat = 'CSV' | 'XLSX';
export type Encoding = 'UTF-8' | 'UTF-8-BOM' | 'GBK' | 'UTF-16LE';

export interface TableRow {
  /** The line (CSV) or row (Excel) number in the file, header included: what the person finds it by. */
  line: number;
  cells: string[];
}

export interface Table {
  format: FileFormat;
  encoding?: Encoding;
  headers: string[];
  rows: TableRow[];
}

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_ROWS = 50_000;

/** A file the importer cannot read: 422 with the reason in both languages. */
export class UnreadableFile extends HttpError {
  constructor(message: string, zh: string) {
    super(422, message, [{ path: '', message, zh }]);
  }
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

/** The text of a CSV file and the encoding it was in: valid UTF-8 is UTF-8, anything else is read as GBK. */
export function decodeText(bytes: Buffer): { text: string; encoding: Encoding } {
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) return { text: bytes.subarray(3).toString('utf8'), encoding: 'UTF-8-BOM' };
  if (bytes.subarray(0, 2).equals(UTF16LE_BOM)) return { text: iconv.decode(bytes.subarray(2), 'utf-16le'), encoding: 'UTF-16LE' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    // GB18030 reads every GBK file and the few characters later DMSes add beyond it.
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'GBK' };
  }
}

/** Cell text as a person means it: no surrounding space, no full-width space, no spreadsheet-formula guard. */
export function cleanCell(value: string): string {
  const trimmed = value.replace(/\u3000/g, ' ').trim();
  // Exports (ours included) put an apostrophe before =, +, - or @ so spreadsheets do not run the cell.
  return /^'[=+\-@]/.test(trimmed) ? trimmed.slice(1) : trimmed;
}

function table(format: FileFormat, records: TableRow[], encoding?: Encoding): Table {
  const nonEmpty = records.filter((r) => r.cells.some((c) => c !== ''));
  const [header, ...rows] = nonEmpty;
  if (!header) throw new UnreadableFile('the file has no rows', '文件中没有数据');
  if (rows.length > MAX_ROWS) throw new UnreadableFile(`the file has more than ${MAX_ROWS} rows; split it`, `文件超过 ${MAX_ROWS} 行，请拆分后再导入`);
  const seen = new Map<string, number>();
  // Two columns with one name (a merged header, a repeated export column) stay apart: 电话, 电话 (2).
  const headers = header.cells.map((h, i) => {
    const name = h || `#${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
  return { format, encoding, headers, rows: rows.map((r) => ({ line: r.line, cells: headers.map((_, i) => r.cells[i] ?? '') })) };
}

function readCsv(bytes: Buffer): Table {
  const { text, encoding } = decodeText(bytes);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, info: true, bom: true }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new UnreadableFile(`not a readable CSV file (line ${line ?? '?'}): ${(err as Error).message}`, `不是可读取的 CSV 文件（第 ${line ?? '?'} 行）`);
  }
  return table(
    'CSV',
    records.map((r) => ({ line: r.info.lines, cells: r.record.map(cleanCell) })),
    encoding,
  );
}

/** A cell's value as text: dates as YYYY-MM-DD (with the time when it has one), formulas as their result. */
function excelText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return excelText((value.result ?? null) as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  if ('error' in value) return '';
  return '';
}

async function readXlsx(bytes: Buffer): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new UnreadableFile('not a readable Excel workbook (.xlsx)', '不是可读取的 Excel 工作簿（.xlsx）');
  }
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw new UnreadableFile('the workbook has no rows', '工作簿中没有数据');
  if (sheet.rowCount > MAX_ROWS + 1) throw new UnreadableFile(`the file has more than ${MAX_ROWS} rows; split it`, `文件超过 ${MAX_ROWS} 行，请拆分后再导入`);
  const records: TableRow[] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    // A merged cell reads as the merged range's value in each of its cells.
    const cells = Array.from({ length: width }, (_, i) => cleanCell(excelText(row.getCell(i + 1).value)));
    records.push({ line, cells });
  });
  return table('XLSX', records);
}

/** Reads an uploaded export; 422 with the reason when it is neither a CSV nor an .xlsx workbook. */
export async function readTable(bytes: Buffer): Promise<Table> {
  if (bytes.length === 0) throw new UnreadableFile('the file is empty', '文件是空的');
  if (bytes.subarray(0, 4).equals(ZIP)) return readXlsx(bytes);
  if (bytes.subarray(0, 4).equals(OLE)) throw new UnreadableFile('old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV', '无法读取旧版 Excel 文件（.xls）：请另存为 .xlsx 或 CSV');
  return readCsv(bytes);
}

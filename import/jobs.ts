// An import's records: the job (its file, mapping, status), the plan of its rows, and what the run did —
// read back as the progress a person waits on and as the report of the dry run and the run.
import type { Tx } from '../activities/auditedStep';
import type { Db } from '../activities/database';
import { CalendarDate } from '../domain/calendar';
import type { ImportJob, Prisma } from '../generated/prisma/client';
import type { ReasonLang } from '../commands/reasons';
import { csvCell } from '../web/pages/audit';
import type { ImportKind, Mapping } from './fields';
import type { PlannedRow, RowAction, RowChange } from './plan';
import type { RowReason } from './rows';

export type JobStatus = 'UPLOADED' | 'PLANNED' | 'RUNNING' | 'DONE';

/** What an import shows while a person waits: where the run stands and what it has done so far. */
export interface ImportProgress {
  id: string;
  storeId: string;
  kind: ImportKind;
  fileName: string;
  format: string;
  encoding: string | null;
  rowCount: number;
  mapping: Mapping;
  overduePerDay: number;
  status: JobStatus;
  /** Rows the run has applied; `percent` of the file. */
  done: number;
  percent: number;
  /** Per action, the plan, with the run's outcome where it differs. */
  counts: Record<RowAction, number>;
  /** New cars already overdue, and how many first contacts each day gets. */
  overdue: { cars: number; perDay: number; days: Record<CalendarDate, number> };
  /** A run that stopped before the end: why; running it again goes on where it stopped. */
  lastError: string | null;
  /** Running, but no process holds it (it stopped or crashed): running it again resumes it. */
  interrupted: boolean;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ReportRow {
  line: number;
  action: RowAction;
  key: string | null;
  reasons: RowReason[];
  changes: RowChange[];
  dueDate: CalendarDate | null;
  dueRule: string | null;
  contactOn: CalendarDate | null;
  done: boolean;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/** Replaces the job's plan; the rows' outcomes start afresh. */
export async function savePlan(tx: Tx, jobId: string, rows: PlannedRow[]): Promise<void> {
  await tx.importRow.deleteMany({ where: { jobId } });
  await tx.importRow.createMany({
    data: rows.map((r) => ({
      jobId,
      row: r.row,
      line: r.line,
      action: r.action,
      key: r.key,
      reasons: r.reasons as unknown as Prisma.InputJsonArray,
      changes: r.changes as unknown as Prisma.InputJsonArray,
      input: r.input as unknown as Prisma.InputJsonObject | undefined,
      dueDate: r.dueDate ? new Date(r.dueDate) : null,
      dueRule: r.dueRule,
      contactOn: r.contactOn ? new Date(r.contactOn) : null,
    })),
  });
}

/** First contacts other imports of the store put on each day from `today` on, for the daily cap. */
export async function contactsTaken(db: Db | Tx, storeId: string, exceptJobId: string, today: CalendarDate): Promise<Map<CalendarDate, number>> {
  const taken = await db.importRow.groupBy({
    by: ['contactOn'],
    where: { contactOn: { gte: new Date(today) }, NOT: { outcome: 'REFUSED' }, job: { storeId, id: { not: exceptJobId }, status: { in: ['RUNNING', 'DONE'] } } },
    _count: { _all: true },
  });
  return new Map(taken.map((t) => [day(t.contactOn)!, t._count._all]));
}

export async function progressOf(db: Db, job: Omit<ImportJob, 'content'>, at: Date): Promise<ImportProgress> {
  const [byAction, done, contacts] = await Promise.all([
    db.importRow.groupBy({ by: ['action', 'outcome'], where: { jobId: job.id }, _count: { _all: true } }),
    db.importRow.count({ where: { jobId: job.id, doneAt: { not: null } } }),
    db.importRow.groupBy({ by: ['contactOn'], where: { jobId: job.id, contactOn: { not: null } }, _count: { _all: true }, orderBy: { contactOn: 'asc' } }),
  ]);
  const counts: Record<RowAction, number> = { CREATE: 0, UPDATE: 0, UNCHANGED: 0, REFUSED: 0 };
  for (const g of byAction) counts[(g.outcome ?? g.action) as RowAction] += g._count._all;
  const days = Object.fromEntries(contacts.map((c) => [day(c.contactOn)!, c._count._all]));
  return {
    id: job.id,
    storeId: job.storeId,
    kind: job.kind as ImportKind,
    fileName: job.fileName,
    format: job.format,
    encoding: job.encoding,
    rowCount: job.rowCount,
    mapping: job.mapping as Mapping,
    overduePerDay: job.overduePerDay,
    status: job.status as JobStatus,
    done,
    percent: job.rowCount ? Math.floor((done * 100) / job.rowCount) : 100,
    counts,
    overdue: { cars: Object.values(days).reduce((a, b) => a + b, 0), perDay: job.overduePerDay, days },
    lastError: job.lastError,
    interrupted: job.status === 'RUNNING' && (!job.leaseUntil || job.leaseUntil < at),
    createdBy: job.createdBy,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export async function reportRows(db: Db, jobId: string): Promise<ReportRow[]> {
  const rows = await db.importRow.findMany({ where: { jobId }, orderBy: { row: 'asc' } });
  return rows.map((r) => ({
    line: r.line,
    action: (r.outcome ?? r.action) as RowAction,
    key: r.key,
    reasons: r.reasons as unknown as RowReason[],
    changes: r.changes as unknown as RowChange[],
    dueDate: day(r.dueDate),
    dueRule: r.dueRule,
    contactOn: day(r.contactOn),
    done: r.doneAt !== null,
  }));
}

const HEADINGS: Record<ReasonLang, string[]> = {
  zh: ['行', '结果', '标识', '原因', '变更', '保养到期日', '规则', '首次联系日', '已导入'],
  en: ['line', 'outcome', 'key', 'reasons', 'changes', 'due date', 'rule', 'first contact', 'imported'],
};
const ACTIONS: Record<ReasonLang, Record<RowAction, string>> = {
  zh: { CREATE: '新建', UPDATE: '更新', UNCHANGED: '不变', REFUSED: '拒绝' },
  en: { CREATE: 'create', UPDATE: 'update', UNCHANGED: 'unchanged', REFUSED: 'refused' },
};

/** A reason as the reader reads it: the column it is about, then why. */
export const reasonText = (lang: ReasonLang, r: RowReason) => `${r.column ? `${r.column}: ` : ''}${lang === 'zh' ? r.zh : r.message}`;
export const changeText = (c: RowChange) => `${c.column ?? c.field}: ${c.from ?? '–'} → ${c.to}`;

/** The report as a CSV a spreadsheet opens (UTF-8 with its BOM), in the reader's language. */
export function reportCsv(rows: ReportRow[], lang: ReasonLang): string {
  const lines = rows.map((r) =>
    [r.line, ACTIONS[lang][r.action], r.key, r.reasons.map((x) => reasonText(lang, x)).join('; '), r.changes.map(changeText).join('; '), r.dueDate, r.dueRule, r.contactOn, r.done ? (lang === 'zh' ? '是' : 'yes') : ''].map(csvCell).join(','),
  );
  return `\uFEFF${[HEADINGS[lang].join(','), ...lines].join('\r\n')}\r\n`;
}

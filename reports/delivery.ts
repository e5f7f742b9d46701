// R23 reports on time: the activity the report schedule runs. It finds every report fallen due since the
// last runs (the calendar, per store), renders it as of its due time and queues one e-mail per recipient in
// the outbox, keyed by store, report and person, so a schedule firing twice or a retried activity queues
// nothing twice. The outbox sender delivers them like any other message.
import type { Db } from '../activities/database';
import type { StaffRole } from '../generated/prisma/enums';
import { buildReport, BuiltReport } from './build';
import { ReportKind, reportKey, reportsDueBetween } from './calendar';
import { figureLines, kindAndPeriod, reportPath } from './lines';
import { reportStore } from './rows';
import { openVisitDocumentTasks } from './visitDocuments';

/** Who receives each report: the store's people in these roles who have an e-mail address. */
export const REPORT_RECIPIENT_ROLES: Record<ReportKind, StaffRole[]> = {
  DAILY: ['SERVICE_MANAGER', 'SERVICE_SUPERVISOR'],
  WEEKLY: ['SERVICE_MANAGER', 'SERVICE_SUPERVISOR', 'GENERAL_MANAGER'],
  MONTHLY: ['SERVICE_MANAGER', 'CUSTOMER_MANAGER', 'GENERAL_MANAGER'],
  SURVEY_3DC: ['CUSTOMER_MANAGER', 'SERVICE_MANAGER'],
  SERVICE_FAILURE: ['SERVICE_MANAGER', 'CUSTOMER_MANAGER', 'GENERAL_MANAGER'],
};

export interface DeliveryRun {
  /** Reports due after this instant minus `lookbackHours` and up to it are delivered. */
  upTo: string;
  lookbackHours: number;
  /** One store, or every store. */
  storeId?: string;
  /** The run's workflow, recorded on the messages it queues. */
  workflowId: string;
}

/** A report this run queued, and for how many people (none when an earlier run already had). */
export interface DeliveredReport {
  storeId: string;
  report: string;
  recipients: number;
}

function publicBaseUrl(): string {
  return process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
}

/** The message's variables: both languages, since the sender picks the wording in force when it goes out. */
export function reportMessage(built: BuiltReport, url: string) {
  const zh = figureLines(built, 'zh');
  const en = figureLines(built, 'en');
  return {
    title: { zh: kindAndPeriod(built.due, 'zh'), en: kindAndPeriod(built.due, 'en') },
    asOf: built.figures.asOf,
    lines: zh.map((l, i) => ({ zh: `${l.section} · ${l.figure}`, en: `${en[i].section} · ${en[i].figure}`, count: l.count, base: l.base })),
    url,
  };
}

export function reportDeliveryActivities(db: Db) {
  return {
    async deliverDueReports(run: DeliveryRun): Promise<DeliveredReport[]> {
      const upTo = new Date(run.upTo);
      const stores = run.storeId ? [run.storeId] : (await db.store.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((s) => s.id);
      const delivered: DeliveredReport[] = [];
      for (const storeId of stores) {
        const store = await reportStore(db, storeId);
        if (!store) continue;
        for (const due of reportsDueBetween(upTo.getTime() - run.lookbackHours * 3_600_000, upTo.getTime(), store.hours)) {
          const key = reportKey(due.kind, due.period);
          const recipients = await db.staff.findMany({ where: { storeId, active: true, role: { in: REPORT_RECIPIENT_ROLES[due.kind] }, email: { not: null } }, select: { id: true, email: true }, orderBy: { id: 'asc' } });
          if (recipients.length === 0) continue;
          const built = await buildReport(db, store, due, upTo);
          const payload = reportMessage(built, `${publicBaseUrl()}${reportPath(storeId, due)}`);
          const { count } = await db.notification.createMany({
            data: recipients.map((r) => ({
              idempotencyKey: `report:${storeId}:${key}:${r.id}`,
              workflowId: run.workflowId,
              storeId,
              locale: 'zh-CN',
              // A page: staff mail, never held for the customers' quiet hours.
              channel: 'PAGE' as const,
              template: 'report-delivery',
              rule: 'R23',
              recipient: r.email!,
              payload,
              scheduledFor: upTo,
              nextAttemptAt: upTo,
            })),
            skipDuplicates: true,
          });
          if (count) delivered.push({ storeId, report: key, recipients: count });
        }
      }
      return delivered;
    },

    /** R23: the visits whose documents have not reached customer relations a working day after delivery. */
    async openVisitDocumentTasks(run: Pick<DeliveryRun, 'upTo' | 'storeId'>): Promise<number> {
      return openVisitDocumentTasks(db, new Date(run.upTo), run.storeId);
    },
  };
}

export type ReportDeliveryActivities = ReturnType<typeof reportDeliveryActivities>;

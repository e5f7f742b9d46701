// R23 the report calendar: which report is due when, in the store's local calendar. Daily before work
// (the store's opening), weekly on Saturday and monthly at the month's end (at closing, so the week or
// month is complete), the 3DC report by the 5th and the service-failure report by the 8th of the next
// month. A report due on a closed day moves to the store's last working day before it, never later:
// the rule names a deadline.
import type { StoreHours } from '../domain/bookingHours';
import { addDays, addMonths, CalendarDate, localTime } from '../domain/calendar';
import { workingPeriod } from '../domain/workingHours';

export const REPORT_KINDS = ['DAILY', 'WEEKLY', 'MONTHLY', 'SURVEY_3DC', 'SERVICE_FAILURE'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export function isReportKind(value: unknown): value is ReportKind {
  return (REPORT_KINDS as readonly unknown[]).includes(value);
}

/** The store-local days a report covers, both ends included. */
export interface ReportPeriod {
  from: CalendarDate;
  to: CalendarDate;
}

export interface DueReport {
  kind: ReportKind;
  period: ReportPeriod;
  /** The store-local date it is due on, and the instant. */
  dueOn: CalendarDate;
  dueAt: number;
}

/** `YYYY-MM`. */
export type CalendarMonth = string;

export function isCalendarMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

export function monthOf(date: CalendarDate): CalendarMonth {
  return date.slice(0, 7);
}

export function firstOfMonth(month: CalendarMonth): CalendarDate {
  if (!isCalendarMonth(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return `${month}-01`;
}

export function lastOfMonth(month: CalendarMonth): CalendarDate {
  return addDays(addMonths(firstOfMonth(month), 1), -1);
}

export function previousMonth(month: CalendarMonth): CalendarMonth {
  return monthOf(addMonths(firstOfMonth(month), -1));
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(date: CalendarDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * The last working day in [earliestDay, deadline] at its opening or closing; when the store works on none of
 * them, the deadline itself at the contact hours' start or end, so the report still goes out.
 */
function byDeadline(hours: StoreHours, earliestDay: CalendarDate, deadline: CalendarDate, at: 'start' | 'end'): { dueOn: CalendarDate; dueAt: number } {
  for (let day = deadline; day >= earliestDay; day = addDays(day, -1)) {
    const period = workingPeriod(day, hours);
    if (period) return { dueOn: day, dueAt: period[at] };
  }
  return { dueOn: deadline, dueAt: localTime(deadline, at === 'start' ? hours.contactStartTime : hours.contactEndTime, hours.utcOffsetMinutes) };
}

/** Every report due in a store-local month, earliest first. */
export function reportCalendar(month: CalendarMonth, hours: StoreHours): DueReport[] {
  const first = firstOfMonth(month);
  const last = lastOfMonth(month);
  const due: DueReport[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    // Before work: yesterday's and today's figures; a closed day has no work to start.
    const working = workingPeriod(day, hours);
    if (working) due.push({ kind: 'DAILY', period: { from: addDays(day, -1), to: day }, dueOn: day, dueAt: working.start });
    if (weekdayOf(day) === 6) {
      const sunday = addDays(day, -6);
      due.push({ kind: 'WEEKLY', period: { from: sunday, to: day }, ...byDeadline(hours, sunday, day, 'end') });
    }
  }
  due.push({ kind: 'MONTHLY', period: { from: first, to: last }, ...byDeadline(hours, first, last, 'end') });
  const before = previousMonth(month);
  const previous = { from: firstOfMonth(before), to: lastOfMonth(before) };
  due.push({ kind: 'SURVEY_3DC', period: previous, ...byDeadline(hours, first, `${month}-05`, 'start') });
  due.push({ kind: 'SERVICE_FAILURE', period: previous, ...byDeadline(hours, first, `${month}-08`, 'start') });
  return due.sort((a, b) => a.dueAt - b.dueAt || REPORT_KINDS.indexOf(a.kind) - REPORT_KINDS.indexOf(b.kind));
}

/** The reports falling due in (after, upTo]: what a delivery run sends. */
export function reportsDueBetween(afterMs: number, upToMs: number, hours: StoreHours): DueReport[] {
  const months = new Set<CalendarMonth>();
  // A store-local month around each end; a window spans at most a few days.
  for (const ms of [afterMs, upToMs]) {
    const local = new Date(ms + hours.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
    months.add(monthOf(local));
    months.add(monthOf(addDays(local, 1)));
  }
  return [...months]
    .sort()
    .flatMap((m) => reportCalendar(m, hours))
    .filter((r) => r.dueAt > afterMs && r.dueAt <= upToMs);
}

/** A report's stable name: one delivery per report, whatever retries or schedules fire twice. */
export function reportKey(kind: ReportKind, period: ReportPeriod): string {
  return `${kind}:${period.from}..${period.to}`;
}

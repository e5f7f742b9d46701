// Calendar arithmetic on plain 'YYYY-MM-DD' dates and epoch-millisecond instants.
// Workflow code imports this, so it must stay free of I/O and of the machine's time zone.

export type CalendarDate = string;

const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

function toUtcMs(date: CalendarDate): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (fromUtcMs(ms) !== date) throw new RangeError(`no such calendar date: ${date}`);
  return ms;
}

function fromUtcMs(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isCalendarDate(value: string): boolean {
  try {
    toUtcMs(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Same day of month N months later; a day the month lacks becomes its last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const d = new Date(toUtcMs(date));
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return fromUtcMs(target.getTime());
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

export function earliest(...dates: CalendarDate[]): CalendarDate {
  return dates.reduce((a, b) => (b < a ? b : a));
}

/** The store's local calendar date at an instant; stores keep a fixed UTC offset (China has no DST). */
export function localDate(instantMs: number, utcOffsetMinutes: number): CalendarDate {
  return fromUtcMs(instantMs + utcOffsetMinutes * 60_000);
}

/** The instants that begin and end (exclusive) the store's local day of an instant. */
export function localDayBounds(instantMs: number, utcOffsetMinutes: number): { from: number; to: number } {
  const day = localDate(instantMs, utcOffsetMinutes);
  return { from: localTime(day, '00:00', utcOffsetMinutes), to: localTime(addDays(day, 1), '00:00', utcOffsetMinutes) };
}

/** The instant of a local wall-clock time ('HH:MM') on a store's calendar date. */
export function localTime(date: CalendarDate, hhmm: string, utcOffsetMinutes: number): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`not a time of day (HH:MM): ${hhmm}`);
  return toUtcMs(date) + (Number(m[1]) * 60 + Number(m[2]) - utcOffsetMinutes) * 60_000;
}

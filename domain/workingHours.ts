// Work for people falls due in working hours: the store's opening hours and closed days where it keeps
// them, its contact hours every day where it does not — the hours bookings fall in (bookingHours.ts).
// Workflow code imports this, so it and what it imports keep to plain arithmetic on the hours handed in.
import { bookingWeek, StoreHours } from './bookingHours';
import { addDays, CalendarDate, HOUR_MS, localDate } from './calendar';
import { isClosed, openingWindow } from './capacity';

export type WorkingHours = StoreHours;

export interface Period {
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;
/** A store closed for longer than this is taken as never working: the rule's own time stands. */
const LONGEST_CLOSURE_DAYS = 366;

/** The store's working period on a local date, or undefined on a day it does not work. */
export function workingPeriod(date: CalendarDate, hours: WorkingHours): Period | undefined {
  const window = openingWindow(bookingWeek(hours), date);
  return isClosed(window) ? undefined : window;
}

/**
 * When work the rules ask for at `ruleAtMs` opens for a person: at that time when the store works then
 * (up to its closing minute), else at the start of its next working period — the night, the closed day
 * and the holiday are skipped.
 */
export function workingTimeFrom(ruleAtMs: number, hours: WorkingHours): number {
  let date = localDate(ruleAtMs, hours.utcOffsetMinutes);
  for (let day = 0; day <= LONGEST_CLOSURE_DAYS; day++, date = addDays(date, 1)) {
    const period = workingPeriod(date, hours);
    if (period && ruleAtMs < period.end + MINUTE_MS) return Math.max(ruleAtMs, period.start);
  }
  return ruleAtMs;
}

/** The instant `workingHoursLater` hours of the store's working time after `fromMs`: escalations count only those. */
export function addWorkingHours(fromMs: number, workingHoursLater: number, hours: WorkingHours): number {
  let remaining = workingHoursLater * HOUR_MS;
  let at = fromMs;
  let date = localDate(fromMs, hours.utcOffsetMinutes);
  for (let closedDays = 0; closedDays <= LONGEST_CLOSURE_DAYS; date = addDays(date, 1)) {
    const period = workingPeriod(date, hours);
    if (!period || at >= period.end) {
      closedDays += period ? 0 : 1;
      continue;
    }
    closedDays = 0;
    at = Math.max(at, period.start);
    if (at + remaining <= period.end) return at + remaining;
    remaining -= period.end - at;
    at = period.end;
  }
  return fromMs + workingHoursLater * HOUR_MS;
}

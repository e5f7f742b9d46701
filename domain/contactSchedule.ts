import { addDays, CalendarDate, HOUR_MS, localDate, localTime } from './calendar';
import { StoreSettings } from './storeSettings';

export interface ContactWindow {
  /** When the workflow acts (sends, or opens the task for a person). */
  at: number;
  /** By when the person must have done it. */
  by: number;
}

function dayWindow(date: CalendarDate, s: StoreSettings): ContactWindow {
  return {
    at: localTime(date, s.contactStartTime, s.utcOffsetMinutes),
    by: localTime(date, s.contactEndTime, s.utcOffsetMinutes),
  };
}

/** A planned contact, or `notBefore`'s contact hours when they come later: an import spreads the first contacts of cars already overdue over days. */
function notBeforeDay(planned: ContactWindow, notBefore: CalendarDate | undefined, s: StoreSettings): ContactWindow {
  const earliest = notBefore === undefined ? undefined : dayWindow(notBefore, s);
  return earliest && earliest.at > planned.at ? earliest : planned;
}

/** R2: the SMS/e-mail maintenance reminder goes out 13 days before the due date (not before `notBefore`). */
export function reminderAt(dueDate: CalendarDate, s: StoreSettings, notBefore?: CalendarDate): number {
  return notBeforeDay(dayWindow(addDays(dueDate, -s.reminderLeadDays), s), notBefore, s).at;
}

/** R3: the reminder phone call is made 11 days before the due date, within that day's contact hours (not before `notBefore`'s). */
export function reminderCallWindow(dueDate: CalendarDate, s: StoreSettings, notBefore?: CalendarDate): ContactWindow {
  return notBeforeDay(dayWindow(addDays(dueDate, -s.callLeadDays), s), notBefore, s);
}

/** R7: the SA's confirmation call happens 2 days before the booked day. */
export function confirmationCallWindow(bookedForMs: number, s: StoreSettings): ContactWindow {
  return dayWindow(addDays(localDate(bookedForMs, s.utcOffsetMinutes), -s.confirmationLeadDays), s);
}

/**
 * R17: the follow-up call 3 days after delivery (2 days for a first service), to be made before the
 * window closes (5 days after delivery).
 */
export function followUpCallWindow(deliveredAtMs: number, firstService: boolean, s: StoreSettings): ContactWindow {
  const deliveredOn = localDate(deliveredAtMs, s.utcOffsetMinutes);
  const days = firstService ? s.firstServiceFollowUpDays : s.followUpDays;
  return {
    at: dayWindow(addDays(deliveredOn, days), s).at,
    by: dayWindow(addDays(deliveredOn, s.followUpWindowEndDays), s).by,
  };
}

/**
 * R4: an undecided customer gets a second call on the day before parts must be ordered for the due date.
 * When that day has passed the call is owed at once, before the end of today's contact hours (or within
 * 4 hours when those are over).
 */
export function secondCallWindow(dueDate: CalendarDate, nowMs: number, s: StoreSettings): ContactWindow {
  const planned = dayWindow(addDays(dueDate, -s.partsOrderLeadDays - 1), s);
  if (planned.at >= nowMs) return planned;
  return soonWindow(nowMs, s);
}

/** R3: an unreachable customer is called again after the store's retry interval. */
export function retryCallWindow(nowMs: number, s: StoreSettings): ContactWindow {
  return soonWindow(nowMs + s.unreachableRetryHours * HOUR_MS, s);
}

function soonWindow(atMs: number, s: StoreSettings): ContactWindow {
  const todayEnd = dayWindow(localDate(atMs, s.utcOffsetMinutes), s).by;
  return { at: atMs, by: todayEnd > atMs ? todayEnd : atMs + 4 * HOUR_MS };
}

/** R10: the day before the booked day the service manager names SA and technician; the SMS goes out that day. */
export function staffAssignmentWindow(bookedForMs: number, s: StoreSettings): ContactWindow {
  return dayWindow(addDays(localDate(bookedForMs, s.utcOffsetMinutes), -1), s);
}

/** R11: the reminder on the day, 1 hour before arrival (or the store's half-day / one-day variant). */
export function dayOfReminderAt(bookedForMs: number, s: StoreSettings): number {
  return bookedForMs - s.dayOfReminderLeadHours * HOUR_MS;
}

/** A booked customer who has not arrived this long after the booked time is a no-show. */
export function noShowAt(bookedForMs: number, s: StoreSettings): number {
  return bookedForMs + s.noShowGraceMinutes * 60_000;
}

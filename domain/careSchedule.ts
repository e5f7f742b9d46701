// When the care contacts of one vehicle are owed (R20, R21, R22). Each function answers for one contact:
// its next occurrence still owed on or after the store-local day `from`, so a workflow that keeps, per
// contact, the day after the last occasion it handled never makes one twice and never skips one.
import { addDays, addMonths, CalendarDate, isCalendarDate, localTime } from './calendar';
import type { ContactWindow } from './contactSchedule';
import { parseHolidays, StoreSettings } from './storeSettings';

/**
 * One occurrence of a care contact. `occasion` is the day it is about (a birthday, an inspection date,
 * a call's last day): the contact stays owed until that day has passed, so one whose planned day went
 * by before care began is still made at once if it can serve its purpose. For a message, which nobody
 * owes, `by` is `at`.
 */
export interface CareOccurrence extends ContactWindow {
  occasion: CalendarDate;
}

/** 'MM-DD' that exists in some year (02-29 included). */
export function isMonthDay(value: string): boolean {
  return /^\d{2}-\d{2}$/.test(value) && isCalendarDate(`2000-${value}`);
}

function callOn(day: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  const lastDay = addDays(day, s.careCallDays - 1);
  if (lastDay < from) return undefined;
  return {
    occasion: lastDay,
    at: localTime(day, s.contactStartTime, s.utcOffsetMinutes),
    by: localTime(lastDay, s.contactEndTime, s.utcOffsetMinutes),
  };
}

/**
 * The first yearly occasion on or after `from`, announced `leadDays` before. Years are counted from
 * `anchor` itself, not from the previous year's date, so a 29 February falls on the 28th in common
 * years and comes back on the 29th in leap years.
 */
function yearly(anchor: CalendarDate, leadDays: number, from: CalendarDate, s: StoreSettings): CareOccurrence {
  const anchorYear = Number(anchor.slice(0, 4));
  for (let year = Math.max(anchorYear, Number(from.slice(0, 4))); ; year++) {
    const occasion = addMonths(anchor, (year - anchorYear) * 12);
    if (occasion < from) continue;
    const at = localTime(addDays(occasion, -leadDays), s.contactStartTime, s.utcOffsetMinutes);
    return { occasion, at, by: at };
  }
}

/** R20: the new-car 7DC survey call on day 7 after delivery, day 10 for a car sold by a secondary dealer. */
export function newCarSurveyCall(deliveryDate: CalendarDate, secondaryDealer: boolean, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  return callOn(addDays(deliveryDate, secondaryDealer ? s.secondaryDealerSurveyDays : s.newCarSurveyDays), from, s);
}

/** R22: the sales consultant's usage follow-up ~1.5 months (45 days) after delivery, to learn the monthly mileage. */
export function usageFollowUpCall(deliveryDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  return callOn(addDays(deliveryDate, s.usageFollowUpDays), from, s);
}

/**
 * R1b / R22: a first service cancelled or missed on `missedOn` is followed up by the sales consultant within
 * the store's days, that day included: the first service is due within three months of delivery whatever
 * happens, so it is not left to the next interval.
 */
export function missedFirstServiceFollowUp(missedOn: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  return callOn(missedOn, from, { ...s, careCallDays: Math.max(1, s.missedFirstServiceFollowUpDays) });
}

/** R22 / R1b: a week before the first service's 3-month deadline the sales consultant confirms its time. */
export function firstServiceConfirmationCall(deliveryDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  const deadline = addMonths(deliveryDate, s.firstServiceWithinMonths);
  return callOn(addDays(deadline, -s.firstServiceConfirmationLeadDays), from, s);
}

/** R21: the birthday greeting ('MM-DD') 2–7 days before the birthday (5 by default), every year. */
export function birthdayGreeting(birthday: string, from: CalendarDate, s: StoreSettings): CareOccurrence {
  // 2000 is a leap year, so every birthday, 29 February too, is a date in it.
  return yearly(`2000-${birthday}`, s.birthdayGreetingLeadDays, from, s);
}

/** R21: the annual inspection (年审) reminder one week before the inspection date, every year from it on. */
export function inspectionReminder(inspectionDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence {
  return yearly(inspectionDate, s.inspectionReminderLeadDays, from, s);
}

/** R21: the insurance renewal (续保) reminder one week before the renewal date, every year from it on. */
export function insuranceRenewalReminder(renewalDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence {
  return yearly(renewalDate, s.insuranceReminderLeadDays, from, s);
}

/** R20: the customer-relations callback one month after the new car was handed over (月回访). */
export function monthlyCallback(deliveryDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  return callOn(addMonths(deliveryDate, 1), from, s);
}

/** R20: the callback one year after the new car was handed over (年回访). */
export function yearlyCallback(deliveryDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  return callOn(addMonths(deliveryDate, 12), from, s);
}

/**
 * R20: management's sampled callback a quarter after delivery (三级回访). The sample is one car in
 * `managementCallbackSampleEvery`, chosen by its VIN, so the choice is the same however often it is asked.
 */
export function managementCallback(vin: string, deliveryDate: CalendarDate, from: CalendarDate, s: StoreSettings): CareOccurrence | undefined {
  if (!inManagementSample(vin, s.managementCallbackSampleEvery)) return undefined;
  return callOn(addMonths(deliveryDate, 3), from, s);
}

export function inManagementSample(vin: string, every: number): boolean {
  if (every < 1) return false;
  let hash = 0;
  for (const char of vin.toUpperCase()) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  return hash % Math.floor(every) === 0;
}

/** R21: the next holiday greeting on or after `from`, sent `holidayGreetingLeadDays` before the holiday. */
export function holidayGreeting(from: CalendarDate, s: StoreSettings): (CareOccurrence & { holiday: string }) | undefined {
  let first: (CareOccurrence & { holiday: string }) | undefined;
  for (const { date, name } of parseHolidays(s.holidayGreetings) ?? []) {
    const occurrence = date.length === 5 ? yearly(`2000-${date}`, s.holidayGreetingLeadDays, from, s) : date >= from ? once(date, s.holidayGreetingLeadDays, s) : undefined;
    if (occurrence && (!first || occurrence.at < first.at || (occurrence.at === first.at && occurrence.occasion < first.occasion))) first = { ...occurrence, holiday: name };
  }
  return first;
}

function once(occasion: CalendarDate, leadDays: number, s: StoreSettings): CareOccurrence {
  const at = localTime(addDays(occasion, -leadDays), s.contactStartTime, s.utcOffsetMinutes);
  return { occasion, at, by: at };
}

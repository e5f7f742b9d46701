// Every number the rules name, per store. Workflows read them when they decide and record the values used.

export interface StoreSettings {
  utcOffsetMinutes: number;
  /** Local time reminders and planned calls start (R2, R3, R7, R17). */
  contactStartTime: string;
  /** Local time by which a call task of the day must be done. */
  contactEndTime: string;
  /** Customer messages (SMS, e-mail) go out from this local time (quiet hours before it) … */
  messageStartTime: string;
  /** … until this one; pages to staff are never held. */
  messageEndTime: string;
  reminderLeadDays: number; // R2
  callLeadDays: number; // R3
  /** Parts must be ordered this many days before due; an undecided customer is called again before that (R4). */
  partsOrderLeadDays: number;
  unreachableRetryHours: number; // R3 retry policy
  unreachableMaxAttempts: number; // R3 retry policy
  /** How long past the due date a customer who declined or was never reached can still book (R5) before the cycle closes. */
  openForBookingDaysAfterDue: number;
  confirmationLeadDays: number; // R7
  /** R11: 1 hour (000 Nantong); 12 or 24 for the half-day / one-day variant (004 #16). */
  dayOfReminderLeadHours: number;
  /** After this long past the booked time without a check-in the booking is a no-show. */
  noShowGraceMinutes: number;
  firstServiceWithinMonths: number; // R1b
  progressCheckFraction: number; // R14
  /** R14 before R15: the 80% check comes at least this long before the pickup notice, so its answer is in first. */
  progressCheckBeforeNoticeMinutes: number;
  shortJobMaxHours: number; // R15: up to this, notice 1 hour before ready
  shortJobNoticeHours: number; // R15
  longJobNoticeHours: number; // R15
  followUpDays: number; // R17
  firstServiceFollowUpDays: number; // R17 (000 Nantong)
  followUpWindowEndDays: number; // R17 window 2–5 days
  failureScoreBelow: number; // R18: a CSI score below this opens a ticket
  failureAnswerHours: number; // R18 / R24: each escalation level's time to answer
  majorQualityLossCny: number; // R24: above this a quality incident goes to leadership at once
  /** R18 / R24: a page not acknowledged within this many minutes goes on to the next level; 0: no acknowledgement asked. */
  pageAckMinutes: number;
  salesCallWithinDays: number; // R19
  /** R1b / R22: a first service cancelled or missed: the sales consultant follows it up within this many days. */
  missedFirstServiceFollowUpDays: number;
  /** R6b: parts to order for one booking costing this much or more ask a deposit of half their price; 0: no deposits. */
  partsDepositFromCny: number;
  defaultIntervalMonths: number; // R1 when the model has no service plan
  defaultIntervalKm: number; // R1
  newCarDailyKm: number; // R1 before a car has any usage history
  newCarSurveyDays: number; // R20: 7DC survey call, days after delivery
  secondaryDealerSurveyDays: number; // R20: the same call for a car sold through a secondary dealer
  /** R20 / R22: days a care call may take, its planned day included (001: the 7DC within 3 days). */
  careCallDays: number;
  /** R21: 2–7 days before the birthday; values outside that range fall back to the default. */
  birthdayGreetingLeadDays: number;
  inspectionReminderLeadDays: number; // R21 年审
  insuranceReminderLeadDays: number; // R21 续保
  usageFollowUpDays: number; // R22: the sales consultant asks the monthly mileage, days after delivery
  /** R22: the sales consultant confirms the first service's time this long before its deadline (R1b). */
  firstServiceConfirmationLeadDays: number;
  /** R20: management (总经办) calls one new-car customer in this many a quarter after delivery; 0: none. */
  managementCallbackSampleEvery: number;
  /**
   * R21: the holidays greeted, comma-separated `MM-DD name` (every year) or `YYYY-MM-DD name` (once: the
   * lunar holidays move, so a store lists their dates ahead).
   */
  holidayGreetings: string;
  holidayGreetingLeadDays: number; // R21
  /** R8: bookings start on this grid (minutes; a multiple of 5, the size of a bay's slot cell). */
  slotGridMinutes: number;
  /** R8: share of the workshop's hours that may be booked; the rest stays free for quick jobs, emergencies, carry-overs, delays. */
  bookableCapacityFraction: number;
  /** R8: no arrivals booked this long after opening (the morning rush) … */
  morningRushMinutes: number;
  /** … nor this long before closing (the evening). */
  eveningNoArrivalMinutes: number;
  /** R8: arrivals at one grid time, across all bays, so that reception is not swamped. */
  maxArrivalsPerSlot: number;
  /** How long a tentative hold on a slot lasts unless it is confirmed. */
  slotHoldMinutes: number;
}

export const DEFAULT_STORE_SETTINGS: StoreSettings = {
  utcOffsetMinutes: 480,
  contactStartTime: '09:00',
  contactEndTime: '18:00',
  messageStartTime: '09:00',
  messageEndTime: '20:00',
  reminderLeadDays: 13,
  callLeadDays: 11,
  partsOrderLeadDays: 7,
  unreachableRetryHours: 24,
  unreachableMaxAttempts: 3,
  openForBookingDaysAfterDue: 30,
  confirmationLeadDays: 2,
  dayOfReminderLeadHours: 1,
  noShowGraceMinutes: 60,
  firstServiceWithinMonths: 3,
  progressCheckFraction: 0.8,
  progressCheckBeforeNoticeMinutes: 30,
  shortJobMaxHours: 48,
  shortJobNoticeHours: 1,
  longJobNoticeHours: 4,
  followUpDays: 3,
  firstServiceFollowUpDays: 2,
  followUpWindowEndDays: 5,
  failureScoreBelow: 8,
  failureAnswerHours: 24,
  majorQualityLossCny: 20000,
  pageAckMinutes: 60,
  salesCallWithinDays: 7,
  missedFirstServiceFollowUpDays: 3,
  partsDepositFromCny: 2000,
  defaultIntervalMonths: 6,
  defaultIntervalKm: 5000,
  newCarDailyKm: 40,
  newCarSurveyDays: 7,
  secondaryDealerSurveyDays: 10,
  careCallDays: 3,
  birthdayGreetingLeadDays: 5,
  inspectionReminderLeadDays: 7,
  insuranceReminderLeadDays: 7,
  usageFollowUpDays: 45,
  firstServiceConfirmationLeadDays: 7,
  managementCallbackSampleEvery: 5,
  holidayGreetings: '01-01 元旦, 02-14 情人节, 05-01 劳动节, 10-01 国庆节, 2027-02-06 春节, 2027-09-15 中秋节',
  holidayGreetingLeadDays: 1,
  slotGridMinutes: 15,
  bookableCapacityFraction: 0.8,
  morningRushMinutes: 30,
  eveningNoArrivalMinutes: 60,
  maxArrivalsPerSlot: 2,
  slotHoldMinutes: 15,
};

/** The whole numbers a setting counts (days, hours, minutes, months, km, attempts, CNY) and their bounds. */
const WHOLE_NUMBER_RANGES: [RegExp, number, number][] = [
  [/Days$/, 0, 3650],
  [/Hours$/, 0, 8760],
  [/Minutes$/, 0, 10080],
  [/Months$/, 1, 120],
  [/Km$/, 1, 1_000_000],
  [/Cny$/, 0, 100_000_000],
  [/Attempts$|Every$|PerSlot$/, 0, 1000],
  [/ScoreBelow$/, 0, 11],
];

function acceptable(key: string, value: unknown, fallback: unknown): boolean {
  if (typeof value !== typeof fallback) return false;
  if (key === 'holidayGreetings') return typeof value === 'string' && parseHolidays(value) !== undefined;
  // An end of day may be 24:00: a store that answers and books around the clock.
  if (typeof value === 'string') return /^([01]\d|2[0-3]):[0-5]\d$/.test(value) || (key.endsWith('EndTime') && value === '24:00');
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (key === 'utcOffsetMinutes') return Number.isInteger(value) && Math.abs(value) <= 14 * 60;
  if (key === 'progressCheckFraction') return value > 0 && value < 1;
  if (key === 'bookableCapacityFraction') return value > 0 && value <= 1;
  if (key === 'birthdayGreetingLeadDays') return Number.isInteger(value) && value >= 2 && value <= 7;
  if (key === 'careCallDays') return Number.isInteger(value) && value >= 1 && value <= 365;
  if (key === 'slotGridMinutes') return Number.isInteger(value) && value >= 5 && value <= 240 && value % 5 === 0;
  if (key === 'maxArrivalsPerSlot' || key === 'slotHoldMinutes') return Number.isInteger(value) && value >= 1 && value <= 1440;
  const range = WHOLE_NUMBER_RANGES.find(([pattern]) => pattern.test(key));
  if (range) return Number.isInteger(value) && value >= range[1] && value <= range[2];
  return value >= 0 && value <= 1_000_000;
}

/**
 * Unknown keys are dropped and unusable values (wrong type, '9:00' for a time, 80 for a fraction) fall
 * back to the default, so a typo in a store row cannot stop a workflow.
 */
export function resolveStoreSettings(stored: unknown): StoreSettings {
  const given = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const resolved: Record<string, unknown> = { ...DEFAULT_STORE_SETTINGS };
  for (const [key, fallback] of Object.entries(DEFAULT_STORE_SETTINGS)) {
    if (acceptable(key, given[key], fallback)) resolved[key] = given[key];
  }
  return resolved as unknown as StoreSettings;
}

export interface Holiday {
  /** 'MM-DD' every year, or 'YYYY-MM-DD' once. */
  date: string;
  name: string;
}

/** R21's holiday list, or undefined when an entry is not a date followed by a name. */
export function parseHolidays(list: string): Holiday[] | undefined {
  const holidays: Holiday[] = [];
  for (const entry of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^((?:\d{4}-)?\d{2}-\d{2})\s+(\S.*)$/.exec(entry);
    if (!match) return undefined;
    const date = match[1];
    const probe = date.length === 5 ? `2000-${date}` : date;
    const parsed = new Date(`${probe}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== probe) return undefined;
    holidays.push({ date, name: match[2] });
  }
  return holidays;
}

// Every store setting as a manager reads it: the rule it serves, the values the store accepts (the same
// bounds `resolveStoreSettings` keeps to; tests/unit/storeSettingsCatalogue.test.ts holds them together),
// and when a change reaches work already under way.
import type { StoreSettings } from './storeSettings';

export type SettingRange =
  | { kind: 'whole'; min: number; max: number; step?: number }
  | { kind: 'fraction'; min: number; max: number; minExcluded: boolean; maxExcluded: boolean }
  /** Any number within the bounds, fractions too. */
  | { kind: 'number'; min: number; max: number }
  | { kind: 'time'; upTo24: boolean }
  | { kind: 'holidayList' };

/**
 * Who uses a changed value, and from when (commands/storeSettings.ts tells running lifecycles and care
 * workflows; the rest read the store's settings where they decide):
 * - LIFECYCLE: each running lifecycle from its next decision; a wait already under way keeps its time.
 * - CARE: each vehicle's care workflow from the contact after the one it already waits for.
 * - TICKET: service-failure tickets opened from then on; an open ticket keeps the values it opened with.
 * - CYCLE: read when a service cycle opens (registration, delivery): the current cycle's due date stays.
 * - PLAN: the workshop plan at once — the next slot search, hold and booking; bookings already made stay.
 * - OUTBOX: the outbox sender at once, for every message it sends from then on, those already waiting too.
 * - EVERYWHERE: the store's clock: all of the above, each from its next use.
 */
export type SettingEffect = 'LIFECYCLE' | 'CARE' | 'TICKET' | 'CYCLE' | 'PLAN' | 'OUTBOX' | 'EVERYWHERE';

export interface SettingInfo {
  rule: string;
  range: SettingRange;
  effects: SettingEffect[];
}

const days = { kind: 'whole', min: 0, max: 3650 } as const;
const hours = { kind: 'whole', min: 0, max: 8760 } as const;
const minutes = { kind: 'whole', min: 0, max: 10080 } as const;
const months = { kind: 'whole', min: 1, max: 120 } as const;
const km = { kind: 'whole', min: 1, max: 1_000_000 } as const;
const count = { kind: 'whole', min: 0, max: 1000 } as const;
const startTime = { kind: 'time', upTo24: false } as const;
const endTime = { kind: 'time', upTo24: true } as const;

/** In the order the settings are declared, so the page reads like the rules. */
export const SETTINGS_CATALOGUE: Record<keyof StoreSettings, SettingInfo> = {
  utcOffsetMinutes: { rule: 'R1–R24', range: { kind: 'whole', min: -840, max: 840 }, effects: ['EVERYWHERE'] },
  contactStartTime: { rule: 'R2 R3 R5 R7 R17', range: startTime, effects: ['LIFECYCLE', 'CARE', 'PLAN'] },
  contactEndTime: { rule: 'R2 R3 R5 R7 R17', range: endTime, effects: ['LIFECYCLE', 'CARE', 'PLAN'] },
  messageStartTime: { rule: 'R2–R22', range: startTime, effects: ['OUTBOX'] },
  messageEndTime: { rule: 'R2–R22', range: endTime, effects: ['OUTBOX'] },
  reminderLeadDays: { rule: 'R2', range: days, effects: ['LIFECYCLE'] },
  callLeadDays: { rule: 'R3', range: days, effects: ['LIFECYCLE'] },
  partsOrderLeadDays: { rule: 'R4', range: days, effects: ['LIFECYCLE'] },
  unreachableRetryHours: { rule: 'R3', range: hours, effects: ['LIFECYCLE'] },
  unreachableMaxAttempts: { rule: 'R3', range: count, effects: ['LIFECYCLE'] },
  // Its name does not end in Days, so the store's rules take any number up to a million for it.
  openForBookingDaysAfterDue: { rule: 'R5', range: { kind: 'number', min: 0, max: 1_000_000 }, effects: ['LIFECYCLE'] },
  confirmationLeadDays: { rule: 'R7', range: days, effects: ['LIFECYCLE'] },
  dayOfReminderLeadHours: { rule: 'R11', range: hours, effects: ['LIFECYCLE'] },
  noShowGraceMinutes: { rule: 'R11', range: minutes, effects: ['LIFECYCLE'] },
  firstServiceWithinMonths: { rule: 'R1b', range: months, effects: ['CYCLE', 'LIFECYCLE', 'CARE'] },
  progressCheckFraction: { rule: 'R14', range: { kind: 'fraction', min: 0, max: 1, minExcluded: true, maxExcluded: true }, effects: ['LIFECYCLE'] },
  progressCheckBeforeNoticeMinutes: { rule: 'R14 R15', range: minutes, effects: ['LIFECYCLE'] },
  shortJobMaxHours: { rule: 'R15', range: hours, effects: ['LIFECYCLE'] },
  shortJobNoticeHours: { rule: 'R15', range: hours, effects: ['LIFECYCLE'] },
  longJobNoticeHours: { rule: 'R15', range: hours, effects: ['LIFECYCLE'] },
  followUpDays: { rule: 'R17', range: days, effects: ['LIFECYCLE'] },
  firstServiceFollowUpDays: { rule: 'R17', range: days, effects: ['LIFECYCLE'] },
  followUpWindowEndDays: { rule: 'R17', range: days, effects: ['LIFECYCLE'] },
  failureScoreBelow: { rule: 'R18', range: { kind: 'whole', min: 0, max: 11 }, effects: ['LIFECYCLE'] },
  failureAnswerHours: { rule: 'R18 R24', range: hours, effects: ['TICKET'] },
  majorQualityLossCny: { rule: 'R24', range: { kind: 'whole', min: 0, max: 100_000_000 }, effects: ['LIFECYCLE'] },
  pageAckMinutes: { rule: 'R18 R24', range: minutes, effects: ['TICKET'] },
  salesCallWithinDays: { rule: 'R19', range: days, effects: ['LIFECYCLE'] },
  missedFirstServiceFollowUpDays: { rule: 'R1b R22', range: days, effects: ['CARE'] },
  partsDepositFromCny: { rule: 'R6b', range: { kind: 'whole', min: 0, max: 100_000_000 }, effects: ['LIFECYCLE'] },
  defaultIntervalMonths: { rule: 'R1', range: months, effects: ['CYCLE'] },
  defaultIntervalKm: { rule: 'R1', range: km, effects: ['CYCLE'] },
  newCarDailyKm: { rule: 'R1', range: km, effects: ['CYCLE', 'LIFECYCLE'] },
  newCarSurveyDays: { rule: 'R20', range: days, effects: ['CARE'] },
  secondaryDealerSurveyDays: { rule: 'R20', range: days, effects: ['CARE'] },
  careCallDays: { rule: 'R20 R22', range: { kind: 'whole', min: 1, max: 365 }, effects: ['CARE'] },
  birthdayGreetingLeadDays: { rule: 'R21', range: { kind: 'whole', min: 2, max: 7 }, effects: ['CARE'] },
  inspectionReminderLeadDays: { rule: 'R21', range: days, effects: ['CARE'] },
  insuranceReminderLeadDays: { rule: 'R21', range: days, effects: ['CARE'] },
  usageFollowUpDays: { rule: 'R22', range: days, effects: ['CARE'] },
  firstServiceConfirmationLeadDays: { rule: 'R22', range: days, effects: ['CARE'] },
  managementCallbackSampleEvery: { rule: 'R20', range: count, effects: ['CARE'] },
  holidayGreetings: { rule: 'R21', range: { kind: 'holidayList' }, effects: ['CARE'] },
  holidayGreetingLeadDays: { rule: 'R21', range: days, effects: ['CARE'] },
  slotGridMinutes: { rule: 'R8', range: { kind: 'whole', min: 5, max: 240, step: 5 }, effects: ['PLAN'] },
  bookableCapacityFraction: { rule: 'R8', range: { kind: 'fraction', min: 0, max: 1, minExcluded: true, maxExcluded: false }, effects: ['PLAN'] },
  morningRushMinutes: { rule: 'R8', range: minutes, effects: ['PLAN'] },
  eveningNoArrivalMinutes: { rule: 'R8', range: minutes, effects: ['PLAN'] },
  maxArrivalsPerSlot: { rule: 'R8', range: { kind: 'whole', min: 1, max: 1440 }, effects: ['PLAN'] },
  slotHoldMinutes: { rule: 'R8', range: { kind: 'whole', min: 1, max: 1440 }, effects: ['PLAN'] },
};

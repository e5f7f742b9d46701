import { addDays, addMonths, CalendarDate, daysBetween, earliest } from './calendar';

export interface DueDateFacts {
  deliveryDate: CalendarDate;
  /** Date and odometer of the last service; absent before the first service. */
  lastServiceDate?: CalendarDate;
  lastServiceKm?: number;
  /** The newest odometer reading and the day it was taken. */
  mileageKm: number;
  mileageRecordedOn: CalendarDate;
  avgDailyKm: number;
  intervalMonths: number;
  intervalKm: number;
  firstServiceWithinMonths: number;
}

export type DueReason = 'time' | 'mileage' | 'first-service';

export interface DueDate {
  dueDate: CalendarDate;
  reason: DueReason;
}

/**
 * R1: the earlier of (last service + interval months) and the day the odometer is expected to reach
 * (last service km + interval km) at the vehicle's average daily mileage.
 * R1b: the first service is due within 3 months of delivery whatever the mileage.
 */
export function nextDueDate(f: DueDateFacts): DueDate {
  const baseDate = f.lastServiceDate ?? f.deliveryDate;
  const candidates: DueDate[] = [{ dueDate: addMonths(baseDate, f.intervalMonths), reason: 'time' }];

  const kmLeft = (f.lastServiceKm ?? 0) + f.intervalKm - f.mileageKm;
  if (f.avgDailyKm > 0) {
    const daysLeft = Math.max(0, Math.ceil(kmLeft / f.avgDailyKm));
    candidates.push({ dueDate: addDays(f.mileageRecordedOn, daysLeft), reason: 'mileage' });
  } else if (kmLeft <= 0) {
    candidates.push({ dueDate: f.mileageRecordedOn, reason: 'mileage' });
  }
  if (f.lastServiceDate === undefined) {
    candidates.push({ dueDate: addMonths(f.deliveryDate, f.firstServiceWithinMonths), reason: 'first-service' });
  }
  const due = earliest(...candidates.map((c) => c.dueDate));
  return candidates.find((c) => c.dueDate === due)!;
}

/** R1 needs a daily mileage; a car's own history is the best estimate, a store default covers a brand-new car. */
export function averageDailyKm(
  deliveryDate: CalendarDate,
  mileageKm: number,
  recordedOn: CalendarDate,
  newCarDailyKm: number,
): number {
  const days = daysBetween(deliveryDate, recordedOn);
  if (days < 14 || mileageKm <= 0) return newCarDailyKm;
  return mileageKm / days;
}

/** What R1 needs to date a cycle: the car, where the previous cycle left it, the model's interval and the store's numbers. */
export interface CycleFacts {
  deliveryDate: CalendarDate;
  lastServiceDate?: CalendarDate;
  lastServiceKm?: number;
  /** Set when the previous cycle closed without a service: its due date. */
  skippedDueDate?: CalendarDate;
  mileageKm: number;
  mileageRecordedOn: CalendarDate;
  intervalMonths: number;
  intervalKm: number;
  newCarDailyKm: number;
  firstServiceWithinMonths: number;
}

/**
 * R1 / R1b for a cycle, with the daily mileage it assumed. After a cycle without service the next one
 * counts from the skipped due date, so a customer who declined is reminded one interval later, not at once.
 */
export function cycleDueDate(f: CycleFacts): DueDate & { avgDailyKm: number } {
  const avgDailyKm = averageDailyKm(f.deliveryDate, f.mileageKm, f.mileageRecordedOn, f.newCarDailyKm);
  const countFrom = f.skippedDueDate ? { lastServiceDate: f.skippedDueDate, lastServiceKm: Math.max(f.lastServiceKm ?? 0, f.mileageKm) } : f;
  const due = nextDueDate({
    deliveryDate: f.deliveryDate,
    lastServiceDate: countFrom.lastServiceDate,
    lastServiceKm: countFrom.lastServiceKm,
    mileageKm: f.mileageKm,
    mileageRecordedOn: f.mileageRecordedOn,
    avgDailyKm,
    intervalMonths: f.intervalMonths,
    intervalKm: f.intervalKm,
    firstServiceWithinMonths: f.firstServiceWithinMonths,
  });
  return { ...due, avgDailyKm };
}

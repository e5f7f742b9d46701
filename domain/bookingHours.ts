// R5 / R8: a booking falls in the store's hours — its opening hours and closed days where it keeps them,
// its contact hours (when people answer the phone and the reception is staffed) where it does not — and
// in a window the store can plan: after now, within a year.
import { CalendarDate, localDate } from './calendar';
import { CapacityModel, isClosed, OpeningHours, openingWindow } from './capacity';

export const BOOKING_HORIZON_DAYS = 365;

export interface StoreHours {
  utcOffsetMinutes: number;
  /** Weekly opening hours; empty when the store keeps none. */
  openingHours: OpeningHours[];
  holidays: CalendarDate[];
  contactStartTime: string;
  contactEndTime: string;
}

export type BookingTimeReason = 'PAST' | 'TOO_FAR' | 'HOLIDAY' | 'CLOSED' | 'OUTSIDE_HOURS';

export interface BookingTimeRefusal {
  reason: BookingTimeReason;
  message: string;
}

/**
 * The weekly hours bookings fall in, as a workshop model without bays: the store's opening hours where it
 * keeps them, else its contact hours every day.
 */
export function bookingWeek(hours: StoreHours): CapacityModel {
  const weekly = hours.openingHours.length
    ? hours.openingHours
    : [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opensAt: hours.contactStartTime, closesAt: hours.contactEndTime }));
  return { utcOffsetMinutes: hours.utcOffsetMinutes, openingHours: weekly, holidays: hours.holidays, bays: [], technicians: [], jobTypes: [] };
}

const hhmmOf = (ms: number, utcOffsetMinutes: number) => new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(11, 16);

/** Why a booking cannot start at `startMs`, or undefined when it can. */
export function bookingTimeRefusal(startMs: number, nowMs: number, hours: StoreHours): BookingTimeRefusal | undefined {
  if (startMs <= nowMs) return { reason: 'PAST', message: 'the booked time has passed' };
  if (startMs > nowMs + BOOKING_HORIZON_DAYS * 86_400_000) return { reason: 'TOO_FAR', message: `a booking is made at most ${BOOKING_HORIZON_DAYS} days ahead` };
  const date = localDate(startMs, hours.utcOffsetMinutes);
  const window = openingWindow(bookingWeek(hours), date);
  if (isClosed(window)) return { reason: window.closed, message: window.closed === 'HOLIDAY' ? `the store is closed on ${date} (holiday)` : `the store is closed on ${date}` };
  if (startMs < window.start || startMs >= window.end) {
    const opens = hhmmOf(window.start, hours.utcOffsetMinutes);
    const closes = hhmmOf(window.end, hours.utcOffsetMinutes);
    return { reason: 'OUTSIDE_HOURS', message: `${date} ${hhmmOf(startMs, hours.utcOffsetMinutes)} is outside the store's hours (${opens}–${closes})` };
  }
  return undefined;
}


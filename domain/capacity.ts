// A store's workshop capacity (R8): which hours its bays and technicians can work on a day, and how much
// of that may be booked. Pure: the activities load the model from the database and pass it in.
import { CalendarDate, localTime } from './calendar';

export const BAY_KINDS = ['QUICK_SERVICE', 'GENERAL_REPAIR', 'BODY_PAINT'] as const;
export type BayKind = (typeof BAY_KINDS)[number];

export const PRIORITIES = ['SAFETY', 'COMEBACK', 'COMPLAINT'] as const;
/** R8: safety-related jobs, comebacks (返修) and complaint customers. */
export type Priority = (typeof PRIORITIES)[number];

export interface OpeningHours {
  /** 0 = Sunday … 6 = Saturday, the store's local weekday. */
  weekday: number;
  opensAt: string;
  closesAt: string;
}

export interface Shift {
  weekday: number;
  start: string;
  end: string;
}

export interface TechnicianModel {
  id: string;
  /** Bay kinds the technician works in. */
  skills: string[];
  shifts: Shift[];
}

export interface BayModel {
  id: string;
  kind: string;
}

export interface JobTypeModel {
  code: string;
  name: string;
  standardHours: number;
  bayKind: string;
}

export interface CapacityModel {
  utcOffsetMinutes: number;
  openingHours: OpeningHours[];
  holidays: CalendarDate[];
  bays: BayModel[];
  technicians: TechnicianModel[];
  jobTypes: JobTypeModel[];
}

/** A bay taken for a time: a booked job or a tentative hold still in force. */
export interface Occupation {
  bayId: string;
  start: number;
  end: number;
  priority?: Priority | null;
}

export interface Interval {
  start: number;
  end: number;
}

export type ClosedReason = 'HOLIDAY' | 'CLOSED';

const MINUTE_MS = 60_000;

export function weekdayOf(date: CalendarDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** A store day's weekday and local midnight, worked out once for all the shifts of the day. */
export interface DayFrame {
  weekday: number;
  midnight: number;
}

export function dayFrame(date: CalendarDate, utcOffsetMinutes: number): DayFrame {
  return { weekday: weekdayOf(date), midnight: localTime(date, '00:00', utcOffsetMinutes) };
}

/** 'HH:MM' as minutes after midnight, by plain arithmetic: workflow code reaches this module through the working hours. */
function minuteOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** The store's opening window on a date, or why it has none. */
export function openingWindow(model: CapacityModel, date: CalendarDate): Interval | { closed: ClosedReason } {
  if (model.holidays.includes(date)) return { closed: 'HOLIDAY' };
  const hours = model.openingHours.find((h) => h.weekday === weekdayOf(date));
  if (!hours) return { closed: 'CLOSED' };
  const start = localTime(date, hours.opensAt, model.utcOffsetMinutes);
  const end = localTime(date, hours.closesAt, model.utcOffsetMinutes);
  return end > start ? { start, end } : { closed: 'CLOSED' };
}

export function isClosed(window: Interval | { closed: ClosedReason }): window is { closed: ClosedReason } {
  return 'closed' in window;
}

/** A technician's working time on a day, clipped to the opening window. */
export function shiftOn(tech: TechnicianModel, day: DayFrame, window: Interval): Interval | null {
  const shift = tech.shifts.find((s) => s.weekday === day.weekday);
  if (!shift) return null;
  const start = Math.max(window.start, day.midnight + minuteOf(shift.start) * MINUTE_MS);
  const end = Math.min(window.end, day.midnight + minuteOf(shift.end) * MINUTE_MS);
  return end > start ? { start, end } : null;
}

export interface KindCapacity {
  bayMinutes: number;
  technicianMinutes: number;
  /** What the workshop can actually work: the scarcer of bays and technicians. */
  workshopMinutes: number;
  /** R8: 80% by default; ordinary bookings stop here. */
  bookableMinutes: number;
  /** R8: the rest, kept for quick jobs, emergencies, carry-overs, delays — and priority jobs. */
  reservedMinutes: number;
}

export interface DayCapacity {
  date: CalendarDate;
  window: Interval | null;
  closed?: ClosedReason;
  total: KindCapacity;
  byKind: Record<string, KindCapacity>;
}

function kindCapacity(bayMinutes: number, technicianMinutes: number, bookableFraction: number): KindCapacity {
  const workshopMinutes = Math.min(bayMinutes, technicianMinutes);
  const bookableMinutes = Math.floor(workshopMinutes * bookableFraction);
  return { bayMinutes, technicianMinutes, workshopMinutes, bookableMinutes, reservedMinutes: workshopMinutes - bookableMinutes };
}

/** R8: a day's workshop hours per bay kind and in total, and the bookable share of them. */
export function dayCapacity(model: CapacityModel, date: CalendarDate, bookableFraction: number): DayCapacity {
  const window = openingWindow(model, date);
  const kinds = new Set(model.bays.map((b) => b.kind));
  if (isClosed(window)) {
    const none = kindCapacity(0, 0, bookableFraction);
    return { date, window: null, closed: window.closed, total: none, byKind: Object.fromEntries([...kinds].map((k) => [k, none])) };
  }
  const openMinutes = (window.end - window.start) / MINUTE_MS;
  const day = dayFrame(date, model.utcOffsetMinutes);
  const shiftMinutes = new Map<string, number>();
  for (const tech of model.technicians) {
    const shift = shiftOn(tech, day, window);
    shiftMinutes.set(tech.id, shift ? (shift.end - shift.start) / MINUTE_MS : 0);
  }
  const byKind: Record<string, KindCapacity> = {};
  for (const kind of kinds) {
    const bayMinutes = model.bays.filter((b) => b.kind === kind).length * openMinutes;
    // A technician skilled in several kinds counts for each of them here, but only once in the total.
    const technicianMinutes = model.technicians.filter((t) => t.skills.includes(kind)).reduce((sum, t) => sum + shiftMinutes.get(t.id)!, 0);
    byKind[kind] = kindCapacity(bayMinutes, technicianMinutes, bookableFraction);
  }
  const totalTechnician = [...shiftMinutes.values()].reduce((a, b) => a + b, 0);
  return { date, window, total: kindCapacity(model.bays.length * openMinutes, totalTechnician, bookableFraction), byKind };
}

/** Minutes of each bay kind taken inside a window (a day), for the capacity check and the capacity view. */
export function bookedMinutes(model: CapacityModel, occupations: Occupation[], window: Interval): { total: number; byKind: Record<string, number> } {
  const kindOf = new Map(model.bays.map((b) => [b.id, b.kind]));
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const o of occupations) {
    const minutes = Math.max(0, Math.min(o.end, window.end) - Math.max(o.start, window.start)) / MINUTE_MS;
    if (minutes === 0) continue;
    const kind = kindOf.get(o.bayId);
    if (kind === undefined) continue;
    byKind[kind] = (byKind[kind] ?? 0) + minutes;
    total += minutes;
  }
  return { total, byKind };
}

export type CapacityVerdict = 'FITS' | 'USES_RESERVE' | 'RESERVED' | 'FULL';

/**
 * R8: an ordinary job fits while the day stays within the bookable share; a priority job may go on
 * into the reserved 20% (USES_RESERVE); past the whole workshop nothing fits.
 */
export function capacityVerdict(capacity: KindCapacity, alreadyBooked: number, jobMinutes: number, priority: Priority | null | undefined): CapacityVerdict {
  const after = alreadyBooked + jobMinutes;
  if (after <= capacity.bookableMinutes) return 'FITS';
  if (after > capacity.workshopMinutes) return 'FULL';
  return priority ? 'USES_RESERVE' : 'RESERVED';
}

/** A job's bay time, rounded up to the slot grid so that the next booking starts on it too (R8). */
export function jobMinutes(job: JobTypeModel, gridMinutes: number): number {
  return Math.max(1, Math.ceil((job.standardHours * 60) / gridMinutes)) * gridMinutes;
}

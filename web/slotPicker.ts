// R5 / R8: the times a booking form offers. For the vehicle's store, the next days' grid, each time free
// or refused with the reason. Each time is judged by the same functions, in the same order and with the
// same inputs, as the booking command's check (commands/bookedTime.ts `checkBookedTime`), so a time
// offered here is one the command accepts, and a refused one it refuses for the same reason.
import { LIFECYCLE_JOB_TYPE, occupationsOfBookedDay } from '../activities/bayReservations';
import { inForce } from '../activities/capacityModel';
import { ownBookedReservations } from '../commands/bookedTime';
import type { CommandDeps } from '../commands/command';
import { bookingWeek, BookingTimeReason, bookingTimeRefusal, StoreHours } from '../domain/bookingHours';
import { addDays, CalendarDate, localDate, localTime } from '../domain/calendar';
import { CapacityModel, ClosedReason, Interval, isClosed, Occupation, openingWindow, weekdayOf } from '../domain/capacity';
import { assessSlot, SlotAssessment } from '../domain/slotSearch';
import { storeLocalToInstant } from './commandForms';

/** Why the booking command refuses a time: the store's hours (R5), then the workshop's slot rules (R8). */
export type SlotReason = BookingTimeReason | Extract<SlotAssessment, { ok: false }>['reason'];

export interface PickerTime {
  /** The instant with the store's offset, e.g. `2026-11-24T10:00:00+08:00`: what the form books. */
  start: string;
  /** `YYYY-MM-DDTHH:MM`, the store's wall clock: the value a `datetime-local` form field posts for it. */
  local: string;
  /** `HH:MM`, the store's wall clock. */
  label: string;
  free: boolean;
  reason?: SlotReason;
}

export interface PickerDay {
  /** The store's calendar date. */
  date: CalendarDate;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** The store does not open that day: no time is listed. */
  closed?: ClosedReason;
  times: PickerTime[];
}

export const DEFAULT_PICKER_DAYS = 3;
/** A form with more days than this is a list nobody reads; a time further out is typed in. */
export const MAX_PICKER_DAYS = 14;

/**
 * The widest hours of the week on a date (earliest opening to latest closing), so that every day lists
 * the same span and a day that opens later or closes earlier shows those times refused.
 */
function weekSpan(model: CapacityModel, date: CalendarDate, window: Interval): Interval {
  const open = model.openingHours
    .map((h) => ({ start: localTime(date, h.opensAt, model.utcOffsetMinutes), end: localTime(date, h.closesAt, model.utcOffsetMinutes) }))
    .filter((h) => h.end > h.start);
  return { start: Math.min(window.start, ...open.map((h) => h.start)), end: Math.max(window.end, ...open.map((h) => h.end)) };
}

/**
 * For each of the next `days` store days (today first), every grid time after now with whether the
 * booking command would take it for this vehicle; `moving` for a booking being moved, whose own bay time
 * does not stand in its way. A vehicle without a known store lists nothing.
 */
export async function freeTimes(deps: CommandDeps, vin: string, opts: { days?: number; moving?: boolean } = {}): Promise<PickerDay[]> {
  const days = opts.days ?? DEFAULT_PICKER_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_PICKER_DAYS) throw new RangeError(`days must be a whole number from 1 to ${MAX_PICKER_DAYS}`);
  const storeId = await deps.storeOf(vin);
  const capacity = storeId ? await deps.capacityOf(deps.db, storeId) : null;
  if (!storeId || !capacity) return [];
  const { model, settings } = capacity;
  const offset = model.utcOffsetMinutes;
  const now = deps.clock.now();
  const nowMs = now.getTime();
  const hours: StoreHours = { ...model, contactStartTime: settings.contactStartTime, contactEndTime: settings.contactEndTime };
  const weekly = bookingWeek(hours);
  const planned = model.jobTypes.some((j) => j.code === LIFECYCLE_JOB_TYPE);
  const today = localDate(nowMs, offset);
  const dates = Array.from({ length: days }, (_, i) => addDays(today, i));

  // The command's two reads about the vehicle, made once for all the listed times.
  const held = new Set<number>();
  let own: string[] = [];
  if (planned) {
    const holds = await deps.db.bayReservation.findMany({
      where: { storeId, vin, bookingId: null, ...inForce(now), startsAt: { gte: new Date(localTime(today, '00:00', offset)), lt: new Date(localTime(addDays(today, days), '00:00', offset)) } },
      select: { startsAt: true },
    });
    for (const h of holds) held.add(h.startsAt.getTime());
    if (opts.moving) {
      own = await ownBookedReservations(deps.db, vin);
    }
  }

  const grid = settings.slotGridMinutes * 60_000;
  const listed: PickerDay[] = [];
  for (const date of dates) {
    const day: PickerDay = { date, weekday: weekdayOf(date), times: [] };
    listed.push(day);
    const window = openingWindow(weekly, date);
    if (isClosed(window)) {
      day.closed = window.closed;
      continue;
    }
    const span = weekSpan(weekly, date, window);
    let occupations: Occupation[] | undefined;
    // The day's grid runs from its own opening, as the slot rules' grid does, across the week's span.
    for (let start = window.start - Math.floor((window.start - span.start) / grid) * grid; start < span.end; start += grid) {
      if (start <= nowMs) continue;
      const local = new Date(start + offset * 60_000).toISOString().slice(0, 16);
      const time = { start: storeLocalToInstant(local, offset)!, local, label: local.slice(11) };
      const outside = bookingTimeRefusal(start, nowMs, hours);
      if (outside) {
        day.times.push({ ...time, free: false, reason: outside.reason });
        continue;
      }
      if (!planned || held.has(start)) {
        day.times.push({ ...time, free: true });
        continue;
      }
      occupations ??= await occupationsOfBookedDay(deps.db, storeId, start, offset, now, own);
      const assessment = assessSlot(model, occupations, { jobTypeCode: LIFECYCLE_JOB_TYPE, start, notBefore: nowMs }, settings);
      day.times.push(assessment.ok ? { ...time, free: true } : { ...time, free: false, reason: assessment.reason });
    }
  }
  return listed;
}

export interface SlotPickerInput {
  /** The form field the picker fills (`bookedFor`, `newBookedFor`). */
  name: string;
  days: PickerDay[];
  /** What the person sent last time (a refused form shown again), `YYYY-MM-DDTHH:MM`. */
  value?: string;
  error?: string;
}

/** The `_slotPicker` partial's context: the sent value checks its free time, or else fills the typed-in time. */
export function slotPickerView({ name, days, value, error }: SlotPickerInput) {
  const offered = new Set(days.flatMap((d) => d.times.filter((t) => t.free).map((t) => t.local)));
  return {
    name,
    error,
    other: value && !offered.has(value) ? value : undefined,
    days: days.map((d) => ({
      ...d,
      times: d.times.map((t) => ({ ...t, checked: t.free && t.local === value, reasonKey: t.reason && `slotReason.${t.reason}` })),
    })),
  };
}

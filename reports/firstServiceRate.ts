// R22 the first-service booked-arrival rate of a sales consultant in month N (target ≥ 80%). The base is the
// cars delivered in month N-3, whose first service (R1b: within three months) falls due now, plus the
// earlier no-shows: cars delivered before that which missed a first-service booking and have not come yet.
// A car counts as arrived when a booked first-service visit (not a walk-in) arrived by the end of month N.
import { addMonths, CalendarDate, localDate } from '../domain/calendar';
import { CalendarMonth, firstOfMonth, lastOfMonth, monthOf } from './calendar';

export const FIRST_SERVICE_TARGET = 0.8;

export interface ConsultantVehicleRow {
  vin: string;
  consultantId: string | null;
  deliveryDate: CalendarDate;
}

export interface FirstServiceBookingRow {
  vin: string;
  cycle: number;
  channel: string;
  status: string;
  bookedFor: Date;
}

export interface FirstServiceRows {
  vehicles: ConsultantVehicleRow[];
  /** The cycles that were a car's first service (their due date came from R1b). */
  firstServiceCycles: { vin: string; cycle: number }[];
  bookings: FirstServiceBookingRow[];
}

export interface BaseVehicle {
  vin: string;
  /** DELIVERED_N3: delivered in month N-3; EARLIER_NO_SHOW: an earlier car that missed its first service. */
  why: 'DELIVERED_N3' | 'EARLIER_NO_SHOW';
  arrivedOn: CalendarDate | null;
}

export interface ConsultantRate {
  consultantId: string | null;
  base: BaseVehicle[];
  arrived: number;
  rate: number;
  meetsTarget: boolean;
}

/** Per consultant (null: cars without one), sorted by consultant id. */
export function firstServiceRates(rows: FirstServiceRows, month: CalendarMonth, utcOffsetMinutes: number): ConsultantRate[] {
  const monthStart = firstOfMonth(month);
  const monthEnd = lastOfMonth(month);
  const deliveredMonth = monthOf(addMonths(monthStart, -3));
  const firstCycles = new Set(rows.firstServiceCycles.map((c) => `${c.vin}:${c.cycle}`));
  const firstBookings = rows.bookings
    .filter((b) => firstCycles.has(`${b.vin}:${b.cycle}`) && b.channel !== 'WALK_IN')
    .map((b) => ({ ...b, day: localDate(b.bookedFor.getTime(), utcOffsetMinutes) }));
  const arrivalOf = (vin: string) =>
    firstBookings
      .filter((b) => b.vin === vin && b.status === 'ARRIVED')
      .map((b) => b.day)
      .sort()[0] ?? null;
  const noShowBefore = (vin: string) => firstBookings.some((b) => b.vin === vin && b.status === 'NO_SHOW' && b.day < monthStart);

  const base = new Map<string | null, BaseVehicle[]>();
  for (const v of rows.vehicles) {
    const arrival = arrivalOf(v.vin);
    const delivered = monthOf(v.deliveryDate);
    let why: BaseVehicle['why'] | undefined;
    if (delivered === deliveredMonth) why = 'DELIVERED_N3';
    else if (delivered < deliveredMonth && noShowBefore(v.vin) && !(arrival && arrival < monthStart)) why = 'EARLIER_NO_SHOW';
    if (!why) continue;
    const list = base.get(v.consultantId) ?? [];
    list.push({ vin: v.vin, why, arrivedOn: arrival && arrival <= monthEnd ? arrival : null });
    base.set(v.consultantId, list);
  }
  return [...base.entries()]
    .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
    .map(([consultantId, cars]) => {
      const sorted = cars.sort((a, b) => a.vin.localeCompare(b.vin));
      const arrived = sorted.filter((c) => c.arrivedOn !== null).length;
      // A consultant is listed only with cars in the base, so the share is always defined.
      const rate = arrived / sorted.length;
      return { consultantId, base: sorted, arrived, rate, meetsTarget: rate >= FIRST_SERVICE_TARGET };
    });
}

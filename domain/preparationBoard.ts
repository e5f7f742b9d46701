// R6: the technical director's preparation board, reviewed at the start of every day: bookings in order
// of booked day, then urgency (R8 priority jobs first), then time.
import { CalendarDate, localDate } from './calendar';
import { Priority } from './capacity';

export interface BoardEntry {
  bookingId: string;
  bookedFor: number;
  priority: Priority | null;
}

export type PartsState = 'NONE' | 'PICKED' | 'IN_STOCK' | 'ON_ORDER' | 'LATE';

const URGENCY: Record<Priority, number> = { SAFETY: 0, COMEBACK: 1, COMPLAINT: 2 };

function urgency(priority: Priority | null): number {
  return priority === null ? 3 : URGENCY[priority];
}

/** Sorted by local booked date, then urgency (safety, comeback 返修, complaint, ordinary), then time. */
export function orderBoard<T extends BoardEntry>(entries: T[], utcOffsetMinutes: number): (T & { bookedDate: CalendarDate })[] {
  return entries
    .map((e) => ({ ...e, bookedDate: localDate(e.bookedFor, utcOffsetMinutes) }))
    .sort((a, b) => a.bookedDate.localeCompare(b.bookedDate) || urgency(a.priority) - urgency(b.priority) || a.bookedFor - b.bookedFor || a.bookingId.localeCompare(b.bookingId));
}

/** How a booking's parts stand, for the board's column. */
export function partsState(parts: { status: 'RESERVED' | 'PICKED' | 'RETURNED' }[], readyAt: number | null, bookedFor: number, now: number): PartsState {
  const live = parts.filter((p) => p.status !== 'RETURNED');
  if (live.length === 0) return 'NONE';
  if (live.every((p) => p.status === 'PICKED')) return 'PICKED';
  if (readyAt === null || readyAt <= now) return 'IN_STOCK';
  return readyAt > bookedFor ? 'LATE' : 'ON_ORDER';
}

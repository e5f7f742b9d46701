// R2 / R3 for an import: cars whose reminder is already overdue would all be reminded and called the day
// they are imported. The store says how many such cars a day its customers and its calling team take; the
// rest start their contacts on the following days, in file order. Days already filled by earlier imports
// of the store count.
import { addDays, CalendarDate } from '../domain/calendar';

export interface OverdueRow {
  overdue?: boolean;
  action: string;
  contactOn?: CalendarDate;
}

/** Gives each new overdue car its first contact day; `taken` is how many earlier imports put on each day. */
export function spreadOverdue(rows: OverdueRow[], perDay: number, today: CalendarDate, taken: ReadonlyMap<CalendarDate, number>): void {
  let day = today;
  let used = taken.get(day) ?? 0;
  for (const row of rows) {
    if (row.action !== 'CREATE' || !row.overdue) continue;
    while (used >= perDay) {
      day = addDays(day, 1);
      used = taken.get(day) ?? 0;
    }
    row.contactOn = day;
    used++;
  }
}

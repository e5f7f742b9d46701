// The capacity view's layout (R8): a day cut into the store's slot grid, each bay's reservations placed
// on it as blocks spanning their slots, and the day's capacity bar (booked · bookable 80% · reserved 20%).
// Pure: the page loads the day and renders what these return.

const MINUTE_MS = 60_000;

export interface GridColumn {
  /** Minutes after the store's local midnight. */
  minute: number;
  label: string;
  /** The first column of an hour carries the hour's label. */
  hourStart: boolean;
  /** Outside the day's opening window (or the whole day, when closed): shaded. */
  closed: boolean;
}

export interface Span {
  start: number;
  end: number;
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Minutes after local midnight of an instant on the day that starts at `midnight`. */
export function minuteOfDay(instant: number, midnight: number): number {
  return Math.round((instant - midnight) / MINUTE_MS);
}

/**
 * Columns from `shown.start` to `shown.end` (minutes of the day) on the grid; the cells outside `open`
 * are closed hours. Ends that are off the grid widen to the next grid line, so every slot shows.
 */
export function gridColumns(shown: Span, open: Span | null, gridMinutes: number): GridColumn[] {
  const first = Math.floor(shown.start / gridMinutes) * gridMinutes;
  const last = Math.ceil(shown.end / gridMinutes) * gridMinutes;
  const columns: GridColumn[] = [];
  for (let minute = first; minute < last; minute += gridMinutes) {
    columns.push({ minute, label: hhmm(minute), hourStart: minute % 60 === 0 || minute === first, closed: open === null || minute < open.start || minute + gridMinutes > open.end });
  }
  return columns;
}

/** The hour labels over the columns: one header cell per hour (or part of an hour at either end). */
export function hourHeaders(columns: GridColumn[]): { hour: string; span: number }[] {
  const headers: { hour: string; span: number }[] = [];
  for (const c of columns) {
    if (c.hourStart || headers.length === 0) headers.push({ hour: c.label, span: 1 });
    else headers[headers.length - 1].span += 1;
  }
  return headers;
}

export type Cell<T> = { kind: 'free'; closed: boolean; minute: number } | { kind: 'block'; span: number; item: T; clippedStart: boolean; clippedEnd: boolean };

/**
 * One bay's row: reservations (minutes of the day) as blocks over the slots they take, free slots between.
 * A reservation running past the shown hours is clipped and marked so; one that overlaps a block already
 * placed (never expected: the slot cells forbid double-booking) is returned in `unplaced` to be listed.
 */
export function bayRow<T extends Span>(columns: GridColumn[], reservations: T[], gridMinutes: number): { cells: Cell<T>[]; unplaced: T[] } {
  const cells: Cell<T>[] = [];
  const unplaced: T[] = [];
  if (columns.length === 0) return { cells, unplaced: [...reservations] };
  const first = columns[0].minute;
  const end = columns[columns.length - 1].minute + gridMinutes;
  const sorted = [...reservations].sort((a, b) => a.start - b.start || a.end - b.end);
  let at = 0;
  for (const r of sorted) {
    if (r.end <= first || r.start >= end) {
      unplaced.push(r);
      continue;
    }
    const from = Math.max(0, Math.floor((r.start - first) / gridMinutes));
    const to = Math.min(columns.length, Math.ceil((r.end - first) / gridMinutes));
    if (from < at) {
      unplaced.push(r);
      continue;
    }
    for (; at < from; at++) cells.push({ kind: 'free', closed: columns[at].closed, minute: columns[at].minute });
    cells.push({ kind: 'block', span: to - from, item: r, clippedStart: r.start < first, clippedEnd: r.end > end });
    at = to;
  }
  for (; at < columns.length; at++) cells.push({ kind: 'free', closed: columns[at].closed, minute: columns[at].minute });
  return { cells, unplaced };
}

export interface CapacityBar {
  bookableMinutes: number;
  reservedMinutes: number;
  bookedMinutes: number;
  /** Booked minutes inside the bookable 80%, and those that went on into the reserved 20% (priority jobs). */
  bookedInBookable: number;
  bookedInReserve: number;
  /** Share of the bookable part used, 0..1 (more than 1 when priority jobs use the reserve). */
  load: number;
}

/** R8: how a day's booked minutes sit against its bookable share and the reserve kept back. */
export function capacityBar(capacity: { bookableMinutes: number; reservedMinutes: number }, booked: number): CapacityBar {
  const bookedInBookable = Math.min(booked, capacity.bookableMinutes);
  return {
    bookableMinutes: capacity.bookableMinutes,
    reservedMinutes: capacity.reservedMinutes,
    bookedMinutes: booked,
    bookedInBookable,
    bookedInReserve: Math.max(0, booked - capacity.bookableMinutes),
    load: capacity.bookableMinutes === 0 ? 0 : booked / capacity.bookableMinutes,
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The bar as inline SVG (the pages allow no inline styles): booked, free bookable, reserved; the 80% line marked. */
export function capacityBarSvg(bar: CapacityBar, title: string, width = 300): string {
  const whole = Math.max(1, bar.bookableMinutes + bar.reservedMinutes);
  const x = (minutes: number) => Math.round((minutes / whole) * width);
  const bookableEnd = x(bar.bookableMinutes);
  return (
    `<svg class="capbar" role="img" aria-label="${escape(title)}" viewBox="0 0 ${width} 16" width="${width}" height="16">` +
    `<title>${escape(title)}</title>` +
    `<rect x="0" y="2" width="${bookableEnd}" height="12" class="bookable"/>` +
    `<rect x="${bookableEnd}" y="2" width="${width - bookableEnd}" height="12" class="reserve"/>` +
    `<rect x="0" y="2" width="${x(bar.bookedInBookable)}" height="12" class="booked"/>` +
    `<rect x="${bookableEnd}" y="2" width="${Math.min(width - bookableEnd, x(bar.bookedInReserve))}" height="12" class="booked priority"/>` +
    `<line x1="${bookableEnd}" x2="${bookableEnd}" y1="0" y2="16" class="limit"/>` +
    `</svg>`
  );
}

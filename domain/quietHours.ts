// Customer messages go out only within the store's contact hours, on the store's own clock (default
// 09:00–20:00); pages to supervisors are never held. Stored in the store's settings as
// messageStartTime / messageEndTime ("HH:MM").

export interface ContactHours {
  start: string;
  end: string;
}

export const DEFAULT_CONTACT_HOURS: ContactHours = { start: '09:00', end: '20:00' };

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
// The end of the day may be 24:00: a store whose customers accept messages at any hour.
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** A typo in the store row falls back to the default rather than holding messages forever. */
export function contactHours(settings: unknown): ContactHours {
  const s = settings && typeof settings === 'object' ? (settings as Record<string, unknown>) : {};
  const start = typeof s.messageStartTime === 'string' && HH_MM.test(s.messageStartTime) ? s.messageStartTime : DEFAULT_CONTACT_HOURS.start;
  const end = typeof s.messageEndTime === 'string' && END.test(s.messageEndTime) ? s.messageEndTime : DEFAULT_CONTACT_HOURS.end;
  return minutes(start) < minutes(end) ? { start, end } : DEFAULT_CONTACT_HOURS;
}

interface LocalClock {
  date: string;
  minuteOfDay: number;
}

/** One formatter per zone: making one costs far more than formatting, and the sender asks for every message it holds. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localClock(at: Date, timeZone: string): LocalClock {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** The instant a local date and time of the zone stands for (two passes settle a DST change). */
function instantOf(date: string, hhmm: string, timeZone: string): Date {
  const wanted = Date.parse(`${date}T${hhmm}:00Z`);
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const seen = localClock(new Date(guess), timeZone);
    guess += wanted - Date.parse(`${seen.date}T${String(Math.floor(seen.minuteOfDay / 60)).padStart(2, '0')}:${String(seen.minuteOfDay % 60).padStart(2, '0')}:00Z`);
  }
  return new Date(guess);
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Undefined within contact hours; otherwise when they next begin. */
export function heldUntil(at: Date, timeZone: string, hours: ContactHours): Date | undefined {
  const now = localClock(at, timeZone);
  if (now.minuteOfDay >= minutes(hours.start) && now.minuteOfDay < minutes(hours.end)) return undefined;
  const day = now.minuteOfDay < minutes(hours.start) ? now.date : nextDay(now.date);
  return instantOf(day, hours.start, timeZone);
}
